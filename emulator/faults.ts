/** Fault injection rules (control API) and the app-wide token-bucket rate limiter. */
import { badRequest } from "./errors";
import { isObject } from "./validate";

export type FaultKind = "status" | "reset" | "latency" | "commit-then-reset" | "commit-then-status" | "commit-then-latency";
const KINDS: FaultKind[] = ["status", "reset", "latency", "commit-then-reset", "commit-then-status", "commit-then-latency"];

export interface FaultRule {
  method?: string;
  /** Regex source matched against the path without query string. */
  path: string;
  kind: FaultKind;
  status?: number;
  retryAfter?: string;
  latencyMs?: number;
  times?: number;
  ratio?: number;
  after?: number;
}

interface ActiveRule extends FaultRule {
  re: RegExp;
  matched: number;
  applied: number;
}

export interface FaultDecision {
  latencyMs: number;
  /** The first applicable non-latency rule. */
  action?: FaultRule;
}

export function parseFaultRules(body: unknown): FaultRule[] {
  if (!isObject(body) || !Array.isArray(body.rules)) throw badRequest("body must be {rules: FaultRule[]}");
  return body.rules.map((r: unknown, i: number) => {
    if (!isObject(r)) throw badRequest(`rules[${i}] must be an object`);
    if (typeof r.path !== "string") throw badRequest(`rules[${i}].path (a regex source) is required`);
    try {
      new RegExp(r.path);
    } catch {
      throw badRequest(`rules[${i}].path is not a valid regular expression`);
    }
    if (typeof r.kind !== "string" || !KINDS.includes(r.kind as FaultKind))
      throw badRequest(`rules[${i}].kind must be one of: ${KINDS.join(", ")}`);
    const kind = r.kind as FaultKind;
    const num = (k: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined => {
      if (r[k] === undefined || r[k] === null) return undefined;
      if (typeof r[k] !== "number" || (r[k] as number) < min || (r[k] as number) > max)
        throw badRequest(`rules[${i}].${k} must be a number between ${min} and ${max}`);
      return r[k] as number;
    };
    const status = num("status", 100, 599);
    if ((kind === "status" || kind === "commit-then-status") && status === undefined)
      throw badRequest(`rules[${i}].status is required for kind ${kind}`);
    if (r.retryAfter !== undefined && typeof r.retryAfter !== "string")
      throw badRequest(`rules[${i}].retryAfter must be a string (seconds or an HTTP date)`);
    if (r.method !== undefined && typeof r.method !== "string") throw badRequest(`rules[${i}].method must be a string`);
    const latencyMs = num("latencyMs", 0, 600_000);
    if ((kind === "latency" || kind === "commit-then-latency") && latencyMs === undefined)
      throw badRequest(`rules[${i}].latencyMs is required for kind ${kind}`);
    return {
      method: r.method ? (r.method as string).toUpperCase() : undefined,
      path: r.path,
      kind,
      status,
      retryAfter: r.retryAfter as string | undefined,
      latencyMs,
      times: num("times", 0),
      ratio: num("ratio", 0, 1),
      after: num("after", 0),
    };
  });
}

export class Faults {
  private rules: ActiveRule[] = [];

  add(rules: FaultRule[]): void {
    for (const r of rules) this.rules.push({ ...r, re: new RegExp(r.path), matched: 0, applied: 0 });
  }

  clear(): void {
    this.rules = [];
  }

  list(): (FaultRule & { matched: number; applied: number })[] {
    return this.rules.map(({ re: _re, ...r }) => r);
  }

  get empty(): boolean {
    return this.rules.length === 0;
  }

  decide(method: string, path: string): FaultDecision {
    const d: FaultDecision = { latencyMs: 0 };
    for (const r of this.rules) {
      if (r.method && r.method !== method) continue;
      if (!r.re.test(path)) continue;
      r.matched++;
      if (r.after !== undefined && r.matched <= r.after) continue;
      if (r.times !== undefined && r.applied >= r.times) continue;
      if (r.kind !== "latency" && d.action) continue;
      if (r.ratio !== undefined && r.ratio < 1 && Math.random() >= r.ratio) continue;
      r.applied++;
      if (r.kind === "latency") d.latencyMs += r.latencyMs ?? 0;
      else d.action = r;
    }
    return d;
  }
}

/** Token bucket: capacity = rate, refilled continuously at `rate` tokens per second. */
export class RateLimiter {
  private tokens: number;
  private last = Date.now();
  constructor(private rate: number) {
    this.tokens = rate;
  }

  setRate(rate: number): void {
    this.rate = rate;
    this.tokens = Math.min(this.tokens, rate);
  }

  take(): boolean {
    const t = Date.now();
    this.tokens = Math.min(this.rate, this.tokens + ((t - this.last) / 1000) * this.rate);
    this.last = t;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }
}
