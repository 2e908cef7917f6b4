/**
 * pulumi-nylas-agents: Nylas Agent Account mailboxes and everything around them as Pulumi resources.
 */
export { Policy, type PolicyArgs, type PolicyLimitsArgs, type PolicySpamDetectionArgs } from "./resources/policy";
export { Rule, type RuleArgs, type RuleMatchArgs, type RuleConditionArgs, type RuleActionArgs } from "./resources/rule";
export { List, type ListArgs } from "./resources/list";
export { Workspace, type WorkspaceArgs, DefaultWorkspace, type DefaultWorkspaceArgs } from "./resources/workspace";
export { Domain, type DomainArgs, type DomainWaitForVerificationArgs, type DnsRecord } from "./resources/domain";
export { AgentAccount, type AgentAccountArgs } from "./resources/agent-account";
export { Webhook, type WebhookArgs, WEBHOOK_TRIGGER_TYPES } from "./resources/webhook";
export { AgentMailbox, type AgentMailboxArgs, type AgentMailboxWorkspaceArgs, type AgentMailboxPolicyArgs, type AgentMailboxRuleArgs, type AgentMailboxWebhookArgs, PER_MAILBOX_WEBHOOKS_WARN_AT } from "./components/agent-mailbox";
export { verifyWebhookSignature, parseWebhookBody, type WebhookNotification } from "./webhook-signature";
export { createWebhookRouter, grantIdOf, type WebhookRouterOptions, type RouteResult, type RoutedDelivery, type MailboxHandler } from "./webhook-router";
export * as client from "./client";
