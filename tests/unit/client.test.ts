import { createVerify, generateKeyPairSync } from "node:crypto";
import { MockAgent, errors as undiciErrors, type Dispatcher } from "undici";
import { z } from "zod";
import {
  NylasApiError,
  NylasAuthError,
  NylasClient,
  NylasConfigError,
  NylasNetworkError,
  NylasNotFoundError,
  NylasRateLimitError,
  NylasResponseShapeError,
  NylasRetriesExhaustedError,
  NylasServerError,
  NylasTimeoutError,
  NylasValidationError,
  canonicalJson,
  type ClientOptions,
  type Clock,
} from "../../provider/client";

/**
 * The HTTP client on its own: every request it sends and every answer it reads, against undici's
 * MockAgent (no sockets, no emulator), with a virtual clock so backoff and Retry-After waits are
 * checked exactly and cost no real time. What needs a real server (resets on a socket, timeouts,
 * the emulator's signature check) stays in tests/client/client.test.ts.
 */

const ORIGIN = "https://api.us.nylas.com";
const VERSION: string = require("../../package.json").version;
const policy = z.looseObject({ id: z.string(), name: z.string() });

/** Time that passes only when the client waits: every wait is recorded, none is slept. */
class VirtualClock implements Clock {
  t = Date.parse("2026-12-01T12:00:00Z");
  readonly waits: number[] = [];
  now(): number {
    return this.t;
  }
  async sleep(ms: number): Promise<void> {
    this.waits.push(ms);
    this.t += ms;
  }
}

/** What the client sent, as the MockAgent saw it. */
interface Sent {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

type Answer = { status: number; body?: unknown; headers?: Record<string, string> } | Error;

let agent: MockAgent;
let clock: VirtualClock;
let sent: Sent[];

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
  clock = new VirtualClock();
  sent = [];
});
afterEach(async () => {
  agent.assertNoPendingInterceptors();
  await agent.close();
});

const client = (o: Partial<ClientOptions> = {}) =>
  new NylasClient({ apiKey: "nyk_test", requestsPerSecond: 0, retry: { baseDelayMs: 100 }, dispatcher: recording(), clock, ...o });

/**
 * Answers the next requests to `method path` in order, one answer each. A path without `?` matches
 * whatever the query; `sent` shows the query.
 */
function answer(method: string, path: string | RegExp, ...answers: Answer[]): void {
  const pool = agent.get(ORIGIN);
  const matches = (p: string) => (typeof path !== "string" ? path.test(p) : path.includes("?") ? p === path : p.split("?")[0] === path);
  for (const a of answers) {
    const i = pool.intercept({ method, path: matches });
    if (a instanceof Error) i.replyWithError(a);
    else i.reply(a.status, a.body === undefined ? "" : typeof a.body === "string" ? a.body : JSON.stringify(a.body), { headers: a.headers ?? {} });
  }
}

/** The agent, with every request the client dispatches recorded in `sent` on the way in. */
const recording = (): Dispatcher =>
  agent.compose((dispatch) => (opts, handler) => {
    sent.push({ method: opts.method, path: opts.path, headers: { ...(opts.headers as Record<string, string>) }, body: opts.body == null ? undefined : String(opts.body) });
    return dispatch(opts, handler);
  });

const ok = (data: unknown, extra: Record<string, unknown> = {}): Answer => ({ status: 200, body: { request_id: "req-1", data, ...extra } });
const nylasError = (status: number, type: string, message: string, headers?: Record<string, string>): Answer => ({
  status,
  body: { request_id: "req-err", error: { type, message } },
  headers,
});
const networkError = (code: string): Error => Object.assign(new Error(`socket: ${code}`), { code });

