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
}
