import { example, opsOf, useExampleEnv } from "./support";

// Each program run forks a Node process with the Pulumi SDK, transpiles the program and starts a
// provider host; a test of three runs took over 60 s here with other suites competing for the two
// cores. The limit only has to catch a hang.
jest.setTimeout(240_000);

/** examples/per-workflow and examples/reputation-isolation (AgentMailbox patterns) against the emulator. */
describe("examples/per-workflow and examples/reputation-isolation", () => {
  const env = useExampleEnv();

  it("per-workflow: sales, support and scheduling each get a mailbox in a workspace of their own, with their own policy and rules plus the shared blocklist", async () => {
    const config = { "per-workflow:webhookBaseUrl": `${env.receiver.url}/agents` };
    const r = await env.run({ program: example("per-workflow"), stack: "test", state: "per-workflow.json", config });
    expect(r.counts).toMatchObject({ create: 17, update: 0, replace: 0, delete: 0 });
    const s = await env.state();
    const block = s.rules.find((x) => x.name === "per-workflow block listed senders")!;
    const blocked = s.lists.find((l) => l.id === (block.match.conditions[0].value as string[])[0])!;
    expect(blocked).toMatchObject({ type: "address" });
    const expected = { sales: { limit: 1000, rule: "sales star-key-accounts" }, support: { limit: 2000, rule: "support junk-suspicious-tlds" }, scheduling: { limit: 300, rule: "scheduling file-invitations" } };
    const workspaceIds = new Set<string>();
    for (const [wf, want] of Object.entries(expected)) {
      const grant = s.grants.find((g) => g.email === `${wf}@agents.example.com`)!;
      const ws = s.workspaces.find((w) => w.workspace_id === grant.workspace_id)!;
      expect(ws).toMatchObject({ domain: `${wf}.agents.example.com`, auto_group: false });
      workspaceIds.add(ws.workspace_id);
      const policy = s.policies.find((p) => p.id === ws.policy_id)!;
      expect(policy.name).toBe(`per-workflow ${wf}`);
      expect(policy.limits.limit_count_daily_email_sent).toBe(want.limit);
      const own = s.rules.find((x) => x.name === want.rule)!;
      expect([...(ws.rule_ids ?? [])].sort()).toEqual([own.id, block.id].sort());
      expect((r.outputs.agents as Record<string, { grantId: string }>)[wf].grantId).toBe(grant.id);
    }
    expect(workspaceIds.size).toBe(3);
    expect(s.webhooks.map((w) => w.webhook_url).sort()).toEqual(["scheduling", "sales", "support"].map((w) => `${env.receiver.url}/agents/${w}`).sort());

    const again = await env.run({ program: example("per-workflow"), stack: "test", state: "per-workflow.json", config });
    expect(again.counts).toMatchObject({ same: 17, create: 0, update: 0, replace: 0, delete: 0 });

    const gone = await env.run({ program: example("per-workflow"), stack: "test", state: "per-workflow.json", config, destroy: true });
    expect(gone.counts.delete).toBe(17);
    const after = await env.state();
    expect([after.webhooks, after.policies, after.rules, after.lists]).toEqual([[], [], [], []]);
    expect(after.grants.filter((g) => g.email.endsWith("@agents.example.com"))).toEqual([]);
  });

  it("reputation-isolation: a Domain, workspace and policy per outbound subdomain, each with its own send limit and the shared suppression rule", async () => {
    // Domains are signed with the service account, which the example env's config carries.
    const config = { "reputation-isolation:manageDomains": "true" };
    const r = await env.run({ program: example("reputation-isolation"), stack: "test", state: "reputation.json", config });
    const ops = opsOf(r);
    for (const sub of ["outbound1", "outbound2", "outbound3"]) {
      expect(ops).toMatchObject({ [`nylas:Domain ${sub}`]: "create", [`nylas:Workspace ${sub}-workspace`]: "create", [`nylas:Policy ${sub}-policy`]: "create", [`nylas:AgentAccount ${sub}-account`]: "create" });
    }
    const s = await env.state();
    const suppress = s.rules.find((x) => x.name === "reputation-isolation suppress listed recipients")!;
    expect(suppress).toMatchObject({ trigger: "outbound", actions: [{ type: "block" }] });
    const streams = r.outputs.streamsBySubdomain as Record<string, { grantId: string; dnsRecords: unknown[] }>;
    for (const [sub, limit] of [["outbound1", 5000], ["outbound2", 5000], ["outbound3", 500]] as const) {
      const domain = `${sub}.agents.example.com`;
      expect(s.domains.map((d) => d.domain_address)).toContain(domain);
      const ws = s.workspaces.find((w) => w.domain === domain)!;
      expect(ws.auto_group).toBe(true);
      expect(ws.rule_ids).toEqual([suppress.id]);
      expect(s.policies.find((p) => p.id === ws.policy_id)!.limits.limit_count_daily_email_sent).toBe(limit);
      const grant = s.grants.find((g) => g.email === `outreach@${domain}`)!;
      expect(grant.workspace_id).toBe(ws.workspace_id);
      expect(streams[sub].grantId).toBe(grant.id);
      expect(streams[sub].dnsRecords.length).toBeGreaterThan(0);
    }

    const again = await env.run({ program: example("reputation-isolation"), stack: "test", state: "reputation.json", config });
    expect(again.steps.every((x) => x.op === "same")).toBe(true);

    await env.run({ program: example("reputation-isolation"), stack: "test", state: "reputation.json", config, destroy: true });
    const after = await env.state();
    expect(after.domains.map((d) => d.domain_address).filter((d) => d.startsWith("outbound"))).toEqual([]);
    expect(after.workspaces.filter((w) => !w.default)).toEqual([]);
  });
});
