/**
 * Typed client of the emulator's `/__emulator/` control API: faults, the request log, webhook and
 * channel deliveries, state, reset, runtime config, variance, plans and send usage, outside mail
 * (inject, outbox, replies) and the hooks that put objects into states the public API cannot (invalid
 * grants, failing webhooks and channels, failing domain verification, unreachable topics, custom IAM
 * roles, expired credentials). Uses only the global `fetch`, so it runs anywhere the emulator's URL is
 * reachable.
 *
 *   const control = new EmulatorControl(emulator.url);
 *   await control.injectMail({ from: "alice@customer.example", to: "agent@agents.example.com", subject: "Hi" });
 *   const [reply] = await control.waitForOutbox((m) => m.recipients.includes("alice@customer.example"));
 */
import type { RuntimeConfig } from "./app";
import type { RequestLogEntry } from "./control";
import type { FaultKind, FaultRule } from "./faults";
import type { AppliedActions, EvaluationStage } from "./handlers/rule-evaluations";
import type { InjectResult, RecipientResult, SpamVerdict } from "./inbound";
import type { OutboxRec } from "./outbox";
import type { PlanName } from "./plan";
import type { ServiceAccountFile } from "./service-account";
import type { DomainVerificationType } from "./types";
import type { Profile as VarianceProfile, Variance } from "./variance";
import type { ChannelDeliveryLogEntry, DeliveryLogEntry } from "./webhook-delivery";

export type {
  AppliedActions,
  DomainVerificationType,
  EvaluationStage,
  FaultKind,
  FaultRule,
  InjectResult,
  PlanName,
  RecipientResult,
  ServiceAccountFile,
  SpamVerdict,
  Variance,
  VarianceProfile,
};
/** Runtime switches: where the reference allows more than one behaviour, and test conveniences. */
export type EmulatorConfig = RuntimeConfig;
/** What `config()` takes: any switches; `null` turns the rate limit or the plan off. */
export type EmulatorConfigPatch = Partial<Omit<EmulatorConfig, "rateLimitPerSecond" | "plan">> & {
  rateLimitPerSecond?: number | null;
  plan?: PlanName | null;
  /** Older names of the variance switches `retryAfterOn429` and `rulesEnvelope`, kept for existing callers. */
  retryAfterOnRateLimit?: boolean;
  rulesListEnvelope?: "array" | "items";
};
/** The variance switches in force (`GET`/`POST /__emulator/variance`). */
export interface VarianceState {
  /** `custom` when some switch differs from both profiles. */
  profile: VarianceProfile | "custom";
  switches: Variance;
  catalogue: Record<string, { id: string; default: unknown; harsh: unknown; values?: readonly unknown[]; doc: string }>;
}
/** One publish to a Pub/Sub or SNS topic (status 0 = the topic was unreachable). */
export type ChannelDelivery = ChannelDeliveryLogEntry;
/** One logged `/v3` request (status 0 = the connection was reset by a fault). */
export type LoggedRequest = RequestLogEntry;
/** One webhook POST attempt (status 0 = network error or timeout). */
export type WebhookDeliveryAttempt = DeliveryLogEntry;
/** A message an agent sent to outside addresses. */
export type OutboxMessage = OutboxRec;
export type FaultRuleState = FaultRule & { matched: number; applied: number };

export interface Participant {
  email: string;
  name?: string;
}
type Address = string | Participant;
type Header = { name: string; value: string };

export interface Message {
  object: "message";
  id: string;
  grant_id: string;
  thread_id: string;
  date: number;
  folders: string[];
  from: Participant[];
  to: Participant[];
  cc: Participant[];
  bcc: Participant[];
  reply_to: Participant[];
  subject: string;
  body: string;
  snippet: string;
  unread: boolean;
  starred: boolean;
  attachments: unknown[];
  headers?: Header[];
  [k: string]: unknown;
}

