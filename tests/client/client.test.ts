import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { startEmulator, type RunningEmulator } from "../../emulator";
import {
  NylasAuthError,
  NylasClient,
  NylasConfigError,
  NylasNetworkError,
  NylasNotFoundError,
  NylasRateLimitError,
  NylasResponseShapeError,
  NylasRetriesExhaustedError,
  NylasServerError,
  NylasValidationError,
  type ClientOptions,
} from "../../provider/client";
import { EmulatorControl } from "../harness/stack";

const policy = z.looseObject({ id: z.string(), name: z.string() });

describe("NylasClient against the emulator", () => {
  let emu: RunningEmulator;
  let control: EmulatorControl;
  const clients: NylasClient[] = [];
  const client = (o: Partial<ClientOptions> = {}) => {
    const c = new NylasClient({ apiKey: emu.apiKey, apiUri: emu.url, requestsPerSecond: 0, retry: { baseDelayMs: 10 }, ...o });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    emu = await startEmulator({ quiet: true });
    control = new EmulatorControl(emu.url);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await emu.close();
  });
  beforeEach(async () => {
    await control.clearFaults();
    await control.clearRequests();
  });

  const logged = async (path: string) => (await control.requests()).filter((r) => r.path === path);

  it("honours Retry-After in seconds, then succeeds", async () => {
    await control.faults([{ method: "GET", path: "^/v3/policies$", kind: "status", status: 429, retryAfter: "1", times: 2 }]);
    const list = await client().listCursor({ path: "/v3/policies", item: policy });
    expect(Array.isArray(list)).toBe(true);
    const reqs = await logged("/v3/policies");
    expect(reqs.map((r) => r.status)).toEqual([429, 429, 200]);
    // Each retry waited the full second the server asked for.
    expect(reqs[1].ts! - reqs[0].ts!).toBeGreaterThanOrEqual(950);
    expect(reqs[2].ts! - reqs[1].ts!).toBeGreaterThanOrEqual(950);
  });

  it("honours Retry-After given as an HTTP date", async () => {
    const when = new Date(Math.ceil((Date.now() + 1500) / 1000) * 1000).toUTCString();
    await control.faults([{ method: "GET", path: "^/v3/policies$", kind: "status", status: 429, retryAfter: when, times: 1 }]);
    await client().listCursor({ path: "/v3/policies", item: policy });
    const reqs = await logged("/v3/policies");
    expect(reqs.map((r) => r.status)).toEqual([429, 200]);
    expect(reqs[1].ts!).toBeGreaterThanOrEqual(Date.parse(when) - 50);
  });

  it("backs off without Retry-After and retries idempotent 5xx", async () => {
    await control.faults([{ method: "GET", path: "^/v3/policies$", kind: "status", status: 503, times: 3 }]);
    await client().listCursor({ path: "/v3/policies", item: policy });
    expect((await logged("/v3/policies")).map((r) => r.status)).toEqual([503, 503, 503, 200]);
  });

  it("gives up after maxAttempts with the last error", async () => {
    await control.faults([{ method: "GET", path: "^/v3/policies$", kind: "status", status: 502 }]);
    const err = await client({ retry: { maxAttempts: 3, baseDelayMs: 1 } }).listCursor({ path: "/v3/policies", item: policy }).catch((e) => e);
    expect(err).toBeInstanceOf(NylasRetriesExhaustedError);
    expect(err.message).toMatch(/^GET \/v3\/policies gave up after 3 attempt\(s\).*\(retry attempts used up\); last error: 502 /);
    expect((err as NylasRetriesExhaustedError).lastError).toBeInstanceOf(NylasServerError);
    expect(await logged("/v3/policies")).toHaveLength(3);
  });

  it("stops at the total deadline", async () => {
    await control.faults([{ method: "GET", path: "^/v3/policies$", kind: "status", status: 429, retryAfter: "2" }]);
    const err = await client({ retry: { deadlineMs: 1000 } }).listCursor({ path: "/v3/policies", item: policy }).catch((e) => e);
    expect(err).toBeInstanceOf(NylasRetriesExhaustedError);
    expect(err.message).toContain("total deadline reached");
    expect((err as NylasRetriesExhaustedError).lastError).toBeInstanceOf(NylasRateLimitError);
    expect(await logged("/v3/policies")).toHaveLength(1);
  });

  it("does not blindly retry a create whose outcome is unknown, and says it may have landed", async () => {
    await control.faults([{ method: "POST", path: "^/v3/policies$", kind: "status", status: 503, times: 1 }]);
    const err = await client().call({ method: "POST", path: "/v3/policies", body: { name: "once" }, data: policy }).catch((e) => e);
    expect(err).toBeInstanceOf(NylasServerError);
    expect(err.maybeCommitted).toBe(true);
    expect(await logged("/v3/policies")).toHaveLength(1);
  });

  it("retries a create refused with 429 (nothing was done)", async () => {
    await control.faults([{ method: "POST", path: "^/v3/policies$", kind: "status", status: 429, times: 1 }]);
    const made = await client().call({ method: "POST", path: "/v3/policies", body: { name: "after-429" }, data: policy });
    expect(made.name).toBe("after-429");
    expect((await logged("/v3/policies")).map((r) => r.status)).toEqual([429, 200]);
  });

  it("maps a connection reset to a network error that may have committed (POST), and retries it for GET", async () => {
    await control.faults([{ method: "POST", path: "^/v3/policies$", kind: "reset", times: 1 }]);
    const err = await client().call({ method: "POST", path: "/v3/policies", body: { name: "reset" }, data: policy }).catch((e) => e);
    expect(err).toBeInstanceOf(NylasNetworkError);
    expect(err.maybeCommitted).toBe(true);
    await control.faults([{ method: "GET", path: "^/v3/policies$", kind: "reset", times: 2 }]);
    await expect(client().listCursor({ path: "/v3/policies", item: policy })).resolves.toBeDefined();
  });

  it("times out a slow answer and retries it when idempotent", async () => {
    await control.faults([{ method: "GET", path: "^/v3/policies$", kind: "latency", latencyMs: 1500, times: 1 }]);
    await client({ timeoutMs: 300 }).listCursor({ path: "/v3/policies", item: policy });
    expect((await logged("/v3/policies")).length).toBeGreaterThanOrEqual(2);
  });

  it("maps each error status to its class with an actionable message", async () => {
    const bad = new NylasClient({ apiKey: "wrong", apiUri: emu.url, requestsPerSecond: 0 });
    clients.push(bad);
    const auth = await bad.call({ method: "GET", path: "/v3/policies/{id}", params: { id: "x" }, data: policy }).catch((e) => e);
    expect(auth).toBeInstanceOf(NylasAuthError);
    expect(auth.status).toBe(401);
    expect(auth.message).toMatch(/^401 \w+ from GET \/v3\/policies\/x.*the API key was rejected — set nylas:apiKey .* or NYLAS_API_KEY/);
    expect(auth.requestId).toEqual(expect.any(String));

    const missing = await client().call({ method: "GET", path: "/v3/policies/{id}", params: { id: "nope" }, data: policy }).catch((e) => e);
    expect(missing).toBeInstanceOf(NylasNotFoundError);
    expect(missing.status).toBe(404);

    const invalid = await client().call({ method: "POST", path: "/v3/policies", body: { name: "" }, data: policy }).catch((e) => e);
    expect(invalid).toBeInstanceOf(NylasValidationError);
    expect(invalid.status).toBe(400);
    expect(invalid.message).toMatch(/^400 \S+ from POST \/v3\/policies: .+/);

    await control.faults([{ method: "GET", path: "^/v3/policies$", kind: "status", status: 429 }]);
    const limited = await client({ retry: { maxAttempts: 2, baseDelayMs: 1 } }).listCursor({ path: "/v3/policies", item: policy }).catch((e) => e);
    expect(limited.lastError).toBeInstanceOf(NylasRateLimitError);
  });

  it("refuses to call without an API key, with the fix in the message", async () => {
    const c = new NylasClient({ apiUri: emu.url });
    clients.push(c);
    await expect(c.call({ method: "GET", path: "/v3/policies" })).rejects.toThrow(NylasConfigError);
    await expect(c.call({ method: "GET", path: "/v3/policies" })).rejects.toThrow(/pulumi config set --secret nylas:apiKey/);
  });

  it("pages through more than 200 objects with cursors", async () => {
    const c = client();
    await Promise.all(Array.from({ length: 230 }, (_, i) => c.call({ method: "POST", path: "/v3/policies", body: { name: `page-${i}` }, data: policy })));
    await control.clearRequests();
    const all = await c.listCursor({ path: "/v3/policies", item: policy, pageSize: 100 });
    expect(new Set(all.filter((p) => p.name.startsWith("page-")).map((p) => p.name)).size).toBe(230);
    expect(new Set(all.map((p) => p.id)).size).toBe(all.length);
    expect((await logged("/v3/policies")).length).toBe(Math.ceil(all.length / 100) + (all.length % 100 === 0 ? 1 : 0));
  });

  it("pages through grants with offsets", async () => {
    const c = client();
    await c.call({ method: "POST", path: "/v3/connectors", body: { name: "nylas", provider: "nylas" } }).catch(() => undefined);
    const grant = z.looseObject({ id: z.string(), email: z.string() });
    await Promise.all(
      Array.from({ length: 210 }, (_, i) =>
        c.call({ method: "POST", path: "/v3/connect/custom", body: { provider: "nylas", settings: { email: `offset-${i}@agents.example.com` } }, data: grant }),
      ),
    );
    const all = await c.listOffset({ path: "/v3/grants", item: grant, pageSize: 200 });
    expect(all.filter((g) => g.email.startsWith("offset-"))).toHaveLength(210);
  });

  it("throttles to the configured rate", async () => {
    const c = client({ requestsPerSecond: 20, burst: 1 });
    await Promise.all(Array.from({ length: 21 }, () => c.call({ method: "GET", path: "/v3/webhooks" })));
    const ts = (await logged("/v3/webhooks")).map((r) => r.ts!);
    // 21 requests at 20/s with a burst of 1: the last leaves ≥ 1 s after the first.
    expect(Math.max(...ts) - Math.min(...ts)).toBeGreaterThanOrEqual(950);
  });

  it("signs domain requests with the service account and never sends the API key there", async () => {
    const signed = client({ apiKey: undefined, serviceAccount: emu.serviceAccount });
    const domain = z.looseObject({ id: z.string(), domain_address: z.string() });
    const made = await signed.call({ method: "POST", path: "/v3/admin/domains", body: { name: "Signed", domain_address: "Signed.Example.org" }, data: domain, auth: "serviceAccount" });
    expect(made.domain_address).toBe("signed.example.org");
    const listed = await signed.listCursor({ path: "/v3/admin/domains", item: domain, auth: "serviceAccount" });
    expect(listed.map((d) => d.id)).toContain(made.id);
    const unsigned = await client().call({ method: "GET", path: "/v3/admin/domains" }).catch((e) => e);
    expect(unsigned).toBeInstanceOf(NylasAuthError);
    const noAccount = await client().call({ method: "GET", path: "/v3/admin/domains", auth: "serviceAccount" }).catch((e) => e);
    expect(noAccount).toBeInstanceOf(NylasConfigError);
    expect(noAccount.message).toContain("nylas:serviceAccount");
  });
});

