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
  // ------------------------------------------------------------- 5. create committed, answer lost (ghosts)

  /** Per resource: the create path, inputs, and how to find "its" objects in the emulator's state. */
  const ghostCases = (tag: string) =>
    [
      ["AgentAccount", "^/v3/connect/custom$", `/v3/grants/`, "PATCH", () => ({ email: `ghost-${tag}@agents.example.com`, name: "Ghost", appPassword: secret(PW) }), (s: any) => s.grants.filter((g: any) => g.email === `ghost-${tag}@agents.example.com`)],
      ["List", "^/v3/lists$", `/v3/lists`, "PUT", () => ({ name: `ghost-${tag}`, type: "address", description: "d", items: ["a@spam.example"] }), (s: any) => named(s.lists, `ghost-${tag}`)],
      ["Policy", "^/v3/policies$", `/v3/policies`, "PUT", () => ({ name: `ghost-${tag}`, limits: { limitCountDailyEmailSent: 11 } }), (s: any) => named(s.policies, `ghost-${tag}`)],
      ["Rule", "^/v3/rules$", `/v3/rules`, "PUT", () => ruleBody(`ghost-${tag}`), (s: any) => named(s.rules, `ghost-${tag}`)],
      ["Workspace", "^/v3/workspaces$", `/v3/workspaces`, "PATCH", () => ({ name: `ghost-${tag}`, domain: `ghost-${tag}.example` }), (s: any) => s.workspaces.filter((w: any) => w.domain === `ghost-${tag}.example`)],
      ["Webhook", "^/v3/webhooks$", `/v3/webhooks`, "PUT", () => ({ webhookUrl: hookUrl(`ghost-${tag}`), triggerTypes: ["message.created"] }), (s: any) => s.webhooks.filter((w: any) => w.webhook_url === hookUrl(`ghost-${tag}`))],
    ] as const;

  const lostAnswers: Array<[string, (createPath: string, lookupPath: string, updateMethod: string) => FaultRule[]]> = [
    ["reset after commit", (create) => [{ method: "POST", path: create, kind: "commit-then-reset", times: 1 }]],
    ["504 after commit", (create) => [{ method: "POST", path: create, kind: "commit-then-status", status: 504, times: 1 }]],
    [
      // A plain 503 first (nothing made), then a lost answer; the lookup itself fails once and the
      // adopting update is cut once — the provider still ends with exactly one object.
      "503, then reset after commit, a failing lookup and a cut update",
      (create, lookup, updateMethod) => [
        { method: "POST", path: create, kind: "status", status: 503, times: 1 },
        { method: "POST", path: create, kind: "commit-then-reset", times: 1 },
        { method: "GET", path: `^${lookup}`, kind: "status", status: 503, times: 1, after: 1 },
        { method: updateMethod, path: `^${lookup}[^/]*$`, kind: "reset", times: 1 },
      ],
    ],
  ];

  describe.each(lostAnswers.map(([label, rules], i) => [label, rules, i] as const))("5. %s", (_label, rules, i) => {
    it.each(ghostCases(`g${i}`).map((c) => [c[0], c] as const))("adopts the %s that was made instead of making a second one", async (type, c) => {
      const [, createPath, lookup, updateMethod, makeInputs, mine] = c;
      const inputs = makeInputs() as Record<string, unknown>;
      const name = `ghost-${i}-${type}`;
      await faults(rules(createPath, lookup, updateMethod));
      const mark = engine.host.output.length;
      const made = await engine.up(type, name, inputs);
      expect(made.op).toBe("create");
      const objs = mine(await state());
      expect(objs).toHaveLength(1);
      expect(objs[0].id ?? objs[0].workspace_id).toBe(made.id);
      expect(outputSince(engine, mark)).toMatch(new RegExp(`warning: Nylas ${type} .*: the create's answer was lost but the object was made \\(${made.id}\\); adopting it`));
      if (type === "Webhook") expect(made.outputs.webhookSecret).toBe(objs[0].webhook_secret); // rotated: the unknown secret is replaced
      if (type === "List") expect(objs[0].items).toEqual(["a@spam.example"]);
      if (type === "AgentAccount") expect(objs[0].has_app_password).toBe(true);
      await stack.control.clearFaults();
      expect((await engine.preview(type, name, inputs)).op).toBe("same");
      expect((await engine.refresh(type, name)).op).toBe("same");
      await engine.destroy(type, name);
      expect(mine(await state())).toEqual([]);
    });
  });

  // ------------------------------------------------------------------------- 6. timeouts and deadlines

  describe("6. timeouts", () => {
    // undici checks header timeouts on a coarse (~1 s) clock, so "slower than the timeout" means
    // a latency well above timeout + 1 s here.
    let fast: Engine;
    beforeAll(async () => {
      fast = await extraEngine(stack, { "nylas:requestTimeoutMs": "300", "nylas:deadlineMs": "2000", "nylas:maxAttempts": "20", "nylas:retryBaseDelayMs": "10" });
    });
    afterAll(() => fast.stop());

    it("retries reads and creates that outlast the request timeout, making exactly one object", async () => {
      await faults([
        { method: "POST", path: "^/v3/policies$", kind: "latency", latencyMs: 2000, times: 1 },
        { method: "GET", path: "^/v3/policies/", kind: "latency", latencyMs: 2000, times: 1 },
      ]);
      const made = await fast.up("Policy", "slow", { name: "slow" });
      expect((await fast.refresh("Policy", "slow")).op).toBe("same");
      const requests = await log();
      // status 0: the client gave up and closed the connection; nothing was committed for it.
      expect(statuses(requests, "POST", "^/v3/policies$")).toEqual([0, 200]);
      expect(statuses(requests, "GET", "^/v3/policies/")).toEqual([0, 200]);
      expect(named((await state()).policies, "slow").map((p: any) => p.id)).toEqual([made.id]);
      await fast.destroy("Policy", "slow");
    });

    it("stops at the total deadline with one clear error, leaving the object as it was", async () => {
      const made = await fast.up("Policy", "deadline", { name: "deadline", limits: { limitCountDailyEmailSent: 1 } });
      await faults([{ method: "PUT", path: "^/v3/policies/", kind: "latency", latencyMs: 2500 }]);
      const err = await failure(() => fast.up("Policy", "deadline", { name: "deadline", limits: { limitCountDailyEmailSent: 2 } }));
      expect(err.message).toMatch(
        new RegExp(
          `^updating Nylas Policy ${made.id}: PUT /v3/policies/${made.id} gave up after \\d+ attempt\\(s\\) in [\\d.]+ s \\(total deadline reached\\); ` +
            `last error: PUT /v3/policies/${made.id} timed out after 300 ms$`,
        ),
      );
      // The engine keeps the last known outputs; Nylas still has the old limit.
      expect(fast.get("Policy", "deadline")!.outputs.limits).toEqual({ limitCountDailyEmailSent: 1 });
      expect(named((await state()).policies, "deadline")).toEqual([expect.objectContaining({ id: made.id, limits_input: { limit_count_daily_email_sent: 1 } })]);
      await stack.control.clearFaults();
      expect((await fast.up("Policy", "deadline", { name: "deadline", limits: { limitCountDailyEmailSent: 2 } })).op).toBe("update");
      await fast.destroy("Policy", "deadline");
    });

    it("records a list whose items timed out past the deadline (partial create), and the next up finishes it", async () => {
      await faults([{ method: "POST", path: "^/v3/lists/[^/]+/items$", kind: "latency", latencyMs: 2500 }]);
      const inputs = { name: "half-made", type: "domain", items: ["one.example", "two.example"] };
      const err = await failure(() => fast.up("List", "half-made", inputs));
      const lists = named((await state()).lists, "half-made");
      expect(lists).toHaveLength(1);
      expect(err.message).toContain(`Nylas List ${lists[0].id} (name "half-made") was created, but adding its items failed after 0 of 2`);
      expect(err.message).toContain("total deadline reached");
      // Pulumi records what exists (id and outputs), so nothing is left unrecorded…
      expect(fast.get("List", "half-made")).toMatchObject({ id: lists[0].id, outputs: expect.objectContaining({ name: "half-made", items: [] }) });
      await stack.control.clearFaults();
      // …and the next up completes that same list instead of making a second one.
      expect((await fast.up("List", "half-made", inputs)).op).toBe("update");
      expect(named((await state()).lists, "half-made")).toEqual([expect.objectContaining({ id: lists[0].id, items: ["one.example", "two.example"] })]);
      await fast.destroy("List", "half-made");
    });

    it("records a webhook whose pause timed out after it was created, and the next up pauses it", async () => {
      await faults([{ method: "PUT", path: "^/v3/webhooks/", kind: "latency", latencyMs: 2500 }]);
      const inputs = { webhookUrl: hookUrl("half-paused"), triggerTypes: ["message.created"], status: "pause" };
      const err = await failure(() => fast.up("Webhook", "half-paused", inputs));
      const hooks = (await state()).webhooks.filter((w: any) => w.webhook_url === hookUrl("half-paused"));
      expect(hooks).toHaveLength(1);
      expect(err.message).toContain(`PUT /v3/webhooks/${hooks[0].id} gave up after`);
      expect(fast.get("Webhook", "half-paused")).toMatchObject({ id: hooks[0].id, outputs: expect.objectContaining({ status: "active", webhookSecret: hooks[0].webhook_secret }) });
      await stack.control.clearFaults();
      expect((await fast.up("Webhook", "half-paused", inputs)).op).toBe("update");
      expect((await state()).webhooks.filter((w: any) => w.webhook_url === hookUrl("half-paused"))).toEqual([expect.objectContaining({ id: hooks[0].id, status: "pause" })]);
      await fast.destroy("Webhook", "half-paused");
    });
  });

  // -------------------------------------------------------------------- 7. delete of what is already gone

  it.each([
    ["AgentAccount", { email: "gone@agents.example.com" }, (id: string) => `/v3/grants/${id}`],
    ["Webhook", { webhookUrl: `__hook__/gone`, triggerTypes: ["grant.created"] }, (id: string) => `/v3/webhooks/${id}`],
    ["Policy", { name: "gone" }, (id: string) => `/v3/policies/${id}`],
    ["Rule", ruleBody("gone"), (id: string) => `/v3/rules/${id}`],
    ["List", { name: "gone", type: "tld", items: ["xyz"] }, (id: string) => `/v3/lists/${id}`],
    ["Workspace", { name: "gone", domain: "gone.example" }, (id: string) => `/v3/workspaces/${id}`],
  ] as const)("7. deleting a %s that is already gone succeeds (also after a 503 on the way)", async (type, raw, path) => {
    const inputs = JSON.parse(JSON.stringify(raw).replace("__hook__", `${receiver.url}/faults`));
    const made = await engine.up(type, `gone-${type}`, inputs);
    expect((await stack.api("DELETE", path(made.id))).status).toBe(200);
    await faults([{ method: "DELETE", path: "^/v3/", kind: "status", status: 503, times: 1 }]);
    await engine.destroy(type, `gone-${type}`);
    expect(statuses(await log(), "DELETE", "^/v3/")).toEqual([503, 404]);
    expect(engine.get(type, `gone-${type}`)).toBeUndefined();
  });
});
