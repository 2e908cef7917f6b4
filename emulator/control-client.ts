/**
 * Typed client of the emulator's /__emulator/ control API (faults, request log, deliveries, state,
 * reset): the one every test, the demo and the bench use. A refused call throws
 * {@link EmulatorControlError} with the status, so tests of the control API itself can assert it.
 */

export interface FaultRule {
  method?: string;
  /** Regex source matched against the request path (no query). */
  path: string;
  kind: "status" | "reset" | "latency" | "commit-then-reset" | "commit-then-status" | "commit-then-latency";
  status?: number;
  retryAfter?: string;
  latencyMs?: number;
  times?: number;
  ratio?: number;
  after?: number;
}

export interface LoggedRequest {
  method: string;
  path: string;
  query?: string | Record<string, unknown>;
  /** 0 while unanswered, or when the connection was cut. */
  status: number;
  ts?: number;
}

export interface InboundMail {
  from: string | { email: string; name?: string };
  to: string | Array<string | { email: string; name?: string }>;
  subject?: string;
  body?: string;
  message_id?: string;
  in_reply_to?: string;
  references?: string;
  size_bytes?: number;
}

export interface InboundRefusal {
  grant_id: string;
  email: string;
  smtp_code: number;
  reason: string;
}

export interface ChannelDelivery {
  id: string;
  channel_id: string;
  channel_type: "pubsub" | "sns";
  topic: string;
  trigger: string;
  attributes: Record<string, string>;
  /** JSON, or base64 of the gzip bytes with compressed_delivery. */
  message: string;
  status: number;
  error?: string;
  ts: number;
}

export interface DeliveryAttempt {
  /** Notification id: the same on every attempt of one notification. */
  id: string;
  webhook_id: string;
  url: string;
  trigger: string;
  attempt: number;
  /** 0 = network error or timeout. */
  status: number;
  error?: string;
  ts: number;
}

export type VerificationType = "ownership" | "mx" | "spf" | "dkim" | "feedback";

export class EmulatorControlError extends Error {
  constructor(message: string, readonly status: number, readonly body: unknown) {
    super(message);
  }
}

/** Client of the emulator's /__emulator/ control API. */
export class EmulatorControl {
  constructor(readonly url: string) {}

