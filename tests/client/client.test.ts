import { z } from "zod";
import type { RunningEmulator } from "../../emulator";
import {
  NylasAuthError,
  NylasClient,
  NylasConfigError,
  NylasNetworkError,
  NylasNotFoundError,
  NylasRateLimitError,
  NylasValidationError,
  type ClientOptions,
} from "../../provider/client";
import { EmulatorControl, startTestEmulator } from "../harness/stack";

/**
 * The client against the emulator over real sockets: what the MockAgent unit tests (tests/unit/) cannot
 * show — resets and timeouts as undici raises them, the emulator's own error bodies and paging, the
 * service-account signature as the emulator verifies it, and the throttle pacing real requests.
 */
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
    emu = await startTestEmulator();
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

  it("maps a connection reset to a network error that may have committed (POST), and retries it for GET", async () => {
    await control.faults([{ method: "POST", path: "^/v3/policies$", kind: "reset", times: 1 }]);
    const err = await client().call({ method: "POST", path: "/v3/policies", body: { name: "reset" }, data: policy }).catch((e) => e);
    expect(err).toBeInstanceOf(NylasNetworkError);
    expect(err.maybeCommitted).toBe(true);
    await control.faults([{ method: "GET", path: "^/v3/policies$", kind: "reset", times: 2 }]);
    await expect(client().listCursor({ path: "/v3/policies", item: policy })).resolves.toBeDefined();
  });

  it("times out an answer that never comes, and retries it when idempotent", async () => {
    // Never answered, so the timeout can be generous: the retry must beat it on a loaded machine too.
    await control.faults([{ method: "GET", path: "^/v3/policies$", kind: "latency", latencyMs: 600_000, times: 1 }]);
    await client({ timeoutMs: 2000 }).listCursor({ path: "/v3/policies", item: policy });
    expect((await logged("/v3/policies")).map((r) => r.status)).toEqual([0, 200]);
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
