/**
 * pulumi-nylas-agents: Nylas Agent Account mailboxes and everything around them as Pulumi resources.
 */
export { Policy, type PolicyArgs, type PolicyLimitsArgs, type PolicySpamDetectionArgs, type PolicyOptionsArgs } from "./resources/policy";
export { Rule, type RuleArgs, type RuleMatchArgs, type RuleConditionArgs, type RuleActionArgs } from "./resources/rule";
export { List, type ListArgs } from "./resources/list";
export { Workspace, type WorkspaceArgs, DefaultWorkspace, type DefaultWorkspaceArgs } from "./resources/workspace";
export { Domain, type DomainArgs, type DomainWaitForVerificationArgs, type DnsRecord, type VerificationDetails } from "./resources/domain";
export { Folder, type FolderArgs } from "./resources/folder";
export { AgentAccount, type AgentAccountArgs, type AgentAccountSignatureArgs } from "./resources/agent-account";
export { Webhook, type WebhookArgs, WEBHOOK_TRIGGER_TYPES } from "./resources/webhook";
export { PubSubChannel, type PubSubChannelArgs, SnsChannel, type SnsChannelArgs, type ChannelArgs } from "./resources/channel";
export { IamPrincipal, type IamPrincipalArgs, type IamPrincipalBindingArgs, SYSTEM_ROLES, KNOWN_PERMISSIONS } from "./resources/iam-principal";
export { IamCredential, type IamCredentialArgs } from "./resources/iam-credential";
export { AgentKey, type AgentKeyArgs, type AgentKeyOptionsArgs, AGENT_LOOP_PERMISSIONS } from "./components/agent-key";
export { AgentMailbox, type AgentMailboxArgs, type AgentMailboxWorkspaceArgs, type AgentMailboxPolicyArgs, type AgentMailboxRuleArgs, type AgentMailboxWebhookArgs, PER_MAILBOX_WEBHOOKS_WARN_AT } from "./components/agent-mailbox";
export { getRuleEvaluations, getRuleEvaluationsOutput, type RuleEvaluation, type GetRuleEvaluationsOptions } from "./rule-evaluations";
export { verifyWebhookSignature, parseWebhookBody, type WebhookNotification } from "./webhook-signature";
export { createWebhookRouter, grantIdOf, type WebhookRouterOptions, type RouteResult, type RoutedDelivery, type MailboxHandler } from "./webhook-router";
export * as client from "./client";
