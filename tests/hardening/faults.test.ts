import type { Engine } from "../harness/engine";
import { secret } from "../harness/engine";
import { WebhookReceiver } from "../harness/receiver";
import { startStack, type FaultRule, type TestStack } from "../harness/stack";
import { calls, changedKeys, extraEngine, failure, outputSince, PW, ruleBody, statuses } from "./support";

/**
 * Fault suite (issue 6, faults 1–11): every fault is injected by the emulator through its control API
 * while the real provider host runs a lifecycle, and each test checks both what the provider reported
 * and what exists at "Nylas" afterwards — exact objects, no duplicates, nothing left over. Fault 12
 * (scale under a rate limit) is in scale.test.ts. The per-resource test files already cover the simple
 * form of several cases (one lost create per resource, one dangling reference…); these extend them to
 * every resource, to compound faults, and to full lifecycles.
 */
describe("faults survived", () => {
  let stack: TestStack;
  let engine: Engine;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    [stack, receiver] = await Promise.all([
      startStack({ config: { "nylas:retryBaseDelayMs": "10", "nylas:maxAttempts": "6", "nylas:deadlineMs": "20000" } }),
      WebhookReceiver.start(),
    ]);
    engine = stack.engine;
    await stack.api("POST", "/v3/connectors", { name: "nylas", provider: "nylas" });
  });
  afterAll(async () => {
    await stack.stop();
    await receiver.close();
  });
  afterEach(async () => {
    await stack.control.clearFaults();
  });

  const state = () => stack.control.state();
  const log = () => stack.control.requests();
  const named = (objs: any[], name: string) => objs.filter((o) => o.name === name);
  const hookUrl = (p: string) => `${receiver.url}/faults/${p}`;
  const faults = async (rules: FaultRule[]) => {
    await stack.control.clearRequests();
    await stack.control.faults(rules);
  };

  // ------------------------------------------------------------------------------------ 1. 429 + Retry-After

  it("1a. survives a 429 storm with Retry-After in seconds: every caller waits it out, then all converge", async () => {
    // The first three requests of three concurrent creates are all refused with Retry-After: 1.
    await faults([{ path: "^/v3/", kind: "status", status: 429, retryAfter: "1", times: 3 }]);
    const names = ["storm-a", "storm-b", "storm-c"];
    const made = await Promise.all(names.map((n) => engine.up("Policy", n, { name: n, limits: { limitCountDailyEmailSent: 100 } })));
    const requests = await log();
    const refused = requests.filter((r) => r.status === 429);
    expect(refused).toHaveLength(3);
    // A 429's Retry-After holds every caller of the client, not only the one that got it.
    const later = requests.filter((r) => r.status !== 429);
    expect(Math.min(...later.map((r) => r.ts!))).toBeGreaterThanOrEqual(Math.max(...refused.map((r) => r.ts!)) + 1000);
    // A 429 is refused before anything happens: each policy was made exactly once.
    expect(calls(requests, "POST", "^/v3/policies$").filter((c) => c === "POST 200")).toHaveLength(3);
    const policies = (await state()).policies;
    for (const [i, n] of names.entries()) {
      expect(named(policies, n).map((p: any) => p.id)).toEqual([made[i].id]);
    }
    // The rest of the lifecycle under another storm: update, refresh, delete.
    await faults([
      { method: "PUT", path: "^/v3/policies/", kind: "status", status: 429, retryAfter: "1", times: 1 },
      { method: "GET", path: "^/v3/policies/", kind: "status", status: 429, retryAfter: "1", times: 1 },
      { method: "DELETE", path: "^/v3/policies/", kind: "status", status: 429, retryAfter: "1", times: 1 },
    ]);
    expect((await engine.up("Policy", "storm-a", { name: "storm-a", limits: { limitCountDailyEmailSent: 7 } })).op).toBe("update");
    expect((await engine.refresh("Policy", "storm-a")).op).toBe("same");
    for (const n of names) await engine.destroy("Policy", n);
    const after = await log();
    expect(statuses(after, "PUT", "^/v3/policies/")).toEqual([429, 200]);
    expect(statuses(after, "GET", "^/v3/policies/")).toEqual([429, 200]);
    expect(statuses(after, "DELETE", "^/v3/policies/")).toEqual([429, 200, 200, 200]);
    const left = (await state()).policies;
    expect(names.flatMap((n) => named(left, n))).toEqual([]);
  });

  it("1b. honours an HTTP-date Retry-After (and retries at once when the date is already past)", async () => {
    const until = new Date(Date.now() + 2000).toUTCString(); // second precision: 1–2 s from now
    await faults([
      { method: "POST", path: "^/v3/rules$", kind: "status", status: 429, retryAfter: until, times: 1 },
      { method: "PUT", path: "^/v3/rules/", kind: "status", status: 429, retryAfter: "Wed, 21 Oct 2015 07:28:00 GMT", times: 2 },
    ]);
    const inputs = ruleBody("date-retry");
    const made = await engine.up("Rule", "date-retry", inputs);
    const requests = await log();
    const posts = requests.filter((r) => r.method === "POST" && r.path === "/v3/rules");
    expect(posts.map((r) => r.status)).toEqual([429, 201]);
    expect(posts[1].ts!).toBeGreaterThanOrEqual(Date.parse(until));
    expect((await engine.up("Rule", "date-retry", { ...inputs, priority: 5 })).op).toBe("update");
    expect(statuses(await log(), "PUT", "^/v3/rules/")).toEqual([429, 429, 200]);
    const rules = named((await state()).rules, "date-retry");
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({ id: made.id, priority: 5 });
    await engine.destroy("Rule", "date-retry");
    expect(named((await state()).rules, "date-retry")).toEqual([]);
  });

  // ------------------------------------------------------------------------- 2. 429 without Retry-After

  it("2. backs off on Nylas-side 429s without Retry-After through a whole lifecycle, and gives up clearly when they never stop", async () => {
    const rules: FaultRule[] = ["POST", "GET", "PATCH", "DELETE"].map((method) => ({ method, path: "^/v3/(connect/custom|grants/.*)$", kind: "status", status: 429, times: 3 }));
    await faults(rules);
    const email = "throttled@agents.example.com";
    const made = await engine.up("AgentAccount", "throttled", { email, name: "Throttled" });
    expect((await engine.up("AgentAccount", "throttled", { email, name: "Throttled 2" })).op).toBe("update");
    expect((await engine.refresh("AgentAccount", "throttled")).op).toBe("same");
    const grants = (await state()).grants.filter((g: any) => g.email === email);
    expect(grants).toHaveLength(1);
    expect(grants[0]).toMatchObject({ id: made.id, name: "Throttled 2" });
    await engine.destroy("AgentAccount", "throttled");
    const requests = await log();
    for (const method of ["POST", "PATCH", "DELETE"]) expect(statuses(requests, method, "^/v3/(connect/custom|grants/.*)$").slice(0, 4)).toEqual([429, 429, 429, method === "POST" ? 201 : 200]);
    expect((await state()).grants.filter((g: any) => g.email === email)).toEqual([]);

    // Throttled for good: one clear error once the attempts are used up, nothing made, nothing recorded.
    await faults([{ method: "POST", path: "^/v3/policies$", kind: "status", status: 429 }]);
    const err = await failure(() => engine.up("Policy", "never", { name: "never" }));
    expect(err.message).toMatch(
      /^creating Nylas Policy \(name "never"\): POST \/v3\/policies gave up after 6 attempt\(s\) in [\d.]+ s \(retry attempts used up\); last error: 429 nylas_rate_limit_exceeded from POST \/v3\/policies: .* — rate limited by Nylas; lower nylas:requestsPerSecond or retry later/,
    );
    expect(statuses(await log(), "POST", "^/v3/policies$")).toEqual([429, 429, 429, 429, 429, 429]);
    expect(engine.get("Policy", "never")).toBeUndefined();
    expect(named((await state()).policies, "never")).toEqual([]);
  });

  // ------------------------------------------------------------------------------------- 3. 5xx bursts

  const burst = (status: number, collection: string, createMethod = "POST", updateMethod = "PUT"): FaultRule[] => [
    { method: createMethod, path: `^/v3/${collection}$`, kind: "status", status, times: 2 },
    { method: "GET", path: `^/v3/${collection}`, kind: "status", status, times: 2 },
    { method: updateMethod, path: `^/v3/${collection}/[^/]+$`, kind: "status", status, times: 2 },
    { method: "DELETE", path: `^/v3/${collection}/[^/]+$`, kind: "status", status, times: 2 },
  ];

  it.each([
    [500, "Policy", "policies", "PUT", { name: "burst-500" }, { name: "burst-500", spamDetection: { spamSensitivity: 2 } }],
    [502, "Rule", "rules", "PUT", ruleBody("burst-502"), { ...ruleBody("burst-502"), enabled: false }],
    [503, "Workspace", "workspaces", "PATCH", { name: "burst-503", domain: "burst-503.example" }, { name: "burst-503 renamed", domain: "burst-503.example" }],
    [504, "List", "lists", "PUT", { name: "burst-504", type: "domain", items: ["a.example"] }, { name: "burst-504", type: "domain", description: "d", items: ["b.example"] }],
  ] as const)("3. survives %i bursts on creates, reads, updates and deletes of a %s", async (status, type, collection, updateMethod, inputs, changed) => {
    await faults(burst(status, collection, "POST", updateMethod));
    const name = `burst-${status}`;
    const made = await engine.up(type, name, inputs as Record<string, unknown>);
    expect(made.op).toBe("create");
    // A 5xx on a create may hide a commit: the provider looked before each retry (GET …) and made one.
    expect(statuses(await log(), "POST", `^/v3/${collection}$`)).toEqual([status, status, type === "Rule" || type === "List" ? 201 : 200]);
    expect((await engine.up(type, name, changed as Record<string, unknown>)).op).toBe("update");
    expect((await engine.refresh(type, name)).op).toBe("same");
    const s = await state();
    const key = type === "Workspace" ? "domain" : "name";
    const mine = (s[collection] as any[]).filter((o) => o[key] === (changed as any)[key]);
    expect(mine.map((o) => o.id ?? o.workspace_id)).toEqual([made.id]);
    if (type === "List") expect(mine[0].items).toEqual(["b.example"]);
    await engine.destroy(type, name);
    const requests = await log();
    expect(statuses(requests, updateMethod, `^/v3/${collection}/[^/]+$`)).toEqual([status, status, 200]);
    expect(statuses(requests, "DELETE", `^/v3/${collection}/[^/]+$`)).toEqual([status, status, 200]);
    expect(statuses(requests, "GET", `^/v3/${collection}`).slice(0, 2)).toEqual([status, status]);
    expect(((await state())[collection] as any[]).filter((o) => o.id === made.id || o.workspace_id === made.id)).toEqual([]);
  });

  // ------------------------------------------------------------------------------- 4. connection resets

  it("4. survives connection resets before the request is processed, on every step of a lifecycle", async () => {
    const email = "reset@agents.example.com";
    await faults(["POST", "GET", "PATCH", "DELETE"].map((method) => ({ method, path: "^/v3/(connect/custom|grants/.*)$", kind: "reset" as const, times: 1 })));
    const made = await engine.up("AgentAccount", "reset", { email, appPassword: secret(PW) });
    expect((await engine.up("AgentAccount", "reset", { email, appPassword: secret(PW), name: "Reset" })).op).toBe("update");
    expect((await engine.refresh("AgentAccount", "reset")).op).toBe("same");
    const grants = (await state()).grants.filter((g: any) => g.email === email);
    expect(grants).toEqual([expect.objectContaining({ id: made.id, name: "Reset", has_app_password: true })]);
    await engine.destroy("AgentAccount", "reset");
    const requests = await log();
    // status 0 = the connection was cut; the reset create was looked up (nothing there) and sent again.
    expect(statuses(requests, "POST", "^/v3/connect/custom$")).toEqual([0, 201]);
    expect(statuses(requests, "PATCH", "^/v3/grants/")).toEqual([0, 200]);
    expect(statuses(requests, "DELETE", "^/v3/grants/")).toEqual([0, 200]);
    expect((await state()).grants.filter((g: any) => g.email === email)).toEqual([]);
  });
});