  private async call(method: string, path: string, body?: unknown): Promise<any> {
    const res = await fetch(`${this.url}/__emulator/${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* keep the text */
    }
    if (!res.ok) throw new EmulatorControlError(`emulator control ${method} ${path}: ${res.status} ${text}`, res.status, parsed);
    return parsed;
  }

  health(): Promise<{ ok: boolean }> { return this.call("GET", "health"); }
  /** Appends fault rules; returns every rule with its `matched`/`applied` counters. */
  async faults(rules: FaultRule[]): Promise<Array<FaultRule & { matched: number; applied: number }>> { return (await this.call("POST", "faults", { rules })).rules; }
  async listFaults(): Promise<Array<FaultRule & { matched: number; applied: number }>> { return (await this.call("GET", "faults")).rules; }
  clearFaults(): Promise<unknown> { return this.call("DELETE", "faults"); }
  async requests(): Promise<LoggedRequest[]> { return (await this.call("GET", "requests")).requests; }
  clearRequests(): Promise<unknown> { return this.call("DELETE", "requests"); }
  async deliveries(): Promise<DeliveryAttempt[]> { return (await this.call("GET", "deliveries")).deliveries; }
  /** Waits until every webhook delivery so far has had all its attempts; returns the attempts. */
  async settleDeliveries(): Promise<DeliveryAttempt[]> { return (await this.call("POST", "deliveries/settle")).deliveries; }
  clearDeliveries(): Promise<unknown> { return this.call("DELETE", "deliveries"); }
  reset(): Promise<unknown> { return this.call("POST", "reset"); }
  async config(c: Record<string, unknown> = {}): Promise<Record<string, unknown>> { return (await this.call("POST", "config", c)).config; }
  async getConfig(): Promise<Record<string, unknown>> { return (await this.call("GET", "config")).config; }
  /** Variance (where sources disagree): a profile ("default" | "harsh") and/or per-switch overrides (see emulator/variance.ts). */
  variance(v: { profile?: "default" | "harsh"; switches?: Record<string, unknown> } = {}): Promise<any> { return this.call("POST", "variance", v); }
  currentVariance(): Promise<any> { return this.call("GET", "variance"); }
  state(): Promise<any> { return this.call("GET", "state"); }
  /** Registers (and verifies) a domain Agent Accounts can be created on. */
  registerDomain(domain: string): Promise<{ data: any }> { return this.call("POST", "domains", { domain }); }
  /** Makes `/verify` of `type` fail (`ok: false`, with `message`) or succeed again. */
  setVerification(domainId: string, type: VerificationType, ok: boolean, message?: string): Promise<{ data: any }> {
    return this.call("POST", `domains/${encodeURIComponent(domainId)}/verification`, { type, ok, ...(message === undefined ? {} : { message }) });
  }
  setWebhookStatus(id: string, status: "active" | "pause" | "failing" | "failed"): Promise<unknown> { return this.call("POST", `webhooks/${encodeURIComponent(id)}/status`, { status }); }
  setGrantStatus(grant: string, status: "valid" | "invalid"): Promise<{ data: any }> { return this.call("POST", `grants/${encodeURIComponent(grant)}/status`, { grant_status: status }); }
  /** Would an IMAP/SMTP login with `password` succeed on this grant? */
  verifyAppPassword(grant: string, password: string): Promise<{ ok: boolean; has_app_password: boolean }> {
    return this.call("POST", `grants/${encodeURIComponent(grant)}/app-password/verify`, { password });
  }
  serviceAccount(): Promise<Record<string, string>> { return this.call("GET", "service-account"); }
  /** Enforce the Free or Full Platform plan limits (null = none). */
  plan(plan: "free" | "full" | null) { return this.config({ plan }); }
  /** Mail from an outside sender into agent accounts; `size_bytes` simulates a large message. Returns the messages delivered; refusals come back in `refused`. */
  inbound(mail: InboundMail): Promise<{ data: any[]; refused: InboundRefusal[] }> { return this.call("POST", "inbound", mail); }
  /** Make publishes to a Pub/Sub or SNS topic fail (SNS create verification fails too), or succeed again. */
  setTopicReachable(topic: string, reachable: boolean, message?: string) { return this.call("POST", "channels/topics", { topic, reachable, message }); }
  channelStatus(id: string, status: "active" | "pause" | "failing" | "failed") { return this.call("POST", `channels/${encodeURIComponent(id)}/status`, { status }); }
  /** Set the send counters the daily (per account) and monthly (organization) quotas check. */
  setSendUsage(grantId: string, usage: { sent_today?: number; sent_this_month?: number }) { return this.call("POST", `grants/${encodeURIComponent(grantId)}/usage`, usage); }
  /** Override the application's environment (`sandbox` sends 1/s, others 5/s); null follows the plan. */
  setEnvironment(environment: string | null) { return this.call("POST", "application", { environment }); }
  /** Seed a custom IAM role (Nylas makes roles in the Dashboard only); `id` defaults to role_custom_<random>. */
  seedRole(role: { id?: string; name: string; description?: string; permissions: string[] }) { return this.call("POST", "iam/roles", role); }
  /** Move an IAM credential's expires_at (immutable on the public API), e.g. into the past to see the 401. */
  setCredentialExpiry(credentialId: string, expiresAt: number) { return this.call("POST", `iam/credentials/${encodeURIComponent(credentialId)}/expiry`, { expires_at: expiresAt }); }
  /** Publishes to Pub/Sub and SNS channels (entries with `channel_id`). */
  async channelDeliveries(): Promise<ChannelDelivery[]> {
    return ((await this.call("GET", "deliveries")).deliveries as any[]).filter((d) => d.channel_id !== undefined);
  }
}
