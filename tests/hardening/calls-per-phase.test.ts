import type { Engine } from "../../provider/offline/engine";
import { WebhookReceiver } from "../../emulator/receiver";
import { startStack, type LoggedRequest, type TestStack } from "../harness/stack";

/**
 * Issue 14: the API calls of each phase, read from the emulator's request log, for a stack of N
 * mailboxes (an AgentAccount + its Webhook each, in one Workspace) driven through the real provider
 * host with the engine's parallelism. Nylas's per-application rate limit makes calls the cost of a
 * large stack, so each phase is held to its floor: one call per object written plus O(1) for `up`,
 * none for a no-op preview, N/100 + 10 for a refresh — which must still report drift and
 * out-of-band deletes exactly.
 */
const N = 60;
const PARALLEL = 10;
const RESOURCES = 2 * N + 1;

async function pool<T>(items: readonly T[], fn: (item: T) => Promise<unknown>): Promise<Error[]> {
  const failures: Error[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      while (next < items.length) {
        const it = items[next++];
        try {
          await fn(it);
        } catch (e) {
          failures.push(e as Error);
        }
      }
    }),
  );
  return failures;
}

const account = (i: number) => `calls-a${i}`;
const hook = (i: number) => `calls-h${i}`;
const email = (i: number) => `calls-${i}@agents.example.com`;

