"""Two AI agents' mailboxes and a signed webhook through the native nylas-agents plugin.

pulumi package add ../../provider/plugin        # generates sdks/nylas-agents, the pulumi_nylas_agents SDK
pulumi config set --secret nylas-agents:apiKey nyk_...
pulumi config set --secret salesAppPassword '...'
pulumi config set --secret euApiKey nyk_...     # a second Nylas application, in the EU region
pulumi up
"""

import pulumi
import pulumi_nylas_agents as nylas

cfg = pulumi.Config()
domain = cfg.get("agentsDomain") or "agents.example.com"

policy = nylas.Policy(
    "agents",
    name="agents",
    limits=nylas.PolicyLimitsArgs(
        limit_count_daily_email_sent=500,
        limit_inbox_retention_period=90,
        limit_spam_retention_period=30,
    ),
    spam_detection=nylas.PolicySpamDetectionArgs(spam_sensitivity=1.5),
)

workspace = nylas.Workspace("agents", name="agents", domain=domain, policy_id=policy.id)

sales = nylas.AgentAccount(
    "sales",
    email=f"sales-agent@{domain}",
    name="Sales Agent",
    app_password=cfg.require_secret("salesAppPassword"),
    workspace_id=workspace.id,
)

inbound = nylas.Webhook(
    "inbound",
    webhook_url="https://agent.example.com/webhooks/nylas",
    trigger_types=["message.created", "message.updated"],
    secret_version="1",
)

# A second Nylas application in one program: an explicit provider, and a resource that uses it.
eu = nylas.Provider("eu", api_key=cfg.require_secret("euApiKey"), region="eu")
eu_policy = nylas.Policy(
    "agents-eu",
    name="agents-eu",
    limits=nylas.PolicyLimitsArgs(limit_count_daily_email_sent=100),
    opts=pulumi.ResourceOptions(provider=eu),
)

pulumi.export("grantId", sales.grant_id)
pulumi.export("webhookSecret", inbound.webhook_secret)  # a secret output
pulumi.export("euPolicyId", eu_policy.id)
