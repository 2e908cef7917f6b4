/**
 * pulumi-nylas-agents: Nylas Agent Account mailboxes and everything around them as Pulumi resources.
 */
export { Policy, type PolicyArgs, type PolicyLimitsArgs, type PolicySpamDetectionArgs } from "./resources/policy";
export * as client from "./client";
