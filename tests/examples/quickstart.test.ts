import { readFileSync } from "node:fs";
import * as path from "node:path";
import { ROOT, example, opsOf, useExampleEnv } from "./support";

// Each program run forks a Node process with the Pulumi SDK, transpiles the program and starts a
// provider host; a test of three runs took over 60 s here with other suites competing for the two
// cores. The limit only has to catch a hang.
jest.setTimeout(240_000);

/**
 * examples/quickstart (the demo's program) through the program runner against the emulator: what it
 * makes, a second run that changes nothing and calls no API, an in-place update, the root Pulumi.yaml
 * (`main: examples/quickstart`) running the same stack, and a destroy in dependency order.
 */
describe("examples/quickstart through the program runner", () => {
  const SALES_PW = "SalesAgentPassw0rd2026xyz";
  const SUPPORT_PW = "SupportAgentPassw0rd2026";
  const config = (hookPath = "/hooks/quickstart") => ({
    "quickstart:webhookUrl": `${env.receiver.url}${hookPath}`,
    "quickstart:salesAppPassword": { secret: SALES_PW },
    "quickstart:supportAppPassword": { secret: SUPPORT_PW },
  });

  const env = useExampleEnv();

  it("creates the List, Policy, two Rules, Workspace, two AgentAccounts, a Folder and the Webhook, wired together", async () => {
    const r = await env.run({ program: example("quickstart"), stack: "test", state: "quickstart.json", config: config() });
    expect(opsOf(r)).toEqual({
      "nylas:List blocked-domains": "create",
      "nylas:Policy agents": "create",
      "nylas:Rule block-listed": "create",
      "nylas:Rule file-team-mail": "create",
      "nylas:Workspace agents": "create",
      "nylas:AgentAccount sales": "create",
      "nylas:AgentAccount support": "create",
      "nylas:Folder support-team": "create",
      "nylas:Webhook inbound": "create",
    });
    // Dependency order: what a resource refers to is created before it.
    const at = (n: string) => r.steps.findIndex((s) => `${s.type} ${s.name}` === n);
    expect(at("nylas:List blocked-domains")).toBeLessThan(at("nylas:Rule block-listed"));
    expect(at("nylas:Rule block-listed")).toBeLessThan(at("nylas:Workspace agents"));
    expect(at("nylas:Policy agents")).toBeLessThan(at("nylas:Workspace agents"));
    expect(at("nylas:Workspace agents")).toBeLessThan(at("nylas:AgentAccount sales"));
    expect(at("nylas:AgentAccount support")).toBeLessThan(at("nylas:Folder support-team"));

    const s = await env.state();
    const list = s.lists.find((l) => l.id === r.outputs.listId)!;
    expect(list).toMatchObject({ type: "domain", name: "quickstart blocked domains" });
    expect([...list.items].sort()).toEqual(["phishing.example", "spam.example"]);
    const rule = s.rules.find((x) => x.id === r.outputs.ruleId)!;
    expect(rule.match.conditions).toEqual([{ field: "from.domain", operator: "in_list", value: [list.id] }]);
    expect(rule.actions).toEqual([{ type: "block" }]);
    const ws = s.workspaces.find((w) => w.workspace_id === r.outputs.workspaceId)!;
    expect(ws).toMatchObject({ domain: "agents.example.com", policy_id: r.outputs.policyId });
    expect([...(ws.rule_ids ?? [])].sort()).toEqual([rule.id, r.outputs.fileTeamMailRuleId].sort());
    const fileRule = s.rules.find((x) => x.id === r.outputs.fileTeamMailRuleId)!;
    expect(fileRule.actions).toEqual([{ type: "assign_to_folder", value: "Team" }]);
    const grants = s.grants.filter((g) => g.email.endsWith("@agents.example.com"));
    expect(grants.map((g) => [g.email, g.name, g.workspace_id, g.has_app_password]).sort()).toEqual([
      ["sales-agent@agents.example.com", "Sales Agent", ws.workspace_id, true],
      ["support-agent@agents.example.com", "Support Agent", ws.workspace_id, true],
    ]);
    expect(r.outputs.salesGrantId).toBe(grants.find((g) => g.email.startsWith("sales"))!.id);
    const supportId = grants.find((g) => g.email.startsWith("support"))!.id;
    expect((s as any).folders.filter((f: any) => f.grant_id === supportId && f.name === "Team").map((f: any) => f.id)).toEqual([r.outputs.supportTeamFolderId]);
    expect(s.webhooks).toHaveLength(1);
    expect(s.webhooks[0]).toMatchObject({ id: r.outputs.webhookId, webhook_url: `${env.receiver.url}/hooks/quickstart`, trigger_types: ["message.created"] });

    // webhookSecret: a secret stack output holding the real secret; never plaintext in the state file.
    expect(r.secretOutputs).toEqual(["webhookSecret"]);
    expect(r.outputs.webhookSecret).toBe(s.webhooks[0].webhook_secret);
    const stateText = readFileSync(r.stateFile, "utf8");
    for (const secret of [s.webhooks[0].webhook_secret, SALES_PW, SUPPORT_PW, env.emulator.apiKey]) expect(stateText).not.toContain(secret);
  });

  it("a second run changes nothing and makes no API call", async () => {
    await env.control.clearRequests();
    const r = await env.run({ program: example("quickstart"), stack: "test", state: "quickstart.json", config: config() });
    expect(r.steps).toHaveLength(9);
    expect(r.steps.every((s) => s.op === "same")).toBe(true);
    expect(await env.control.requests()).toEqual([]);
    // Outputs come from state, secrets decrypted.
    expect(r.outputs.webhookSecret).toBe((await env.state()).webhooks[0].webhook_secret);
  });

  it("a changed program updates in place only what changed", async () => {
    const r = await env.run({ program: example("quickstart"), stack: "test", state: "quickstart.json", config: config("/hooks/moved") });
    expect(r.steps.filter((s) => s.op !== "same").map((s) => [s.op, `${s.type} ${s.name}`])).toEqual([["update", "nylas:Webhook inbound"]]);
    expect((await env.state()).webhooks.map((w) => w.webhook_url)).toEqual([`${env.receiver.url}/hooks/moved`]);
  });

  it("the root Pulumi.yaml (main: examples/quickstart) runs the same program and stack", async () => {
    expect(readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")).toMatch(/^main: examples\/quickstart\/?$/m);
    const r = await env.run({ program: ROOT, stack: "test", state: "quickstart.json", config: config("/hooks/moved") });
    expect(r.steps.map((s) => s.op)).toEqual(Array(9).fill("same"));
  });

  it("destroy deletes everything, dependents first", async () => {
    const r = await env.run({ program: example("quickstart"), stack: "test", state: "quickstart.json", config: config("/hooks/moved"), destroy: true });
    const order = r.steps.map((s) => `${s.type} ${s.name}`);
    expect(r.steps.every((s) => s.op === "delete")).toBe(true);
    expect(order).toHaveLength(9);
    expect(order.indexOf("nylas:Folder support-team")).toBeLessThan(order.indexOf("nylas:AgentAccount support"));
    const at = (n: string) => order.indexOf(n);
    expect(at("nylas:AgentAccount sales")).toBeLessThan(at("nylas:Workspace agents"));
    expect(at("nylas:Workspace agents")).toBeLessThan(at("nylas:Rule block-listed"));
    expect(at("nylas:Workspace agents")).toBeLessThan(at("nylas:Policy agents"));
    expect(at("nylas:Rule block-listed")).toBeLessThan(at("nylas:List blocked-domains"));
    expect(r.resources).toEqual([]);
    const s = await env.state();
    expect(s.grants.filter((g) => g.email.endsWith("@agents.example.com"))).toEqual([]);
    expect([s.webhooks, s.policies, s.rules, s.lists]).toEqual([[], [], [], []]);
    expect(s.workspaces.filter((w) => !w.default)).toEqual([]);
  });

  it("with quickstart:agentKeys, each agent gets an IAM API key that reads and sends as its own mailbox only", async () => {
    const keys = { ...config(), "quickstart:agentKeys": "true" };
    const r = await env.run({ program: example("quickstart"), stack: "keys", state: "quickstart-keys.json", config: keys });
    expect(Object.entries(opsOf(r)).filter(([k]) => k.startsWith("nylas:Iam")).sort()).toEqual([
      ["nylas:IamCredential sales-credential", "create"],
      ["nylas:IamCredential support-credential", "create"],
      ["nylas:IamPrincipal sales-principal", "create"],
      ["nylas:IamPrincipal support-principal", "create"],
    ]);
    expect(r.secretOutputs.sort()).toEqual(["salesAgentApiKey", "supportAgentApiKey", "webhookSecret"]);
    const { salesAgentApiKey, salesGrantId, supportGrantId } = r.outputs as Record<string, string>;
    const as = async (method: string, p: string) => (await fetch(`${env.emulator.url}${p}`, { method, headers: { authorization: `Bearer ${salesAgentApiKey}` } })).status;
    expect(await as("GET", `/v3/grants/${salesGrantId}/messages`)).toBe(200);
    expect(await as("GET", `/v3/grants/${supportGrantId}/messages`)).toBe(403);
    expect(await as("GET", "/v3/webhooks")).toBe(403);
    expect(readFileSync(r.stateFile, "utf8")).not.toContain(salesAgentApiKey);
    const gone = await env.run({ program: example("quickstart"), stack: "keys", state: "quickstart-keys.json", config: keys, destroy: true });
    expect(gone.steps).toHaveLength(13);
    expect(((await env.state()) as any).principals.filter((p: any) => p.resource_binding.type === "grant")).toEqual([]);
  });
});