describe("API calls per phase (issue 14)", () => {
  let stack: TestStack;
  let engine: Engine;
  let receiver: WebhookReceiver;
  let workspaceId: string;
  const items: Array<{ type: "AgentAccount" | "Webhook"; name: string; inputs: (v: number) => Record<string, unknown> }> = [];
  const everything = () => [{ type: "Workspace" as const, name: "calls-ws" }, ...items];

  beforeAll(async () => {
    [stack, receiver] = await Promise.all([startStack(), WebhookReceiver.start()]);
    engine = stack.engine;
    for (let i = 0; i < N; i++) {
      items.push({ type: "AgentAccount", name: account(i), inputs: (v) => ({ email: email(i), name: `Agent ${i} v${v}`, workspaceId }) });
      items.push({ type: "Webhook", name: hook(i), inputs: (v) => ({ webhookUrl: `${receiver.url}/calls/${i}`, triggerTypes: ["message.created"], description: `hook ${i} v${v}` }) });
    }
  });
  afterAll(async () => {
    await stack.stop();
    await receiver.close();
  });

  /** The API requests (not control calls) of one phase. */
  async function phase(fn: () => Promise<unknown>): Promise<LoggedRequest[]> {
    await stack.control.clearRequests();
    await fn();
    return (await stack.control.requests()).filter((r) => r.path.startsWith("/v3/"));
  }
  const count = (log: LoggedRequest[], method: string, path: RegExp) => log.filter((r) => r.method === method && path.test(r.path)).length;
  const refreshAll = async () => {
    const ops = new Map<string, string>();
    expect(await pool(everything(), async (it) => ops.set(`${it.type}/${it.name}`, (await engine.refresh(it.type, it.name)).op))).toEqual([]);
    return ops;
  };

  it("up: one call per object written, plus O(1) for the run", async () => {
    const log = await phase(async () => {
      workspaceId = (await engine.up("Workspace", "calls-ws", { name: "Calls", domain: "calls.example" })).id;
      expect(await pool(items, (it) => engine.up(it.type, it.name, it.inputs(1)))).toEqual([]);
    });
    expect(count(log, "POST", /^\/v3\/connect\/custom$/)).toBe(N);
    expect(count(log, "POST", /^\/v3\/webhooks$/)).toBe(N);
    expect(count(log, "POST", /^\/v3\/workspaces$/)).toBe(1);
    // The email checks: a lone check until creates overlap (the filtered list, then the unfiltered one
    // for Nylas's lagging filters), then one list of every grant for the burst — again if the burst
    // pauses (no create in flight) on a busy machine.
    expect(count(log, "GET", /^\/v3\/grants$/)).toBeLessThanOrEqual(8);
    expect(count(log, "GET", /^\/v3\/grants\/./)).toBe(0);
    expect(log.length).toBeLessThanOrEqual(RESOURCES + 5);
    expect(log.every((r) => r.status < 300)).toBe(true);
  });

  it("preview of unchanged inputs: no call at all", async () => {
    const log = await phase(() => pool(everything(), async (it) => expect((await engine.preview(it.type, it.name, "inputs" in it ? it.inputs(1) : { name: "Calls", domain: "calls.example" })).op).toBe("same")));
    expect(log).toEqual([]);
  });

  it("refresh: at most N/100 + 10 calls, and every resource unchanged", async () => {
    let ops = new Map<string, string>();
    const log = await phase(async () => (ops = await refreshAll()));
    expect([...ops.values()].every((op) => op === "same")).toBe(true);
    expect(ops.size).toBe(RESOURCES);
    expect(log.length).toBeLessThanOrEqual(RESOURCES / 100 + 10);
  });

  it("refresh still reports drift and out-of-band deletes exactly", async () => {
    const id = (type: string, name: string) => engine.get(type, name)!.id;
    // What a colleague does in the dashboard: renames, edits, deletes.
    for (const i of [3, 17, 41]) expect((await stack.api("PATCH", `/v3/grants/${id("AgentAccount", account(i))}`, { name: `renamed ${i}` })).status).toBe(200);
    for (const i of [5, 29]) expect((await stack.api("PUT", `/v3/webhooks/${id("Webhook", hook(i))}`, { description: `edited ${i}` })).status).toBe(200);
    for (const i of [8, 50]) expect((await stack.api("DELETE", `/v3/grants/${id("AgentAccount", account(i))}`)).status).toBe(200);
    for (const i of [9]) expect((await stack.api("DELETE", `/v3/webhooks/${id("Webhook", hook(i))}`)).status).toBe(200);

    let ops = new Map<string, string>();
    const log = await phase(async () => (ops = await refreshAll()));
    const changed = [...ops].filter(([, op]) => op !== "same").sort();
    expect(changed).toEqual(
      [
        [`AgentAccount/${account(3)}`, "update"],
        [`AgentAccount/${account(17)}`, "update"],
        [`AgentAccount/${account(41)}`, "update"],
        [`Webhook/${hook(5)}`, "update"],
        [`Webhook/${hook(29)}`, "update"],
        [`AgentAccount/${account(8)}`, "delete"],
        [`AgentAccount/${account(50)}`, "delete"],
        [`Webhook/${hook(9)}`, "delete"],
      ].sort(),
    );
    // The drift is in state as Nylas has it now, and the deleted are gone from state.
    expect(engine.get("AgentAccount", account(17))!.outputs.name).toBe("renamed 17");
    expect(engine.get("Webhook", hook(29))!.outputs.description).toBe("edited 29");
    expect(engine.get("AgentAccount", account(8))).toBeUndefined();
    expect(engine.get("Webhook", hook(9))).toBeUndefined();
    // The deleted ones are absent from the lists, so each is confirmed with a GET (404).
    expect(log.filter((r) => r.status === 404)).toHaveLength(3);
    expect(log.length).toBeLessThanOrEqual(RESOURCES / 100 + 10);
  });

  it("up after the refresh: recreates the deleted, reverts the drift, one call each", async () => {
    const log = await phase(() => pool(items, (it) => engine.up(it.type, it.name, it.inputs(1))));
    expect(count(log, "POST", /^\/v3\/connect\/custom$/)).toBe(2);
    expect(count(log, "POST", /^\/v3\/webhooks$/)).toBe(1);
    expect(count(log, "PATCH", /^\/v3\/grants\//)).toBe(3);
    expect(count(log, "PUT", /^\/v3\/webhooks\//)).toBe(2);
    // The 8 writes, and the two "is this email taken?" checks: a grants list each at most (2 pages).
    expect(log.length - count(log, "GET", /^\/v3\/grants$/)).toBe(8);
    expect(count(log, "GET", /^\/v3\/grants$/)).toBeLessThanOrEqual(4);
    // A refresh right after the writes sees them (never a list taken before them).
    let ops = new Map<string, string>();
    await phase(async () => (ops = await refreshAll()));
    expect([...ops.values()].every((op) => op === "same")).toBe(true);
  });

  it("an email already taken is refused even when a list answers the creates, and nothing is taken over", async () => {
    const taken = "calls-taken@agents.example.com";
    const made = await stack.api("POST", "/v3/connect/custom", { provider: "nylas", settings: { email: taken }, name: "Someone else's" });
    expect(made.status).toBe(201);
    const burst = Array.from({ length: 12 }, (_, i) => ({ name: `calls-burst-${i}`, email: i === 7 ? taken : `calls-burst-${i}@agents.example.com` }));
    const failures = await pool(burst, (b) => engine.up("AgentAccount", b.name, { email: b.email }));
    expect(failures.map((e) => e.message)).toEqual([expect.stringContaining(`an account for ${taken} already exists (grant ${made.body.data.id}`)]);
    expect(engine.get("AgentAccount", "calls-burst-7")).toBeUndefined();
    expect((await stack.api("GET", `/v3/grants/${made.body.data.id}`)).body.data.name).toBe("Someone else's");
    expect(await pool(burst.filter((b) => b.email !== taken), (b) => engine.destroy("AgentAccount", b.name))).toEqual([]);
  });

  it("update in place and destroy: one call per resource", async () => {
    const update = await phase(() => pool(items, async (it) => expect((await engine.up(it.type, it.name, it.inputs(2))).op).toBe("update")));
    expect(update.length).toBe(2 * N);
    const destroy = await phase(async () => {
      expect(await pool(items, (it) => engine.destroy(it.type, it.name))).toEqual([]);
      await engine.destroy("Workspace", "calls-ws");
    });
    expect(destroy.length).toBe(RESOURCES);
    expect(destroy.every((r) => r.method === "DELETE")).toBe(true);
  });
});