describe("request shape", () => {
  it("GET: method, path with encoded params, query without unset keys, auth and identifying headers, no body", async () => {
    answer("GET", /^\/v3\/grants\//, ok({ id: "a/b c", name: "n" }));
    await client().call({ method: "GET", path: "/v3/grants/{id}", params: { id: "a/b c" }, query: { select: "id,name", limit: 5, skip: undefined }, data: policy });
    expect(sent).toEqual([
      {
        method: "GET",
        path: "/v3/grants/a%2Fb%20c?select=id%2Cname&limit=5",
        headers: { accept: "application/json", "user-agent": `pulumi-nylas-agents/${VERSION}`, authorization: "Bearer nyk_test" },
        body: undefined,
      },
    ]);
  });

  it("POST, PUT, PATCH: the body as JSON with content-type; DELETE: none", async () => {
    answer("POST", "/v3/policies", ok({ id: "p1", name: "x" }));
    answer("PUT", "/v3/policies/p1", ok({ id: "p1", name: "y" }));
    answer("PATCH", "/v3/grants/g1", ok({ id: "g1", name: "z" }));
    answer("DELETE", "/v3/policies/p1", { status: 200, body: { request_id: "r" } });
    const c = client();
    await c.call({ method: "POST", path: "/v3/policies", body: { name: "x", limits: { limit_count_daily_email_sent: 5 } }, data: policy });
    await c.call({ method: "PUT", path: "/v3/policies/{id}", params: { id: "p1" }, body: { name: "y" }, data: policy });
    await c.call({ method: "PATCH", path: "/v3/grants/{id}", params: { id: "g1" }, body: { name: "z" }, data: policy });
    await c.call({ method: "DELETE", path: "/v3/policies/{id}", params: { id: "p1" } });
    expect(sent.map((s) => [s.method, s.path, s.headers["content-type"], s.body])).toEqual([
      ["POST", "/v3/policies", "application/json", '{"name":"x","limits":{"limit_count_daily_email_sent":5}}'],
      ["PUT", "/v3/policies/p1", "application/json", '{"name":"y"}'],
      ["PATCH", "/v3/grants/g1", "application/json", '{"name":"z"}'],
      ["DELETE", "/v3/policies/p1", undefined, undefined],
    ]);
  });

  it("keeps the path of an apiUri behind a proxy", async () => {
    agent.get("https://proxy.example").intercept({ method: "GET", path: "/nylas/v3/policies/p1" }).reply(200, JSON.stringify({ data: { id: "p1", name: "n" } }));
    await client({ apiUri: "https://proxy.example/nylas/" }).call({ method: "GET", path: "/v3/policies/{id}", params: { id: "p1" }, data: policy });
    expect(sent.map((s) => s.path)).toEqual(["/nylas/v3/policies/p1"]);
  });

  it("signs a service-account call (canonical body, X-Nylas-* headers verifiable with the public key) and sends no API key", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const serviceAccount = { privateKeyId: "kid-1", privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString() };
    answer("POST", "/v3/admin/domains", ok({ id: "d1", name: "n" }));
    await client({ serviceAccount }).call({ method: "POST", path: "/v3/admin/domains", body: { name: "n", domain_address: "a.example" }, data: policy, auth: "serviceAccount" });
    const [req] = sent;
    expect(req.headers.authorization).toBeUndefined();
    expect(req.body).toBe('{"domain_address":"a.example","name":"n"}'); // keys sorted: the exact bytes signed
    expect(req.headers).toMatchObject({ "X-Nylas-Kid": "kid-1", "X-Nylas-Timestamp": String(Math.floor(clock.now() / 1000)), "content-type": "application/json" });
    expect(req.headers["X-Nylas-Nonce"]).toMatch(/^[A-Za-z0-9]{20}$/);
    // The envelope as Nylas documents it, built here independently of the client's signing code.
    const envelope = { method: "post", nonce: req.headers["X-Nylas-Nonce"], path: "/v3/admin/domains", payload: req.body, timestamp: Math.floor(clock.now() / 1000) };
    const text = `{"method":"post","nonce":${JSON.stringify(envelope.nonce)},"path":"/v3/admin/domains","payload":${JSON.stringify(req.body)},"timestamp":${envelope.timestamp}}`;
    expect(canonicalJson(envelope)).toBe(text);
    expect(createVerify("RSA-SHA256").update(text).verify(publicKey, req.headers["X-Nylas-Signature"], "base64")).toBe(true);
  });

  it("refuses to send without credentials, naming the setting (nothing reaches the network)", async () => {
    await expect(client({ apiKey: undefined }).call({ method: "GET", path: "/v3/policies" })).rejects.toThrow(
      new NylasConfigError("no Nylas API key: set it with `pulumi config set --secret nylas:apiKey <key>` or the NYLAS_API_KEY environment variable"),
    );
    await expect(client().call({ method: "GET", path: "/v3/admin/domains", auth: "serviceAccount" })).rejects.toThrow(/set nylas:serviceAccount .* or NYLAS_SERVICE_ACCOUNT/);
    expect(sent).toEqual([]);
  });

  it("refuses an apiUri that is not http(s), and a path placeholder without a value", async () => {
    expect(() => client({ apiUri: "ftp://x" })).toThrow('nylas:apiUri must be an http(s) URL, got "ftp://x"');
    await expect(client().call({ method: "GET", path: "/v3/policies/{id}", params: {} })).rejects.toThrow("path /v3/policies/{id}: no value for {id}");
  });
});

