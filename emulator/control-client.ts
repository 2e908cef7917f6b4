/** Typed client of the emulator's /__emulator/ control API (faults, request log, deliveries, state, reset). */

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
  status: number;
  ts?: number;
}

export interface InboundMail {
  from: string | { email: string; name?: string };
  to: string | string[];
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
    if (!res.ok) throw new Error(`emulator control ${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }
  faults(rules: FaultRule[]) { return this.call("POST", "faults", { rules }); }
  clearFaults() { return this.call("DELETE", "faults"); }
  async requests(): Promise<LoggedRequest[]> { return (await this.call("GET", "requests")).requests; }
  clearRequests() { return this.call("DELETE", "requests"); }
  reset() { return this.call("POST", "reset"); }
  config(c: Record<string, unknown>) { return this.call("POST", "config", c); }
  /** §10 variance: a profile ("default" | "harsh") and/or per-switch overrides (see emulator/variance.ts). */
  variance(v: { profile?: "default" | "harsh"; switches?: Record<string, unknown> } = {}) { return this.call("POST", "variance", v); }
  currentVariance(): Promise<{ profile: string; switches: Record<string, unknown> }> { return this.call("GET", "variance"); }
  state(): Promise<any> { return this.call("GET", "state"); }
  deliveries(): Promise<any> { return this.call("GET", "deliveries"); }
  registerDomain(domain: string) { return this.call("POST", "domains", { domain }); }
  serviceAccount(): Promise<Record<string, string>> { return this.call("GET", "service-account"); }
  /** Enforce the Free or Full Platform plan limits (null = none). */
  plan(plan: "free" | "full" | null) { return this.config({ plan }); }
  /** Mail from an outside sender; `size_bytes` simulates a large message. Refusals come back in `refused`. */
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
    return ((await this.deliveries()).deliveries as any[]).filter((d) => d.channel_id !== undefined);
  }
}
