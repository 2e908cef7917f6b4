/**
 * Retry policy as pure functions, so the rules are testable without a network.
 *
 * What is retried: 429 always (Nylas refused the request before doing anything); 5xx, resets and
 * timeouts only for idempotent requests, because a non-idempotent POST may have been committed — the
 * resource layer settles those by looking the object up by its natural key (see lifecycle.ts).
 * Connection refused is always safe: the request never left.
 */

export interface RetryOptions {
  /** Attempts in total, first included. */
  maxAttempts: number;
  /** Wall-clock budget for all attempts and waits of one call, in ms. */
  deadlineMs: number;
  /** First backoff ceiling in ms; doubles per attempt (full jitter). */
  baseDelayMs: number;
  /** Upper bound of one backoff wait, in ms. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = {
  maxAttempts: 8,
  deadlineMs: 120_000,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
};

export const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);

/** Socket error codes meaning the request was never sent. */
const NEVER_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "UND_ERR_CONNECT_TIMEOUT", "EHOSTUNREACH"]);

export type Failure =
  | { kind: "status"; status: number }
  | { kind: "network"; code: string }
  | { kind: "timeout" };

/** Whether a failure may have been committed server-side. */
export function maybeCommitted(f: Failure): boolean {
  if (f.kind === "status") return f.status >= 500;
  if (f.kind === "network") return !NEVER_SENT.has(f.code);
  return true;
}

/** Whether to try again after this failure. */
export function shouldRetry(f: Failure, idempotent: boolean): boolean {
  if (f.kind === "status") {
    if (!RETRYABLE_STATUS.has(f.status)) return false;
    return f.status === 429 || idempotent;
  }
  return idempotent || !maybeCommitted(f);
}

/**
 * Parses a Retry-After header: delta-seconds or an HTTP date. Returns ms to wait, or undefined when
 * absent or unparseable.
 */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === "") return undefined;
  const s = v.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const when = Date.parse(s);
  if (Number.isNaN(when)) return undefined;
  return Math.max(0, when - now);
}

/**
 * Wait before attempt `attempt + 1` (attempt counts from 1). Retry-After wins when given; otherwise
 * exponential backoff with full jitter (AWS architecture blog), so many clients do not retry in step.
 */
export function backoffDelay(attempt: number, opts: RetryOptions, retryAfterMs?: number, random = Math.random): number {
  if (retryAfterMs !== undefined) return retryAfterMs;
  const ceiling = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}