export interface Thread {
  object: "thread";
  id: string;
  grant_id: string;
  subject: string;
  snippet: string;
  participants: Participant[];
  message_ids: string[];
  folders: string[];
  unread: boolean;
  starred: boolean;
  [k: string]: unknown;
}

export interface Grant {
  id: string;
  provider: string;
  email: string;
  name?: string;
  grant_status: "valid" | "invalid";
  workspace_id?: string;
  settings: Record<string, unknown>;
  created_at: number;
  updated_at: number;
  [k: string]: unknown;
}

export interface Webhook {
  id: string;
  webhook_url: string;
  trigger_types: string[];
  status: "active" | "pause" | "failing" | "failed";
  description?: string;
  compressed_delivery: boolean;
  notification_email_addresses: string[];
  [k: string]: unknown;
}

export interface Policy {
  id: string;
  name: string;
  limits: Record<string, unknown>;
  spam_detection: { use_list_dnsbl: boolean; use_header_anomaly_detection: boolean; spam_sensitivity: number };
  options?: Record<string, unknown>;
  [k: string]: unknown;
}

export interface Rule {
  id: string;
  name: string;
  description?: string;
  priority: number;
  enabled: boolean;
  trigger: "inbound" | "outbound";
  match: { operator: "all" | "any"; conditions: { field: string; operator: string; value: string | string[] }[] };
  actions: { type: string; value?: string }[];
  [k: string]: unknown;
}

export interface List {
  id: string;
  name: string;
  description?: string;
  type: "domain" | "tld" | "address";
  items_count?: number;
  [k: string]: unknown;
}

export interface Workspace {
  workspace_id: string;
  name: string;
  domain: string;
  auto_group: boolean;
  policy_id?: string;
  rule_ids: string[];
  default?: boolean;
  [k: string]: unknown;
}

export interface Domain {
  id: string;
  name: string;
  domain_address: string;
  branded: boolean;
  region: string;
  [k: string]: unknown;
}

export interface Channel {
  id: string;
  description?: string;
  trigger_types: string[];
  topic: string;
  role_arn?: string;
  notification_email_addresses: string[];
  compressed_delivery: boolean;
  status: "active" | "pause" | "failing" | "failed";
  [k: string]: unknown;
}

export interface Folder {
  id: string;
  grant_id: string;
  name: string;
  system_folder: boolean;
  parent_id?: string;
  attributes: string[];
  [k: string]: unknown;
}

export interface RuleEvaluation {
  id: string;
  grant_id: string;
  /** Null (or, under a variance switch, absent) for RCPT-time blocks and blocked sends. */
  message_id?: string | null;
  evaluated_at: number;
  evaluation_stage: EvaluationStage;
  evaluation_input: Record<string, unknown>;
  applied_actions: AppliedActions;
  matched_rule_ids: string[];
  [k: string]: unknown;
}

export interface Connector {
  name: string;
  provider: string;
  settings: Record<string, unknown>;
  scope: string[];
}

/** `GET /__emulator/state`: every object, including what the public API never shows. */
export interface EmulatorState {
  application_id: string;
  organization_id: string;
  default_workspace_id: string;
  connectors: Connector[];
  grants: (Grant & { has_app_password: boolean })[];
  webhooks: (Webhook & { webhook_secret: string })[];
  policies: (Policy & { limits_input: Record<string, unknown> })[];
  rules: Rule[];
  lists: (List & { items: string[] })[];
  workspaces: Workspace[];
  domains: Domain[];
  messages: (Message & { message_id: string })[];
  threads: Thread[];
  folders: Folder[];
  signatures: Record<string, unknown>[];
  rule_evaluations: RuleEvaluation[];
  channels: (Channel & { type: "pubsub" | "sns" })[];
  application: Record<string, unknown>;
  principals: Record<string, unknown>[];
  credentials: Record<string, unknown>[];
  plan: PlanName | null;
  outbox: OutboxMessage[];
  [k: string]: unknown;
}