describe("NylasClient against a misbehaving server", () => {
  let server: Server;
  let url: string;
  let answer: (path: string) => { status: number; body: string };
  beforeAll(async () => {
    server = createServer((req, res) => {
      const a = answer(req.url ?? "");
      res.writeHead(a.status, { "content-type": "application/json" }).end(a.body);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("rejects a malformed response naming the endpoint and the field", async () => {
    answer = () => ({ status: 200, body: JSON.stringify({ request_id: "r", data: { id: 42, name: "x" } }) });
    const c = new NylasClient({ apiKey: "k", apiUri: url, requestsPerSecond: 0 });
    const err = await c.call({ method: "GET", path: "/v3/policies/{id}", params: { id: "p1" }, data: policy }).catch((e) => e);
    await c.close();
    expect(err).toBeInstanceOf(NylasResponseShapeError);
    expect(err.message).toMatch(/^unexpected response from GET \/v3\/policies\/p1: data\.id: .*expected string/i);
  });

  it("accepts unknown extra fields and both rule-list envelopes", async () => {
    let page = 0;
    answer = () => {
      page++;
      return page === 1
        ? { status: 200, body: JSON.stringify({ request_id: "r", data: { items: [{ id: "a", name: "A", extra: 1 }] }, next_cursor: "c1" }) }
        : { status: 200, body: JSON.stringify({ request_id: "r", data: [{ id: "b", name: "B" }] }) };
    };
    const c = new NylasClient({ apiKey: "k", apiUri: url, requestsPerSecond: 0 });
    const all = await c.listCursor({ path: "/v3/rules", item: policy });
    await c.close();
    expect(all.map((r) => r.id)).toEqual(["a", "b"]);
  });

  it("stops on a repeated cursor instead of looping forever", async () => {
    answer = () => ({ status: 200, body: JSON.stringify({ data: [{ id: "a", name: "A" }], next_cursor: "same" }) });
    const c = new NylasClient({ apiKey: "k", apiUri: url, requestsPerSecond: 0 });
    const err = await c.listCursor({ path: "/v3/lists", item: policy }).catch((e) => e);
    await c.close();
    expect(err).toBeInstanceOf(NylasResponseShapeError);
    expect(err.message).toContain('next_cursor "same" repeated');
  });

  it("maps a non-JSON error body", async () => {
    answer = () => ({ status: 400, body: "<html>bad gateway config</html>" });
    const c = new NylasClient({ apiKey: "k", apiUri: url, requestsPerSecond: 0 });
    const err = await c.call({ method: "GET", path: "/v3/lists" }).catch((e) => e);
    await c.close();
    expect(err).toBeInstanceOf(NylasValidationError);
    expect(err.message).toContain("<html>bad gateway config</html>");
  });
});
