// Two AI agents' mailboxes and a signed webhook through the native nylas-agents plugin.
//
//	pulumi package add ../../provider/plugin   # generates sdks/nylas-agents and the go.mod replace
//	go mod tidy
//	pulumi config set --secret nylas-agents:apiKey nyk_...
//	pulumi config set --secret salesAppPassword '...'
//	pulumi up
package main

import (
	"fmt"

	nylas "github.com/pulumi-nylas-agents/pulumi-nylas-agents/sdk/go/nylasagents"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		domain := cfg.Get("agentsDomain")
		if domain == "" {
			domain = "agents.example.com"
		}

		policy, err := nylas.NewPolicy(ctx, "agents", &nylas.PolicyArgs{
			Name: pulumi.String("agents"),
			Limits: &nylas.PolicyLimitsArgs{
				LimitCountDailyEmailSent:  pulumi.Int(500),
				LimitInboxRetentionPeriod: pulumi.Int(90),
				LimitSpamRetentionPeriod:  pulumi.Int(30),
			},
			SpamDetection: &nylas.PolicySpamDetectionArgs{SpamSensitivity: pulumi.Float64(1.5)},
		})
		if err != nil {
			return err
		}

		workspace, err := nylas.NewWorkspace(ctx, "agents", &nylas.WorkspaceArgs{
			Name:     pulumi.String("agents"),
			Domain:   pulumi.String(domain),
			PolicyId: policy.ID().ToStringOutput(),
		})
		if err != nil {
			return err
		}

		sales, err := nylas.NewAgentAccount(ctx, "sales", &nylas.AgentAccountArgs{
			Email:       pulumi.String(fmt.Sprintf("sales-agent@%s", domain)),
			Name:        pulumi.String("Sales Agent"),
			AppPassword: cfg.RequireSecret("salesAppPassword"),
			WorkspaceId: workspace.ID().ToStringOutput(),
		})
		if err != nil {
			return err
		}

		inbound, err := nylas.NewWebhook(ctx, "inbound", &nylas.WebhookArgs{
			WebhookUrl:   pulumi.String("https://agent.example.com/webhooks/nylas"),
			TriggerTypes: pulumi.StringArray{pulumi.String("message.created"), pulumi.String("message.updated")},
		})
		if err != nil {
			return err
		}

		ctx.Export("grantId", sales.GrantId)
		ctx.Export("webhookSecret", inbound.WebhookSecret) // a secret output
		return nil
	})
}
