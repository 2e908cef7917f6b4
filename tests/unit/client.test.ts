import { createVerify, generateKeyPairSync } from "node:crypto";
import { errors as undiciErrors } from "undici";
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
} from "../../provider/client";
import { ORIGIN, VirtualClock, fakeNylas, type FakeNylas, type Reply } from "../harness/fake-nylas";

/**
 * The HTTP client on its own: every request it sends and every answer it reads, against undici's
 * MockAgent (no sockets, no emulator), with a virtual clock so backoff and Retry-After waits are
 * checked exactly and cost no real time. What needs a real server (resets on a socket, timeouts,
 * the emulator's signature check) stays in tests/client/client.test.ts.
 */

const VERSION: string = require("../../package.json").version;
const policy = z.looseObject({ id: z.string(), name: z.string() });

let clock: VirtualClock;
let fake: FakeNylas;
beforeEach(() => {
  clock = new VirtualClock();
  fake = fakeNylas({}, { clock });
});
afterEach(async () => {
  expect(fake.unused()).toEqual({}); // every scripted answer was asked for
  await fake.close();
});

/** A client of the scripted Nylas; options as a test needs them. */
const client = (o: Partial<ClientOptions> = {}) =>
  new NylasClient({ apiKey: "nyk_test", apiUri: ORIGIN, requestsPerSecond: 0, retry: { baseDelayMs: 100 }, dispatcher: fake.dispatcher, clock, ...o });

/** Answers the next requests to `method path` (any query) in order, one reply each. */
const answer = (method: string, path: string, ...replies: Reply[]) => fake.script(`${method} ${path}`, ...replies);
/** What the client sent, in order. */
const sent = () => fake.seen;

const ok = (data: unknown, extra: Record<string, unknown> = {}): Reply => ({ status: 200, body: { request_id: "req-1", data, ...extra } });
const nylasError = (status: number, type: string, message: string, headers?: Record<string, string>): Reply => ({
  status,
  body: { request_id: "req-err", error: { type, message } },
  headers,
});
const networkError = (code: string): Error => Object.assign(new Error(`socket: ${code}`), { code });

