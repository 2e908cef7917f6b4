// Two AI agents' mailboxes and a signed webhook through the native nylas-agents plugin.
//
//   pulumi package add ../../provider/plugin     # generates sdks/nylas-agents (Pulumi.NylasAgents) and references it
//   pulumi config set --secret nylas-agents:apiKey nyk_...
//   pulumi config set --secret salesAppPassword '...'
//   pulumi up
using System.Collections.Generic;
using Pulumi;
using Nylas = Pulumi.NylasAgents;

return await Deployment.RunAsync(() =>
{
    var config = new Config();
    var domain = config.Get("agentsDomain") ?? "agents.example.com";

    var policy = new Nylas.Policy("agents", new Nylas.PolicyArgs
    {
        Name = "agents",
        Limits = new Nylas.Inputs.PolicyLimitsArgs
        {
            LimitCountDailyEmailSent = 500,
            LimitInboxRetentionPeriod = 90,
            LimitSpamRetentionPeriod = 30,
        },
        SpamDetection = new Nylas.Inputs.PolicySpamDetectionArgs { SpamSensitivity = 1.5 },
    });

    var workspace = new Nylas.Workspace("agents", new Nylas.WorkspaceArgs
    {
        Name = "agents",
        Domain = domain,
        PolicyId = policy.Id,
    });

    var sales = new Nylas.AgentAccount("sales", new Nylas.AgentAccountArgs
    {
        Email = $"sales-agent@{domain}",
        Name = "Sales Agent",
        AppPassword = config.RequireSecret("salesAppPassword"),
        WorkspaceId = workspace.Id,
    });

    var inbound = new Nylas.Webhook("inbound", new Nylas.WebhookArgs
    {
        WebhookUrl = "https://agent.example.com/webhooks/nylas",
        TriggerTypes = { "message.created", "message.updated" },
    });

    return new Dictionary<string, object?>
    {
        ["grantId"] = sales.GrantId,
        ["webhookSecret"] = inbound.WebhookSecret, // a secret output
    };
});