describe("answers", () => {
  it("returns the envelope's data, tolerating fields it does not know", async () => {
    answer("GET", "/v3/policies/p1", ok({ id: "p1", name: "n", brand_new_field: { x: 1 } }, { next_cursor: null, extra: true }));
    expect(await client().call({ method: "GET", path: "/v3/policies/{id}", params: { id: "p1" }, data: policy })).toEqual({ id: "p1", name: "n", brand_new_field: { x: 1 } });
  });

  it("refuses a 2xx whose data lacks what it needs, naming the endpoint and the field", async () => {
    answer("GET", "/v3/policies/p1", ok({ id: 42, name: "n" }));
    answer("GET", "/v3/policies/p2", { status: 200, body: "<html>proxy page</html>" });
    const c = client();
    const wrongType = await c.call({ method: "GET", path: "/v3/policies/{id}", params: { id: "p1" }, data: policy }).catch((e) => e);
    expect(wrongType).toBeInstanceOf(NylasResponseShapeError);
    expect(wrongType.message).toMatch(/^unexpected response from GET \/v3\/policies\/p1: data\.id: .*expected string/i);
    const notJson = await c.call({ method: "GET", path: "/v3/policies/{id}", params: { id: "p2" }, data: policy }).catch((e) => e);
    expect(notJson).toBeInstanceOf(NylasResponseShapeError);
    expect(notJson.message).toMatch(/^unexpected response from GET \/v3\/policies\/p2: \(body\): /);
  });

  it("maps each error status to its class, with the API's message, the request id and a hint", async () => {
    answer("GET", "/v3/policies/x", nylasError(401, "unauthorized", "bad key"));
    answer("GET", "/v3/policies/x", nylasError(403, "forbidden", "scope"));
    answer("GET", "/v3/policies/x", nylasError(404, "not_found_error", "no such policy"));
    answer("GET", "/v3/policies/x", nylasError(400, "invalid_request_error", "name is required"));
    answer("GET", "/v3/policies/x", nylasError(422, "invalid_request_error", "too long"));
    answer("GET", "/v3/policies/x", nylasError(409, "conflict", "in use"));
    const c = client();
    const get = () => c.call({ method: "GET", path: "/v3/policies/{id}", params: { id: "x" }, data: policy }).catch((e) => e);
    const [e401, e403, e404, e400, e422, e409] = [await get(), await get(), await get(), await get(), await get(), await get()];
    expect(e401).toBeInstanceOf(NylasAuthError);
    expect(e401.message).toBe(
      "401 unauthorized from GET /v3/policies/x: bad key — the API key was rejected — set nylas:apiKey (pulumi config set --secret nylas:apiKey …) or NYLAS_API_KEY [request_id req-err]",
    );
    expect(e403).toBeInstanceOf(NylasAuthError);
    expect(e404).toBeInstanceOf(NylasNotFoundError);
    expect(e404).toMatchObject({ status: 404, type: "not_found_error", apiMessage: "no such policy", requestId: "req-err", method: "GET", path: "/v3/policies/x" });
    expect(e400).toBeInstanceOf(NylasValidationError);
    expect(e422).toBeInstanceOf(NylasValidationError);
    expect(e409.constructor).toBe(NylasApiError);
    expect(e409.message).toContain("the request conflicts with another one");
    for (const e of [e401, e403, e404, e400, e422, e409]) expect(e.maybeCommitted).toBe(false);
  });

  it("reads the three error shapes Nylas uses (nested, OAuth-style, flat), the request id from the header, and non-JSON bodies", async () => {
    answer("GET", "/v3/a", { status: 400, body: { error: "invalid_grant", error_description: "grant expired" } });
    answer("GET", "/v3/b", { status: 400, body: { type: "invalid_request_error", message: "flat message" }, headers: { "x-request-id": "hdr-7" } });
    answer("GET", "/v3/c", { status: 400, body: "<html>bad gateway config</html>" });
    const c = client();
    const oauth = await c.call({ method: "GET", path: "/v3/a" }).catch((e) => e);
    const flat = await c.call({ method: "GET", path: "/v3/b" }).catch((e) => e);
    const html = await c.call({ method: "GET", path: "/v3/c" }).catch((e) => e);
    expect(oauth).toMatchObject({ type: "invalid_grant", apiMessage: "grant expired" });
    expect(flat).toMatchObject({ type: "invalid_request_error", apiMessage: "flat message", requestId: "hdr-7" });
    expect(html.message).toBe("400 error from GET /v3/c: <html>bad gateway config</html> — the request was refused as invalid");
  });
});