describe("request shape", () => {
  it("GET: method, path with encoded params, query without unset keys, auth and identifying headers, no body", async () => {
    answer("GET", "/v3/grants/a%2Fb%20c", ok({ id: "a/b c", name: "n" }));
    await client().call({ method: "GET", path: "/v3/grants/{id}", params: { id: "a/b c" }, query: { select: "id,name", limit: 5, skip: undefined }, data: policy });
    expect(sent().map(({ method, url, headers, text }) => ({ method, url, headers, text }))).toEqual([
      {
        method: "GET",
        url: "/v3/grants/a%2Fb%20c?select=id%2Cname&limit=5",
        headers: { accept: "application/json", "user-agent": `pulumi-nylas-agents/${VERSION}`, authorization: "Bearer nyk_test" },
        text: undefined,
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
    expect(sent().map((s) => [s.method, s.url, s.headers["content-type"], s.text])).toEqual([
      ["POST", "/v3/policies", "application/json", '{"name":"x","limits":{"limit_count_daily_email_sent":5}}'],
      ["PUT", "/v3/policies/p1", "application/json", '{"name":"y"}'],
      ["PATCH", "/v3/grants/g1", "application/json", '{"name":"z"}'],
      ["DELETE", "/v3/policies/p1", undefined, undefined],
    ]);
  });

  it("keeps the path of an apiUri behind a proxy", async () => {
    answer("GET", "/nylas/v3/policies/p1", ok({ id: "p1", name: "n" }));
    await client({ apiUri: `${ORIGIN}/nylas/` }).call({ method: "GET", path: "/v3/policies/{id}", params: { id: "p1" }, data: policy });
    expect(sent().map((s) => s.url)).toEqual(["/nylas/v3/policies/p1"]);
  });

  it("signs a service-account call (canonical body, X-Nylas-* headers verifiable with the public key) and sends no API key", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const serviceAccount = { privateKeyId: "kid-1", privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString() };
    answer("POST", "/v3/admin/domains", ok({ id: "d1", name: "n" }));
    await client({ serviceAccount }).call({ method: "POST", path: "/v3/admin/domains", body: { name: "n", domain_address: "a.example" }, data: policy, auth: "serviceAccount" });
    const [req] = sent();
    expect(req.headers.authorization).toBeUndefined();
    expect(req.text).toBe('{"domain_address":"a.example","name":"n"}'); // keys sorted: the exact bytes signed
    expect(req.headers).toMatchObject({ "x-nylas-kid": "kid-1", "x-nylas-timestamp": String(Math.floor(clock.now() / 1000)), "content-type": "application/json" });
    expect(req.headers["x-nylas-nonce"]).toMatch(/^[A-Za-z0-9]{20}$/);
    // The envelope as Nylas documents it, built here independently of the client's signing code.
    const envelope = { method: "post", nonce: req.headers["x-nylas-nonce"], path: "/v3/admin/domains", payload: req.text, timestamp: Math.floor(clock.now() / 1000) };
    const text = `{"method":"post","nonce":${JSON.stringify(envelope.nonce)},"path":"/v3/admin/domains","payload":${JSON.stringify(req.text)},"timestamp":${envelope.timestamp}}`;
    expect(canonicalJson(envelope)).toBe(text);
    expect(createVerify("RSA-SHA256").update(text).verify(publicKey, req.headers["x-nylas-signature"], "base64")).toBe(true);
  });

  it("refuses to send without credentials, naming the setting (nothing reaches the network)", async () => {
    await expect(client({ apiKey: undefined }).call({ method: "GET", path: "/v3/policies" })).rejects.toThrow(
      new NylasConfigError("no Nylas API key: set it with `pulumi config set --secret nylas:apiKey <key>` or the NYLAS_API_KEY environment variable"),
    );
    await expect(client().call({ method: "GET", path: "/v3/admin/domains", auth: "serviceAccount" })).rejects.toThrow(/set nylas:serviceAccount .* or NYLAS_SERVICE_ACCOUNT/);
    expect(sent()).toEqual([]);
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
    expect(sent()).toHaveLength(3);
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
    expect(sent()).toHaveLength(5);
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
    expect(sent()).toHaveLength(3); // one attempt each
    expect(clock.waits).toEqual([]);
  });

  it("retries a create refused with 429 or a refused connection: nothing was done", async () => {
    answer("POST", "/v3/policies", nylasError(429, "rate", "x"), networkError("ECONNREFUSED"), ok({ id: "p1", name: "after" }));
    expect((await client().call({ method: "POST", path: "/v3/policies", body: { name: "after" }, data: policy })).id).toBe("p1");
    expect(sent()).toHaveLength(3);
  });

  it("retries a create marked idempotent like any other call", async () => {
    answer("POST", "/v3/lists/l1/items", { status: 503, body: "" }, ok({ id: "l1", name: "l" }));
    await client().call({ method: "POST", path: "/v3/lists/{id}/items", params: { id: "l1" }, body: { items: ["a"] }, data: policy, idempotent: true });
    expect(sent()).toHaveLength(2);
  });

  it("never retries other client errors", async () => {
    answer("PUT", "/v3/policies/p1", nylasError(400, "invalid_request_error", "bad"));
    await expect(client().call({ method: "PUT", path: "/v3/policies/{id}", params: { id: "p1" }, body: {} })).rejects.toBeInstanceOf(NylasValidationError);
    expect(sent()).toHaveLength(1);
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
    expect(sent().map((s) => s.url)).toEqual(["/v3/a", "/v3/b", "/v3/b"]);
  });
});

describe("pagination", () => {
  it("follows cursors (limit and page_token), accepting both list envelopes", async () => {
    answer("GET", "/v3/rules", ok({ items: [{ id: "a", name: "A" }, { id: "b", name: "B" }] }, { next_cursor: "c1" }), ok([{ id: "c", name: "C" }], { next_cursor: "" }));
    const all = await client().listCursor({ path: "/v3/rules", item: policy, pageSize: 2 });
    expect(all.map((r) => r.id)).toEqual(["a", "b", "c"]);
    expect(sent().map((s) => s.url)).toEqual(["/v3/rules?limit=2", "/v3/rules?limit=2&page_token=c1"]);
  });

  it("stops on a cursor that repeats instead of looping forever", async () => {
    answer("GET", "/v3/lists", ok([{ id: "a", name: "A" }], { next_cursor: "same" }), ok([{ id: "b", name: "B" }], { next_cursor: "same" }));
    const err = await client().listCursor({ path: "/v3/lists", item: policy }).catch((e) => e);
    expect(err).toBeInstanceOf(NylasResponseShapeError);
    expect(err.message).toBe('unexpected response from GET /v3/lists: next_cursor "same" repeated; stopping to avoid an endless loop');
  });

  it("pages offsets until a short page", async () => {
    const grants = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ id: `g${from + i}`, name: "g" }));
    answer("GET", "/v3/grants", ok(grants(0, 3)), ok(grants(3, 3)), ok(grants(6, 1)));
    const all = await client().listOffset({ path: "/v3/grants", item: policy, pageSize: 3 });
    expect(all.map((g) => g.id)).toEqual(["g0", "g1", "g2", "g3", "g4", "g5", "g6"]);
    expect(fake.calls()).toEqual(["GET /v3/grants?limit=3&offset=0", "GET /v3/grants?limit=3&offset=3", "GET /v3/grants?limit=3&offset=6"]);
  });

  it("names the page and the field when an item is malformed", async () => {
    answer("GET", "/v3/webhooks", ok([{ id: "w1", name: "ok" }, { id: "w2" }]));
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
