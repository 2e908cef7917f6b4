import { readFileSync } from "node:fs";
import * as path from "node:path";
import { ProgramRunError } from "../../provider/offline/program";
import { example, opsOf, useExampleEnv } from "./support";

interface Customer {
  id: string;
  name: string;
  domain: string;
  dailySendLimit: number;
  webhookUrl?: string;
}

// Each program run forks a Node process with the Pulumi SDK, transpiles the program and starts a
// provider host; a test of three runs took over 60 s here with other suites competing for the two
// cores. The limit only has to catch a hang.
jest.setTimeout(240_000);

/**
 * examples/per-customer-fleet (its inline program function, as the Automation API runs it per stack,
 * and its index.ts as the CLI runs one customer) and examples/gitops, against the emulator.
 */
describe("examples/per-customer-fleet and examples/gitops", () => {
  const customers: Customer[] = JSON.parse(readFileSync(path.join(example("per-customer-fleet"), "customers.json"), "utf8"));
  const program = path.join(example("per-customer-fleet"), "program.ts");
  const runCustomer = (c: Customer, extra: { destroy?: boolean } = {}) =>
    env.run({ program, exportName: "customerProgram", args: [c], stack: c.id, state: `fleet-${c.id}.json`, ...extra });

  const env = useExampleEnv({ domains: ["agents.example.com", ...customers.map((c) => c.domain)] });

  it("the fleet's program function makes one stack per customer: a mailbox on the customer's domain with its own workspace and policy", async () => {
    expect(customers.map((c) => c.id)).toEqual(["acme", "globex"]);
    for (const c of customers) {
      const r = await runCustomer(c);
      expect(opsOf(r)).toEqual({ [`nylas:Policy ${c.id}-policy`]: "create", [`nylas:Workspace ${c.id}-workspace`]: "create", [`nylas:AgentAccount ${c.id}-account`]: "create" });
      expect(r.outputs.email).toBe(`assistant@${c.domain}`);
    }
    const s = await env.state();
    for (const c of customers) {
      const grant = s.grants.find((g) => g.email === `assistant@${c.domain}`)!;
      expect(grant.name).toBe(`${c.name} Assistant`);
      const ws = s.workspaces.find((w) => w.workspace_id === grant.workspace_id)!;
      expect(ws).toMatchObject({ domain: c.domain, name: `${c.name} agents`, auto_group: true });
      expect(s.policies.find((p) => p.id === ws.policy_id)!.limits.limit_count_daily_email_sent).toBe(c.dailySendLimit);
    }
  });

  it("index.ts runs the same program for the customer its stack is named after (the CLI path): no changes", async () => {
    const r = await env.run({ program: example("per-customer-fleet"), stack: "acme", state: "fleet-acme.json" });
    expect(r.steps.map((x) => x.op)).toEqual(["same", "same", "same"]);
    await expect(env.run({ program: example("per-customer-fleet"), stack: "initech", state: "fleet-initech.json" })).rejects.toThrow(
      'the program failed: no customer "initech" in customers.json: name the stack after a customer id or set per-customer-fleet:customer',
    );
  });

  it("program runner: a failed step stops the run like the engine, keeps what was made, and the next run finishes the job", async () => {
    const acme = customers[0];
    const dead = "http://127.0.0.1:1/hooks/acme"; // nothing listens on port 1
    const err: ProgramRunError = await runCustomer({ ...acme, webhookUrl: dead }).catch((e) => e);
    expect(err).toBeInstanceOf(ProgramRunError);
    expect(err.message).toMatch(/^nylas:Webhook acme-webhook failed: creating Nylas Webhook/);
    expect(err.result!.resources.map((x) => x.name)).toEqual(["acme-policy", "acme-workspace", "acme-account"]);
    expect((await env.state()).webhooks).toEqual([]);

    const fixed = await runCustomer({ ...acme, webhookUrl: `${env.receiver.url}/hooks/acme` });
    expect(opsOf(fixed)).toEqual({ "nylas:Policy acme-policy": "same", "nylas:Workspace acme-workspace": "same", "nylas:AgentAccount acme-account": "same", "nylas:Webhook acme-webhook": "create" });
    expect(fixed.secretOutputs).toEqual(["webhookSecret"]);
    expect(fixed.outputs.webhookSecret).toBe((await env.state()).webhooks[0].webhook_secret);

    // Dropped from the program → deleted.
    const dropped = await runCustomer(acme);
    expect(dropped.steps.filter((x) => x.op !== "same").map((x) => `${x.op} ${x.type} ${x.name}`)).toEqual(["delete nylas:Webhook acme-webhook"]);
    expect((await env.state()).webhooks).toEqual([]);
  });

  it("destroying each customer's stack leaves the others alone", async () => {
    await runCustomer(customers[0], { destroy: true });
    let s = await env.state();
    expect(s.grants.map((g) => g.email)).toEqual([`assistant@${customers[1].domain}`]);
    await runCustomer(customers[1], { destroy: true });
    s = await env.state();
    expect([s.grants, s.policies, s.workspaces.filter((w) => !w.default)]).toEqual([[], [], []]);
  });

  it("gitops: the agents of agents.json in one workspace with the policy and blocklist, plus the webhook", async () => {
    const spec = JSON.parse(readFileSync(path.join(example("gitops"), "agents.json"), "utf8"));
    const config = { "gitops:webhookUrl": `${env.receiver.url}/hooks/gitops` };
    const r = await env.run({ program: example("gitops"), stack: "production", state: "gitops.json", config });
    expect(r.counts.create).toBe(5 + spec.agents.length);
    const s = await env.state();
    const ws = s.workspaces.find((w) => w.domain === spec.domain)!;
    expect(s.policies.find((p) => p.id === ws.policy_id)!.limits.limit_count_daily_email_sent).toBe(spec.dailySendLimit);
    const rule = s.rules.find((x) => ws.rule_ids?.includes(x.id))!;
    expect(s.lists.find((l) => l.id === (rule.match.conditions[0].value as string[])[0])!.items).toEqual(spec.blockedDomains);
    expect(s.grants.filter((g) => g.workspace_id === ws.workspace_id).map((g) => g.email).sort()).toEqual(spec.agents.map((a: { id: string }) => `${a.id}@${spec.domain}`).sort());
    expect(s.webhooks.map((w) => w.webhook_url)).toEqual([`${env.receiver.url}/hooks/gitops`]);
    expect(r.secretOutputs).toEqual(["webhookSecret"]);

    const again = await env.run({ program: example("gitops"), stack: "production", state: "gitops.json", config });
    expect(again.steps.every((x) => x.op === "same")).toBe(true);
    await env.run({ program: example("gitops"), stack: "production", state: "gitops.json", config, destroy: true });
    const after = await env.state();
    expect([after.grants, after.webhooks, after.policies, after.rules, after.lists]).toEqual([[], [], [], [], []]);
  });
});