describe("retries", () => {
  it("waits exactly the Retry-After seconds after a 429, then succeeds", async () => {
    answer("GET", "/v3/policies/p1", nylasError(429, "nylas_rate_limit_exceeded", "slow down", { "retry-after": "2" }), nylasError(429, "nylas_rate_limit_exceeded", "again", { "retry-after": "1.5" }), ok({ id: "p1", name: "n" }));
    await client().call({ method: "GET", path: "/v3/policies/{id}", params: { id: "p1" }, data: policy });
    expect(sent).toHaveLength(3);
    expect(clock.waits).toEqual([2000, 1500]);
  });

  it("waits until an HTTP-date Retry-After, and not at all when the date is past", async () => {
    const at = new Date(clock.now() + 7000).toUTCString();
    answer("GET", "/v3/lists", nylasError(429, "rate", "x", { "retry-after": at }), nylasError(429, "rate", "x", { "retry-after": "Wed, 21 Oct 2015 07:28:00 GMT" }), ok([]));
    await client().listCursor({ path: "/v3/lists", item: policy });
    expect(clock.waits).toEqual([7000, 0]);
  });

  it("a 429's Retry-After holds every caller of the client, not only the one that got it", async () => {
    const c = client();
    answer("GET", "/v3/a", nylasError(429, "rate", "x", { "retry-after": "3" }), ok({ id: "a", name: "a" }));
    await c.call({ method: "GET", path: "/v3/a", data: policy });
    clock.t -= 3000; // as if the caller below started while the first was still waiting
    answer("GET", "/v3/b", ok({ id: "b", name: "b" }));
    await c.call({ method: "GET", path: "/v3/b", data: policy });
    expect(clock.waits).toEqual([3000, 3000]); // the second caller waited out the same pause in the throttle
  });

  it("backs off exponentially with jitter when no Retry-After is given, and retries idempotent 5xx and resets", async () => {
    answer("GET", "/v3/policies", { status: 503, body: "" }, { status: 500, body: "" }, networkError("ECONNRESET"), { status: 502, body: "" }, ok([]));
    await client().listCursor({ path: "/v3/policies", item: policy });
    expect(sent).toHaveLength(5);
    expect(clock.waits).toHaveLength(4);
    // Full jitter: each wait is below its doubling ceiling (base 100 ms).
    clock.waits.forEach((w, i) => {
      expect(w).toBeGreaterThanOrEqual(0);
      expect(w).toBeLessThan(100 * 2 ** i);
    });
  });

  it("never retries a create whose outcome is unknown (5xx, reset, timeout): raised with maybeCommitted for the resource to settle", async () => {
    answer("POST", "/v3/policies", { status: 503, body: "" }, networkError("ECONNRESET"), new undiciErrors.HeadersTimeoutError());
    const c = client({ timeoutMs: 1234 });
    const create = () => c.call({ method: "POST", path: "/v3/policies", body: { name: "once" }, data: policy }).catch((e) => e);
    const [e503, reset, timeout] = [await create(), await create(), await create()];
    expect(e503).toBeInstanceOf(NylasServerError);
    expect(reset).toBeInstanceOf(NylasNetworkError);
    expect(reset.message).toBe("POST /v3/policies failed: ECONNRESET (socket: ECONNRESET)");
    expect(timeout).toBeInstanceOf(NylasTimeoutError);
    expect(timeout.message).toBe("POST /v3/policies timed out after 1234 ms");
    for (const e of [e503, reset, timeout]) expect(e.maybeCommitted).toBe(true);
    expect(sent).toHaveLength(3); // one attempt each
    expect(clock.waits).toEqual([]);
  });

  it("retries a create refused with 429 or a refused connection: nothing was done", async () => {
    answer("POST", "/v3/policies", nylasError(429, "rate", "x"), networkError("ECONNREFUSED"), ok({ id: "p1", name: "after" }));
    expect((await client().call({ method: "POST", path: "/v3/policies", body: { name: "after" }, data: policy })).id).toBe("p1");
    expect(sent).toHaveLength(3);
  });

  it("retries a create marked idempotent like any other call", async () => {
    answer("POST", "/v3/lists/l1/items", { status: 503, body: "" }, ok({ id: "l1", name: "l" }));
    await client().call({ method: "POST", path: "/v3/lists/{id}/items", params: { id: "l1" }, body: { items: ["a"] }, data: policy, idempotent: true });
    expect(sent).toHaveLength(2);
  });

  it("never retries other client errors", async () => {
    answer("PUT", "/v3/policies/p1", nylasError(400, "invalid_request_error", "bad"));
    await expect(client().call({ method: "PUT", path: "/v3/policies/{id}", params: { id: "p1" }, body: {} })).rejects.toBeInstanceOf(NylasValidationError);
    expect(sent).toHaveLength(1);
  });

  it("gives up after maxAttempts, keeping the last failure as lastError", async () => {
    answer("GET", "/v3/policies", { status: 502, body: "" }, { status: 502, body: "" }, nylasError(503, "unavailable", "down"));
    const err = await client({ retry: { maxAttempts: 3, baseDelayMs: 100 } }).listCursor({ path: "/v3/policies", item: policy }).catch((e) => e);
    expect(err).toBeInstanceOf(NylasRetriesExhaustedError);
    expect(err.message).toMatch(/^GET \/v3\/policies gave up after 3 attempt\(s\) in \d+\.\d s \(retry attempts used up\); last error: 503 unavailable from GET \/v3\/policies: down/);
    expect(err).toMatchObject({ attempts: 3, method: "GET", path: "/v3/policies" });
    expect(err.lastError).toBeInstanceOf(NylasServerError);
    expect(err.maybeCommitted).toBe(false); // a GET commits nothing
  });

  it("stops at the total deadline instead of waiting past it, counting from the first attempt", async () => {
    answer("GET", "/v3/policies", nylasError(429, "rate", "x", { "retry-after": "4" }), nylasError(429, "rate", "x", { "retry-after": "30" }));
    const err = await client({ retry: { deadlineMs: 10_000 } }).listCursor({ path: "/v3/policies", item: policy }).catch((e) => e);
    expect(err).toBeInstanceOf(NylasRetriesExhaustedError);
    expect(err.message).toBe(
      "GET /v3/policies gave up after 2 attempt(s) in 4.0 s (total deadline reached); last error: 429 rate from GET /v3/policies: x — rate limited by Nylas; lower nylas:requestsPerSecond or retry later [request_id req-err]",
    );
    expect(err.lastError).toBeInstanceOf(NylasRateLimitError);
    expect(clock.waits).toEqual([4000]); // the 30 s wait would pass the deadline: not begun
  });

  it("counts the deadline from the first attempt, not from a wait in its own throttle queue", async () => {
    const c = client({ requestsPerSecond: 1, burst: 1, retry: { deadlineMs: 1500 } });
    answer("GET", "/v3/a", ok({ id: "a", name: "a" }));
    answer("GET", "/v3/b", { status: 503, body: "" }, ok({ id: "b", name: "b" }));
    await c.call({ method: "GET", path: "/v3/a", data: policy });
    await c.call({ method: "GET", path: "/v3/b", data: policy }); // queued ~1 s in the throttle, then retried once
    expect(sent.map((s) => s.path)).toEqual(["/v3/a", "/v3/b", "/v3/b"]);
  });
});

