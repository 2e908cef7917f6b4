/** Control API: fault injection, request log, rate limiting, reset, config. */
import { setTimeout as sleep } from "node:timers/promises";
import { EmulatorControlError, type FaultRule } from "../../emulator/control-client";
import { startHarness, useHarness } from "./helpers";

const h = useHarness();

const faults = (rules: unknown[]) => h.control.faults(rules as FaultRule[]);
/** The status a refused control call answered. */
const refusal = (call: Promise<unknown>) => call.then(() => 200, (e) => (e instanceof EmulatorControlError ? e.status : Promise.reject(e)));

describe("faults", () => {
  test("status 429 with Retry-After, limited by times", async () => {
    await faults([{ method: "GET", path: "^/v3/policies$", kind: "status", status: 429, retryAfter: "2", times: 2 }]);
    for (let i = 0; i < 2; i++) {
      const r = await h.api("GET", "/v3/policies");
      expect(r.status).toBe(429);
      expect(r.headers.get("retry-after")).toBe("2");
      expect(r.body).toEqual({ request_id: expect.any(String), error: { type: "rate_limit_error", message: expect.any(String) } });
    }
    expect((await h.api("GET", "/v3/policies")).status).toBe(200);
    // method filter: POST is unaffected by a GET rule
    await faults([{ method: "GET", path: "^/v3/policies", kind: "status", status: 503 }]);
    expect((await h.api("POST", "/v3/policies", { name: "p" })).status).toBe(200);
    const r = await h.api("GET", "/v3/policies");
    expect(r.status).toBe(503);
    expect(r.body.error.type).toBe("service_unavailable");
    expect(r.headers.get("retry-after")).toBeNull();
    expect(await h.control.listFaults()).toHaveLength(2);
    await h.control.clearFaults();
    expect(await h.control.listFaults()).toEqual([]);
    expect((await h.api("GET", "/v3/policies")).status).toBe(200);
  });

  test("status faults on requests with a body; nothing is committed", async () => {
    await faults([{ method: "POST", path: "^/v3/connect/custom$", kind: "status", status: 500, times: 1 }]);
    await h.api("POST", "/v3/connectors", { provider: "nylas" });
    const body = { provider: "nylas", settings: { email: "f@agents.example.com" } };
    const r = await h.api("POST", "/v3/connect/custom", body);
    expect(r.status).toBe(500);
    expect(r.body.error.type).toBe("internal_error");
    expect((await h.api("GET", "/v3/grants")).body.data).toEqual([]);
    expect((await h.api("POST", "/v3/connect/custom", body)).status).toBe(201);
  });

  test("after skips the first N matches; ratio 0 never fires", async () => {
    await faults([
      { path: "^/v3/rules$", kind: "status", status: 500, after: 2, times: 1 },
      { path: "^/v3/lists$", kind: "status", status: 500, ratio: 0 },
    ]);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await h.api("GET", "/v3/rules")).status);
    expect(statuses).toEqual([200, 200, 500, 200]);
    for (let i = 0; i < 5; i++) expect((await h.api("GET", "/v3/lists")).status).toBe(200);
  });

  test("latency delays the response", async () => {
    await faults([{ path: "^/v3/webhooks$", kind: "latency", latencyMs: 300 }]);
    const t0 = Date.now();
    expect((await h.api("GET", "/v3/webhooks")).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
  });

  test("reset destroys the connection before any processing", async () => {
    await faults([{ method: "POST", path: "^/v3/policies$", kind: "reset", times: 1 }]);
    await expect(h.api("POST", "/v3/policies", { name: "lost" })).rejects.toThrow();
    expect((await h.api("GET", "/v3/policies")).body.data).toEqual([]);
  });

  test("commit-then-reset keeps the change but drops the response", async () => {
    await faults([{ method: "POST", path: "^/v3/policies$", kind: "commit-then-reset", times: 1 }]);
    await expect(h.api("POST", "/v3/policies", { name: "committed" })).rejects.toThrow();
    const list = await h.api("GET", "/v3/policies");
    expect(list.body.data.map((p: any) => p.name)).toEqual(["committed"]);
  });

  test("commit-then-status keeps the change and answers the injected status", async () => {
    await faults([{ method: "POST", path: "^/v3/lists$", kind: "commit-then-status", status: 504, times: 1 }]);
    const r = await h.api("POST", "/v3/lists", { name: "l", type: "domain" });
    expect(r.status).toBe(504);
    expect(r.body.error.type).toBe("provider_error");
    expect((await h.api("GET", "/v3/lists")).body.data).toHaveLength(1);
  });

  test("invalid fault rules → 400", async () => {
    expect(await refusal(faults([{ path: "(", kind: "status", status: 500 }]))).toBe(400);
    expect(await refusal(faults([{ path: "x", kind: "explode" }]))).toBe(400);
    expect(await refusal(faults([{ path: "x", kind: "status" }]))).toBe(400);
    expect(await refusal(h.control.faults(undefined as unknown as FaultRule[]))).toBe(400);
  });
});

