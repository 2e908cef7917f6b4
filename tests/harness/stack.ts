import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../emulator";
import { Engine, type EngineOptions } from "./engine";

/**
 * A test "stack": the local Nylas emulator (in-process, random port) plus the engine harness driving
 * the real provider host configured against it. Retries are fast and the client throttle is off so
 * tests run quickly; tests about throttling or backoff override `config`.
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
  state(): Promise<any> { return this.call("GET", "state"); }
  deliveries(): Promise<any> { return this.call("GET", "deliveries"); }
  registerDomain(domain: string) { return this.call("POST", "domains", { domain }); }
  serviceAccount(): Promise<Record<string, string>> { return this.call("GET", "service-account"); }
}

export interface TestStack {
  emulator: RunningEmulator;
  engine: Engine;
  control: EmulatorControl;
  /** Plain API access for out-of-band changes (what a colleague does in the dashboard). */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

export async function startStack(opts: { emulator?: EmulatorOptions; config?: EngineOptions["config"]; env?: NodeJS.ProcessEnv } = {}): Promise<TestStack> {
  const emulator = await startEmulator({ quiet: true, ...opts.emulator });
  const sa = emulator.serviceAccount;
  const engine = await Engine.start({
    env: opts.env,
    config: {
      "nylas:apiKey": { secret: emulator.apiKey },
      "nylas:apiUri": emulator.url,
      "nylas:serviceAccount": { secret: JSON.stringify({ private_key_id: sa.privateKeyId, private_key: sa.privateKeyPem }) },
      "nylas:requestsPerSecond": "0",
      "nylas:retryBaseDelayMs": "20",
      "nylas:requestTimeoutMs": "5000",
      ...opts.config,
    },
  });
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${emulator.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${emulator.apiKey}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    emulator,
    engine,
    control: new EmulatorControl(emulator.url),
    api,
    async stop() {
      await engine.stop();
      await emulator.close();
    },
  };
}