/** Mail from an outside correspondent (`POST /__emulator/inbound`). */
export interface InjectMail {
  from: Address;
  /** Delivered to every agent account among `to` and `cc`; other addresses are only shown. */
  to: Address | Address[];
  cc?: Address | Address[];
  reply_to?: Address | Address[];
  subject?: string;
  /** HTML or plain text. */
  body?: string;
  /** RFC 5322 Message-ID; generated when absent. */
  message_id?: string;
  /** A reply: the Message-ID it answers (joins that thread). It is appended to `references` too. */
  in_reply_to?: string;
  references?: string | string[];
  /** Extra headers, e.g. Return-Path (spam detection reads it). */
  headers?: Header[];
  /** Unix seconds; default now. */
  date?: number;
  /** The simulated size of the whole MIME message in bytes (plan and policy size limits); default: body + headers. */
  size_bytes?: number;
}

/** The outside recipient's answer to an outbox message (`POST /__emulator/outbox/{id}/reply`). */
export interface OutboxReply {
  body?: string;
  /** Default: the message's first outside recipient. */
  from?: Address;
  /** Default: the message's Reply-To, else its sender. */
  to?: Address | Address[];
  cc?: Address | Address[];
  /** Default `Re: <subject>`. */
  subject?: string;
  message_id?: string;
  headers?: Header[];
  date?: number;
}

export interface WaitOptions {
  /** Default 30000: it bounds a wait for something that must happen, so a slow machine only makes it later. */
  timeoutMs?: number;
  /** Poll interval; default 25. */
  intervalMs?: number;
}

export class EmulatorControlError extends Error {
  constructor(message: string, readonly status: number, readonly body: unknown) {
    super(message);
  }
}

