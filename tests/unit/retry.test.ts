import { DEFAULT_RETRY, backoffDelay, maybeCommitted, parseRetryAfter, shouldRetry } from "../../provider/client/retry";

describe("retry policy", () => {
  it("retries 429 even for a non-idempotent create, since Nylas refused it before doing anything", () => {
    expect(shouldRetry({ kind: "status", status: 429 }, false)).toBe(true);
    expect(maybeCommitted({ kind: "status", status: 429 })).toBe(false);
  });

  it("retries 5xx, resets and timeouts only when the request is idempotent", () => {
    for (const status of [500, 502, 503, 504]) {
      expect(shouldRetry({ kind: "status", status }, true)).toBe(true);
      expect(shouldRetry({ kind: "status", status }, false)).toBe(false);
      expect(maybeCommitted({ kind: "status", status })).toBe(true);
    }
    expect(shouldRetry({ kind: "network", code: "ECONNRESET" }, true)).toBe(true);
    expect(shouldRetry({ kind: "network", code: "ECONNRESET" }, false)).toBe(false);
    expect(shouldRetry({ kind: "timeout" }, false)).toBe(false);
  });

  it("always retries a refused connection: the request never left", () => {
    expect(shouldRetry({ kind: "network", code: "ECONNREFUSED" }, false)).toBe(true);
    expect(maybeCommitted({ kind: "network", code: "ECONNREFUSED" })).toBe(false);
  });

  it("never retries other client errors", () => {
    for (const status of [400, 401, 403, 404, 409, 422]) expect(shouldRetry({ kind: "status", status }, true)).toBe(false);
  });

  it("parses Retry-After as seconds or as an HTTP date", () => {
    const now = Date.parse("2026-11-25T12:00:00Z");
    expect(parseRetryAfter("3", now)).toBe(3000);
    expect(parseRetryAfter("0.5", now)).toBe(500);
    expect(parseRetryAfter("Wed, 25 Nov 2026 12:00:07 GMT", now)).toBe(7000);
    expect(parseRetryAfter("Wed, 25 Nov 2026 11:59:00 GMT", now)).toBe(0);
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(["2", "9"], now)).toBe(2000);
  });

  it("uses Retry-After when given, else full jitter under an exponential, capped ceiling", () => {
    const opts = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelay(1, opts, 4200)).toBe(4200);
    expect(backoffDelay(1, opts, undefined, () => 0.999)).toBe(99);
    expect(backoffDelay(3, opts, undefined, () => 0.999)).toBe(399);
    expect(backoffDelay(10, opts, undefined, () => 0.999)).toBe(999);
    expect(backoffDelay(3, opts, undefined, () => 0)).toBe(0);
  });
});