describe("pagination", () => {
  it("follows cursors (limit and page_token), accepting both list envelopes", async () => {
    answer("GET", "/v3/rules?limit=2", ok({ items: [{ id: "a", name: "A" }, { id: "b", name: "B" }] }, { next_cursor: "c1" }));
    answer("GET", "/v3/rules?limit=2&page_token=c1", ok([{ id: "c", name: "C" }], { next_cursor: "" }));
    const all = await client().listCursor({ path: "/v3/rules", item: policy, pageSize: 2 });
    expect(all.map((r) => r.id)).toEqual(["a", "b", "c"]);
    expect(sent.map((s) => s.path)).toEqual(["/v3/rules?limit=2", "/v3/rules?limit=2&page_token=c1"]);
  });

  it("stops on a cursor that repeats instead of looping forever", async () => {
    answer("GET", "/v3/lists?limit=200", ok([{ id: "a", name: "A" }], { next_cursor: "same" }));
    answer("GET", "/v3/lists?limit=200&page_token=same", ok([{ id: "b", name: "B" }], { next_cursor: "same" }));
    const err = await client().listCursor({ path: "/v3/lists", item: policy }).catch((e) => e);
    expect(err).toBeInstanceOf(NylasResponseShapeError);
    expect(err.message).toBe('unexpected response from GET /v3/lists: next_cursor "same" repeated; stopping to avoid an endless loop');
  });

  it("pages offsets until a short page", async () => {
    const grants = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ id: `g${from + i}`, name: "g" }));
    answer("GET", "/v3/grants?limit=3&offset=0", ok(grants(0, 3)));
    answer("GET", "/v3/grants?limit=3&offset=3", ok(grants(3, 3)));
    answer("GET", "/v3/grants?limit=3&offset=6", ok(grants(6, 1)));
    const all = await client().listOffset({ path: "/v3/grants", item: policy, pageSize: 3 });
    expect(all.map((g) => g.id)).toEqual(["g0", "g1", "g2", "g3", "g4", "g5", "g6"]);
  });

  it("names the page and the field when an item is malformed", async () => {
    answer("GET", "/v3/webhooks?limit=200", ok([{ id: "w1", name: "ok" }, { id: "w2" }]));
    const err = await client().listCursor({ path: "/v3/webhooks", item: policy }).catch((e) => e);
    expect(err).toBeInstanceOf(NylasResponseShapeError);
    expect(err.message).toMatch(/^unexpected response from GET \/v3\/webhooks: data\.1\.name: /);
  });
});

describe("attempts", () => {
  it("counts every HTTP attempt (the benchmark reads it)", async () => {
    answer("GET", "/v3/x", { status: 503, body: "" }, ok({ id: "x", name: "x" }));
    const c = client();
    await c.call({ method: "GET", path: "/v3/x", data: policy });
    expect(c.attempts).toBe(2);
  });

  it("does not close a dispatcher it was given", async () => {
    await client().close();
    answer("GET", "/v3/after-close", ok({ id: "x", name: "x" }));
    await expect(client().call({ method: "GET", path: "/v3/after-close", data: policy })).resolves.toEqual({ id: "x", name: "x" });
  });
});
