import * as path from "node:path";
import { readFileSync } from "node:fs";
import { opsOf, startExampleEnv, type ExampleEnv } from "../examples/support";
import { PROFILE } from "../harness/stack";

/**
 * AgentMailbox `agentKey` through the program runner (every resource through the real provider host):
 * each agent gets a principal bound to its own grant and an IAM API key, and the emulator enforces it as
 * Nylas does — its own grant's mail yes, any other grant and every admin endpoint no (403).
 */
describe("AgentMailbox agentKey: a key per agent that reaches only its own mailbox", () => {
  let env: ExampleEnv;
  /** The first run's stack outputs (ids and the two keys). */
  let first: Record<string, unknown>;
  const program = path.join(__dirname, "programs", "agent-keys.ts");
  const run = (bobKeyVersion: number, extra: { destroy?: boolean } = {}) =>
    env.run({ program, exportName: "agentKeysProgram", args: [{ bobKeyVersion }], stack: "test", state: "agent-keys.json", ...extra });
  const as = async (key: string, method: string, p: string, body?: unknown) => {
    const res = await fetch(`${env.emulator.url}${p}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  beforeAll(async () => {
    env = await startExampleEnv({ variance: PROFILE });
  });
  afterAll(() => env?.stop());

  it("makes a grant-bound principal with the agent-loop permissions and a key per agent, after the shared channel", async () => {
    const r = await run(1);
    first = r.outputs;
    expect(opsOf(r)).toEqual({
      "nylas:PubSubChannel events": "create",
      "nylas:AgentAccount alice-account": "create",
      "nylas:AgentAccount bob-account": "create",
      "nylas:IamPrincipal alice-agent-key-principal": "create",
      "nylas:IamCredential alice-agent-key-credential": "create",
      "nylas:IamPrincipal bob-agent-key-principal": "create",
      "nylas:IamCredential bob-agent-key-credential": "create",
    });
    const at = (n: string) => r.steps.findIndex((s) => `${s.type} ${s.name}` === n);
    expect(at("nylas:PubSubChannel events")).toBeLessThan(at("nylas:AgentAccount alice-account")); // the account waits for the channel
    expect(at("nylas:AgentAccount alice-account")).toBeLessThan(at("nylas:IamPrincipal alice-agent-key-principal"));

    const s = await env.state();
    const principals = (s as any).principals as any[];
    const alice = principals.find((p) => p.id === r.outputs.alicePrincipalId);
    expect(alice).toMatchObject({
      name: "agent alice@agents.example.com",
      resource_binding: { type: "grant", id: r.outputs.aliceGrantId },
      roles: [],
      direct_permissions: ["folders.read", "messages.read", "messages.send", "threads.read"],
    });
    const bob = principals.find((p) => p.resource_binding.id === r.outputs.bobGrantId);
    expect(bob.direct_permissions).toEqual(["messages.read", "threads.read"]);

    // The keys are secret stack outputs, never plaintext in the state file.
    expect(r.secretOutputs.sort()).toEqual(["aliceKey", "bobKey"]);
    const state = readFileSync(r.stateFile, "utf8");
    for (const key of [r.outputs.aliceKey, r.outputs.bobKey] as string[]) {
      expect(key).toEqual(expect.any(String));
      expect(state).not.toContain(key);
    }
  });

  it("the emulator accepts an agent's key on its own grant and refuses it (403) on another grant and on admin endpoints", async () => {
    const { aliceKey, bobKey, aliceGrantId, bobGrantId } = first as Record<string, string>;
    await env.control.injectMail({ from: "customer@example.org", to: ["alice@agents.example.com", "bob@agents.example.com"], subject: "quote?", body: "hi" });

    const own = await as(aliceKey, "GET", `/v3/grants/${aliceGrantId}/messages`);
    expect(own.status).toBe(200);
    expect(own.body.data.map((m: any) => m.subject)).toEqual(["quote?"]);
    expect((await as(aliceKey, "GET", `/v3/grants/${aliceGrantId}/threads`)).status).toBe(200);
    expect((await as(aliceKey, "GET", `/v3/grants/${aliceGrantId}/folders`)).status).toBe(200);
    const sent = await as(aliceKey, "POST", `/v3/grants/${aliceGrantId}/messages/send`, { to: [{ email: "customer@example.org" }], subject: "re: quote?", body: "on its way" });
    expect([200, 202]).toContain(sent.status);

    // Another agent's mailbox: refused, and nothing happens there.
    const other = await as(aliceKey, "GET", `/v3/grants/${bobGrantId}/messages`);
    expect(other.status).toBe(403);
    const hijack = await as(aliceKey, "POST", `/v3/grants/${bobGrantId}/messages/send`, { to: [{ email: "victim@example.org" }], body: "x" });
    expect(hijack.status).toBe(403);
    // Admin endpoints: refused, and nothing is made.
    for (const [method, p, body] of [
      ["GET", "/v3/webhooks"],
      ["POST", "/v3/policies", { name: "sneaky" }],
      ["GET", "/v3/grants"],
      ["GET", "/v3/channels/pubsub"],
      ["GET", "/v3/iam/principals"],
      ["GET", "/v3/domains"],
      ["PATCH", `/v3/grants/${aliceGrantId}`, { name: "renamed" }],
    ] as [string, string, unknown?][]) {
      expect([method, p, (await as(aliceKey, method, p, body)).status]).toEqual([method, p, 403]);
    }
    expect((await env.state()).policies).toEqual([]);
    // Bob's key holds no messages.send: refused before anything is sent.
    expect((await as(bobKey, "GET", `/v3/grants/${bobGrantId}/messages`)).status).toBe(200);
    expect((await as(bobKey, "POST", `/v3/grants/${bobGrantId}/messages/send`, { to: [{ email: "customer@example.org" }], body: "x" })).status).toBe(403);
    // The application key is unaffected.
    expect((await as(env.emulator.apiKey, "GET", `/v3/grants/${bobGrantId}/messages`)).status).toBe(200);
  });

  it("a second run changes nothing and calls no API; a new secretVersion rotates one agent's key (new first, then the old is deleted)", async () => {
    await env.control.clearRequests();
    const same = await run(1);
    expect(same.steps.every((s) => s.op === "same")).toBe(true);
    expect(await env.control.requests()).toEqual([]);

    const rotated = await run(2);
    expect(rotated.steps.filter((s) => s.op !== "same").map((s) => [s.op, `${s.type} ${s.name}`])).toEqual([["replace", "nylas:IamCredential bob-agent-key-credential"]]);
    expect(same.outputs).toEqual(first);
    const oldKey = same.outputs.bobKey as string;
    const newKey = rotated.outputs.bobKey as string;
    expect(newKey).not.toBe(oldKey);
    const bobGrantId = rotated.outputs.bobGrantId as string;
    expect((await as(newKey, "GET", `/v3/grants/${bobGrantId}/messages`)).status).toBe(200);
    expect((await as(oldKey, "GET", `/v3/grants/${bobGrantId}/messages`)).status).toBe(401);
    expect(rotated.outputs.aliceKey).toBe(same.outputs.aliceKey);
  });

  it("destroy deletes keys before principals before accounts, and leaves nothing", async () => {
    const r = await run(2, { destroy: true });
    const order = r.steps.map((s) => `${s.type} ${s.name}`);
    expect(order.indexOf("nylas:IamCredential alice-agent-key-credential")).toBeLessThan(order.indexOf("nylas:IamPrincipal alice-agent-key-principal"));
    expect(order.indexOf("nylas:IamPrincipal alice-agent-key-principal")).toBeLessThan(order.indexOf("nylas:AgentAccount alice-account"));
    const s = (await env.state()) as any;
    expect(s.principals.filter((p: any) => p.resource_binding.type === "grant")).toEqual([]);
    expect(s.grants).toEqual([]);
    expect(s.channels).toEqual([]);
  });
});