describe("request log", () => {
  test("records every /v3 request incl. faulted ones (status 0 for resets)", async () => {
    await h.control.clearRequests();
    await faults([{ method: "DELETE", path: "^/v3/policies/", kind: "reset" }]);
    await h.api("GET", "/v3/policies?limit=5");
    await h.api("GET", "/v3/nope");
    await h.api("DELETE", "/v3/policies/x").catch(() => undefined);
    const requests = await h.control.requests();
    expect(requests.map((x) => [x.method, x.path, x.query, x.status])).toEqual([
      ["GET", "/v3/policies", "limit=5", 200],
      ["GET", "/v3/nope", "", 404],
      ["DELETE", "/v3/policies/x", "", 0],
    ]);
    expect(typeof requests[0].ts).toBe("number");
    await h.control.clearRequests();
    expect(await h.control.requests()).toEqual([]);
  });
});

describe("rate limit", () => {
  test("over the limit → 429 rate_limit_error with Retry-After: 1 (configurable)", async () => {
    await h.control.config({ rateLimitPerSecond: 2 });
    await h.control.clearRequests();
    const statuses = await Promise.all(Array.from({ length: 12 }, () => h.api("GET", "/v3/webhooks")));
    const limited = statuses.filter((r) => r.status === 429);
    const passed = statuses.length - limited.length;
    // A bucket of 2 refilled at 2/s: the burst passes, and what passes beyond it is bounded by the time
    // the 12 requests took to arrive (however slow the machine), so some are refused.
    const ts = (await h.control.requests()).map((r) => r.ts!);
    const spreadS = (Math.max(...ts) - Math.min(...ts)) / 1000;
    expect(passed).toBeGreaterThanOrEqual(2);
    expect(passed).toBeLessThanOrEqual(2 + Math.ceil(2 * spreadS) + 1);
    expect(limited.length).toBeGreaterThanOrEqual(1);
    expect(limited[0].headers.get("retry-after")).toBe("1");
    expect(limited[0].body.error).toEqual({ type: "rate_limit_error", message: "Too many requests, please try again shortly." });
    await h.control.config({ retryAfterOnRateLimit: false });
    let noHeader;
    for (let i = 0; i < 20 && !noHeader; i++) {
      const r = await h.api("GET", "/v3/webhooks");
      if (r.status === 429) noHeader = r;
    }
    expect(noHeader).toBeDefined();
    expect(noHeader!.headers.get("retry-after")).toBeNull();
    await sleep(1100); // a token refills in 0.5 s: at least that long, however late the timer fires
    expect((await h.api("GET", "/v3/webhooks")).status).toBe(200);
    await h.control.config({ rateLimitPerSecond: null });
    const all = await Promise.all(Array.from({ length: 30 }, () => h.api("GET", "/v3/webhooks")));
    expect(all.every((r) => r.status === 200)).toBe(true);
  });
});

describe("reset, state and config", () => {
  test("reset wipes objects but keeps the application and service account", async () => {
    const before = (await h.control.state());
    await h.api("POST", "/v3/policies", { name: "p" });
    await h.control.config({ rulesListEnvelope: "items" });
    expect((await h.control.state()).policies).toHaveLength(1);
    await h.control.reset();
    const after = (await h.control.state());
    expect(after.policies).toEqual([]);
    expect(after.application_id).toBe(before.application_id);
    expect(after.workspaces).toHaveLength(1);
    expect(after.domains.map((d: any) => d.domain_address)).toEqual(["agents.example.com"]);
    expect((await h.control.currentVariance()).switches.rulesEnvelope).toBe("nested");
    expect((await h.control.serviceAccount()).private_key_id).toBe(h.emu.serviceAccount.privateKeyId);
  });

  test("config validation", async () => {
    expect(await refusal(h.control.config({ rulesListEnvelope: "weird" } as never))).toBe(400);
    expect(await refusal(h.control.config({ rateLimitPerSecond: -1 }))).toBe(400);
  });

  test("control API is off when control: false", async () => {
    const off = await startHarness({ control: false });
    try {
      expect(await refusal(off.control.state())).toBe(404);
      expect((await off.api("GET", "/v3/webhooks")).status).toBe(200);
    } finally {
      await off.close();
    }
  });
});

describe("connections", () => {
  test("kept alive without announcing an idle timeout, so a client always lets go of one before the emulator does", async () => {
    // Node's default hint (`Keep-Alive: timeout=5`) made clients reuse a connection up to a second
    // before the server closed it: on a loaded machine, "other side closed" for an unread request.
    for (const path of ["/v3/policies", "/__emulator/requests"]) {
      const r = await h.api("GET", path);
      expect(r.status).toBe(200);
      expect(r.headers.get("connection")).toBe("keep-alive");
      expect(r.headers.get("keep-alive")).toBeNull();
    }
  });
});