export class EmulatorControl {
  /** `url`: the emulator's base URL (`RunningEmulator.url`). */
  constructor(readonly url: string) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url.replace(/\/$/, "")}/__emulator/${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    if (!res.ok) {
      const msg = (parsed as { error?: { message?: string } } | undefined)?.error?.message ?? text;
      throw new EmulatorControlError(`emulator control ${method} /__emulator/${path}: ${res.status} ${msg}`, res.status, parsed);
    }
    return parsed as T;
  }

  private async poll<T>(what: string, read: () => Promise<T[]>, pred: (x: T) => boolean, opts: WaitOptions): Promise<T[]> {
    const timeout = opts.timeoutMs ?? 30_000;
    const deadline = Date.now() + timeout;
    for (;;) {
      const all = await read();
      const hits = all.filter(pred);
      if (hits.length) return hits;
      if (Date.now() >= deadline) throw new Error(`no matching ${what} within ${timeout} ms (${all.length} in all)`);
      await new Promise((r) => setTimeout(r, opts.intervalMs ?? 25));
    }
  }

  async health(): Promise<boolean> {
    return (await this.call<{ ok: boolean }>("GET", "health")).ok;
  }

  // ------------------------------------------------------------------------- faults and logs

  /** Appends fault rules; answers every rule now in force. */
  async faults(rules: FaultRule[]): Promise<FaultRuleState[]> {
    return (await this.call<{ rules: FaultRuleState[] }>("POST", "faults", { rules })).rules;
  }
  async listFaults(): Promise<FaultRuleState[]> {
    return (await this.call<{ rules: FaultRuleState[] }>("GET", "faults")).rules;
  }
  async clearFaults(): Promise<void> {
    await this.call("DELETE", "faults");
  }

  async requests(): Promise<LoggedRequest[]> {
    return (await this.call<{ requests: LoggedRequest[] }>("GET", "requests")).requests;
  }
  async clearRequests(): Promise<void> {
    await this.call("DELETE", "requests");
  }

  /** Every webhook POST attempt and channel publish, oldest first. */
  async deliveryLog(): Promise<(WebhookDeliveryAttempt | ChannelDelivery)[]> {
    return (await this.call<{ deliveries: (WebhookDeliveryAttempt | ChannelDelivery)[] }>("GET", "deliveries")).deliveries;
  }
  /** Webhook POST attempts. */
  async deliveries(): Promise<WebhookDeliveryAttempt[]> {
    return (await this.deliveryLog()).filter((d): d is WebhookDeliveryAttempt => !("channel_id" in d));
  }
  /** Publishes to Pub/Sub and SNS channels. */
  async channelDeliveries(): Promise<ChannelDelivery[]> {
    return (await this.deliveryLog()).filter((d): d is ChannelDelivery => "channel_id" in d);
  }
  async clearDeliveries(): Promise<void> {
    await this.call("DELETE", "deliveries");
  }
  /**
   * Waits until every webhook delivery so far has had all its attempts (none in flight, no retry
   * pending), then answers the attempts: a test checks that nothing more arrived without sleeping.
   */
  async settleDeliveries(): Promise<WebhookDeliveryAttempt[]> {
    return (await this.call<{ deliveries: WebhookDeliveryAttempt[] }>("POST", "deliveries/settle")).deliveries;
  }
  /** Resolves with the webhook delivery attempts matching `pred` once there is at least one. */
  waitForDeliveries(pred: (d: WebhookDeliveryAttempt) => boolean, opts: WaitOptions = {}): Promise<WebhookDeliveryAttempt[]> {
    return this.poll("webhook delivery", () => this.deliveries(), pred, opts);
  }

  // ------------------------------------------------------------------------- state and config

  /** Every object, config, fault and log back to the initial state (application id, API key and service account stay). */
  async reset(): Promise<void> {
    await this.call("POST", "reset");
  }
  async state(): Promise<EmulatorState> {
    return this.call<EmulatorState>("GET", "state");
  }
  async getConfig(): Promise<EmulatorConfig> {
    return (await this.call<{ config: EmulatorConfig }>("GET", "config")).config;
  }
  /** Changes some switches; `rateLimitPerSecond: null` turns the limit off. Answers the whole config. */
  async config(patch: EmulatorConfigPatch): Promise<EmulatorConfig> {
    return (await this.call<{ config: EmulatorConfig }>("POST", "config", patch)).config;
  }
  async serviceAccount(): Promise<ServiceAccountFile> {
    return this.call<ServiceAccountFile>("GET", "service-account");
  }

  // ------------------------------------------------------------------------- object hooks

  /** Registers (and verifies) a domain agent accounts can be created on. */
  async registerDomain(domain: string): Promise<Domain> {
    return (await this.call<{ data: Domain }>("POST", "domains", { domain })).data;
  }
  /** Makes `/verify` for one record type fail (`ok: false`) or succeed again. */
  async setDomainVerification(domain: string, v: { type: DomainVerificationType; ok: boolean; message?: string }): Promise<Domain> {
    return (await this.call<{ data: Domain }>("POST", `domains/${encodeURIComponent(domain)}/verification`, v)).data;
  }
  async setWebhookStatus(webhookId: string, status: Webhook["status"]): Promise<void> {
    await this.call("POST", `webhooks/${encodeURIComponent(webhookId)}/status`, { status });
  }
  /** `invalid` fires `grant.expired`. `grant`: id or address. */
  async setGrantStatus(grant: string, status: Grant["grant_status"]): Promise<Grant> {
    return (await this.call<{ data: Grant }>("POST", `grants/${encodeURIComponent(grant)}/status`, { grant_status: status })).data;
  }
  /** Would an IMAP/SMTP login with this app password succeed? */
  async verifyAppPassword(grant: string, password: string): Promise<{ ok: boolean; has_app_password: boolean }> {
    return this.call("POST", `grants/${encodeURIComponent(grant)}/app-password/verify`, { password });
  }

  // ------------------------------------------------------------------------- outside correspondents

  /**
   * Mail from an outside address into agent accounts, through the inbound pipeline (rules, plan and
   * policy limits, spam detection, threading): inbox, junk, a rule's folder or nowhere. Each
   * recipient's outcome is in `results` (a block or refusal with the SMTP code the sender would get).
   */
  async injectMail(mail: InjectMail): Promise<InjectResult> {
    return this.call<InjectResult>("POST", "inbound", mail);
  }
  /** What agents sent to outside addresses, oldest first. */
  async outbox(filter: { to?: string; from?: string; grantId?: string } = {}): Promise<OutboxMessage[]> {
    const q = new URLSearchParams();
    if (filter.to) q.set("to", filter.to);
    if (filter.from) q.set("from", filter.from);
    if (filter.grantId) q.set("grant_id", filter.grantId);
    const qs = q.toString();
    return (await this.call<{ data: OutboxMessage[] }>("GET", `outbox${qs ? `?${qs}` : ""}`)).data;
  }
  async outboxMessage(outboxId: string): Promise<OutboxMessage> {
    return (await this.call<{ data: OutboxMessage }>("GET", `outbox/${encodeURIComponent(outboxId)}`)).data;
  }
  async clearOutbox(): Promise<void> {
    await this.call("DELETE", "outbox");
  }
  /** Resolves with the outbox messages matching `pred` once there is at least one. */
  waitForOutbox(pred: (m: OutboxMessage) => boolean, opts: WaitOptions = {}): Promise<OutboxMessage[]> {
    return this.poll("outbox message", () => this.outbox(), pred, opts);
  }
  /** The outside recipient answers an agent's message, in its thread. */
  async replyToOutbox(outboxId: string, reply: OutboxReply = {}): Promise<InjectResult> {
    return this.call<InjectResult>("POST", `outbox/${encodeURIComponent(outboxId)}/reply`, reply);
  }

  // ------------------------------------------------------------------------- variance, plans, models

  /** Variance: a profile and/or per-switch overrides (emulator/variance.ts); answers the switches in force. */
  async variance(v: { profile?: VarianceProfile; switches?: Partial<Variance> } = {}): Promise<VarianceState> {
    return this.call<VarianceState>("POST", "variance", v);
  }
  async currentVariance(): Promise<VarianceState> {
    return this.call<VarianceState>("GET", "variance");
  }
  /** Enforce the Free or Full Platform plan limits (null = none). */
  async plan(plan: PlanName | null): Promise<EmulatorConfig> {
    return this.config({ plan });
  }
  /** Set the send counters the daily (per account) and monthly (organization) quotas check; answers both. */
  async setSendUsage(grant: string, usage: { sent_today?: number; sent_this_month?: number }): Promise<{ sent_today: number; sent_this_month: number }> {
    return this.call("POST", `grants/${encodeURIComponent(grant)}/usage`, usage);
  }
  /** Override the application's environment (`sandbox` sends 1/s, others 5/s); null follows the plan. */
  async setEnvironment(environment: string | null): Promise<void> {
    await this.call("POST", "application", { environment });
  }
  /** Make publishes to a Pub/Sub or SNS topic fail (SNS create verification fails too), or succeed again. */
  async setTopicReachable(topic: string, reachable: boolean, message?: string): Promise<void> {
    await this.call("POST", "channels/topics", { topic, reachable, message });
  }
  async setChannelStatus(channelId: string, status: Channel["status"]): Promise<Channel> {
    return (await this.call<{ data: Channel }>("POST", `channels/${encodeURIComponent(channelId)}/status`, { status })).data;
  }
  /** Seed a custom IAM role (Nylas makes roles in the Dashboard only); `id` defaults to role_custom_<random>. */
  async seedRole(role: { id?: string; name: string; description?: string; permissions: string[] }): Promise<Record<string, unknown>> {
    return (await this.call<{ data: Record<string, unknown> }>("POST", "iam/roles", role)).data;
  }
  /** Move an IAM credential's expires_at (immutable on the public API), e.g. into the past to see the 401. */
  async setCredentialExpiry(credentialId: string, expiresAt: number): Promise<Record<string, unknown>> {
    return (await this.call<{ data: Record<string, unknown> }>("POST", `iam/credentials/${encodeURIComponent(credentialId)}/expiry`, { expires_at: expiresAt })).data;
  }
}
