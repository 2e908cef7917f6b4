import type { Engine } from "../../provider/offline/engine";
import type { LoggedRequest } from "../harness/stack";

/**
 * Small helpers shared by the hardening suites (fault injection, bad input, secrets). They only read
 * the emulator (state dump, request log) and the engine harness; nothing here talks to Nylas itself.
 */

export const PW = "Sentinel-AppPass-1111";

/** `METHOD path status` of every logged request matching `method` and `path` (a regex source). */
export function calls(log: LoggedRequest[], method: string, path: string): string[] {
  const re = new RegExp(path);
  return log.filter((r) => r.method === method && re.test(r.path)).map((r) => `${r.method} ${r.status}`);
}

/** Statuses of the logged requests matching `method` and `path`, in order. */
export function statuses(log: LoggedRequest[], method: string, path: string): number[] {
  const re = new RegExp(path);
  return log.filter((r) => r.method === method && re.test(r.path)).map((r) => r.status);
}

/** The objects of `objs` with that name. */
export const named = (objs: any[], name: string): any[] => objs.filter((o) => o.name === name);

/** Everything the provider host printed after `mark` (an index into `engine.host.output`). */
export function outputSince(engine: Engine, mark: number): string {
  return engine.host.output.slice(mark).join("");
}

/** Top-level keys whose values differ between two output objects. */
export function changedKeys(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => JSON.stringify(sortKeys(a[k])) !== JSON.stringify(sortKeys(b[k]))).sort();
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}

/** Runs `fn` and returns what it threw (fails the test when it did not throw). */
export async function failure(fn: () => Promise<unknown>): Promise<Error> {
  try {
    await fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a failure, but the call succeeded");
}

/** A valid inbound rule body for the raw API (setup and out-of-band changes). */
export function ruleBody(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    trigger: "inbound",
    match: { conditions: [{ field: "from.domain", operator: "is", value: `${name}.spam.example` }] },
    actions: [{ type: "mark_as_spam" }],
    ...extra,
  };
}

