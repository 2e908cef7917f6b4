import { useStack } from "../harness/stack";

/**
 * Agent Accounts and workspaces as Nylas answers them (Nylas API v3 Agent Accounts and Workspaces; variance
 * N4, N5, E7, A1, A4, A5). Each test fails on main, which asked `GET /v3/grants/{email}` whether an address
 * was taken (a 404 there let it create — and Nylas answered with the existing mailbox, which main then
 * managed and would delete on destroy), left `auto_group` to Nylas's default, and moved accounts with
 * manual-assign only.
 */
describe("Agent Accounts and workspaces (contract)", () => {
  // Nylas's default for auto_group used to be true: the provider must not depend on it.
  const stack = useStack({ emulator: { varianceSwitches: { autoGroupDefault: "true" } } });
  beforeAll(async () => {
    await stack.api("POST", "/v3/connectors", { name: "nylas", provider: "nylas" });
  });

  const grant = async (id: string) => (await stack.api("GET", `/v3/grants/${id}`)).body.data;
  const workspace = async (id: string) => (await stack.api("GET", `/v3/workspaces/${id}`)).body.data;

  it("never takes over an existing mailbox: asks the grants list, never GET /v3/grants/{email}", async () => {
    const existing = (await stack.api("POST", "/v3/connect/custom", { provider: "nylas", settings: { email: "Taken@agents.example.com" }, name: "Someone's" })).body.data;
    await stack.control.clearRequests();
    const err = await stack.engine.up("AgentAccount", "taken", { email: "taken@agents.example.com", name: "Mine" }).catch((e) => e);
    expect(err.message).toContain(`an account for taken@agents.example.com already exists (grant ${existing.id}, provider "nylas"); set \`adopt: true\``);
    const calls = await stack.control.requests();
    expect(calls.some((q) => q.path.startsWith("/v3/grants/"))).toBe(false);
    expect(calls.some((q) => q.method === "POST" && q.path === "/v3/connect/custom")).toBe(false);
    expect(await grant(existing.id)).toMatchObject({ name: "Someone's" });
    expect(stack.engine.get("AgentAccount", "taken")).toBeUndefined();
  });

  it("finds a mailbox created a moment ago although the filtered grants list lags", async () => {
    await stack.control.variance({ switches: { grantFilterLagSeconds: 75 } });
    try {
      const fresh = (await stack.api("POST", "/v3/connect/custom", { provider: "nylas", settings: { email: "fresh@agents.example.com" } })).body.data;
      const err = await stack.engine.up("AgentAccount", "fresh", { email: "fresh@agents.example.com" }).catch((e) => e);
      expect(err.message).toContain(`an account for fresh@agents.example.com already exists (grant ${fresh.id}`);
      const adopted = await stack.engine.up("AgentAccount", "fresh-adopted", { email: "fresh@agents.example.com", name: "Adopted", adopt: true });
      expect(adopted).toMatchObject({ op: "create", id: fresh.id });
      await stack.engine.destroy("AgentAccount", "fresh-adopted");
    } finally {
      await stack.control.variance({ profile: stack.profile, switches: { autoGroupDefault: "true" } });
    }
  });

  it("sends auto_group explicitly: a workspace declared without autoGroup gets false, whatever Nylas's default", async () => {
    const ws = await stack.engine.up("Workspace", "quiet", { name: "quiet", domain: "quiet.example" });
    expect(ws.outputs.autoGroup).toBe(false);
    expect((await workspace(ws.id)).auto_group).toBe(false);
    const collecting = await stack.engine.up("Workspace", "collecting", { name: "collecting", domain: "collecting.example", autoGroup: true });
    expect((await workspace(collecting.id)).auto_group).toBe(true);
    await stack.engine.destroy("Workspace", "quiet");
    await stack.engine.destroy("Workspace", "collecting");
  });

  it("moves an account with a grant PATCH of workspace_id — also into an autoGroup workspace, where manual-assign is refused", async () => {
    const target = await stack.engine.up("Workspace", "target", { name: "target", domain: "target.example", autoGroup: true });
    const made = await stack.engine.up("AgentAccount", "mover", { email: "mover@agents.example.com" });
    const moved = await stack.engine.up("AgentAccount", "mover", { email: "mover@agents.example.com", workspaceId: target.id }).catch((e) => e);
    if (stack.profile === "harsh") {
      // variance A5 harsh: Nylas refuses the grant PATCH into an auto_group workspace too; the error says what to do.
      expect(moved.message).toContain(`moving grant ${made.id} to workspace ${target.id}`);
      expect(moved.message).toContain("set autoGroup: false on that workspace");
    } else {
      expect(moved).toMatchObject({ op: "update", outputs: expect.objectContaining({ workspaceId: target.id }) });
      expect((await grant(made.id)).workspace_id).toBe(target.id);
    }
    await stack.engine.destroy("AgentAccount", "mover");
    await stack.engine.destroy("Workspace", "target");
  });
});
