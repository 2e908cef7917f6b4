import { recordRegistrations } from "../harness/mocks";

/**
 * Dependency wiring of the public classes under Pulumi mocks: ids passed between resources become
 * engine dependencies, so Pulumi creates a List before the Rule that names it and deletes it after.
 */
describe("resource classes wire dependencies through ids", () => {
  it("Rule → List, Workspace → Policy + Rule, AgentAccount → Workspace, Webhook independent", async () => {
    const { requests } = await recordRegistrations();

    const nylas = await import("../../provider");
    const list = new nylas.List("blocked", { name: "blocked", type: "domain", items: ["spam.example"] });
    const policy = new nylas.Policy("agents", { name: "agents" });
    const rule = new nylas.Rule("block", {
      name: "block",
      match: { conditions: [{ field: "from.domain", operator: "in_list", value: [list.id] }] },
      actions: [{ type: "block" }],
    });
    const ws = new nylas.Workspace("ws", { name: "ws", domain: "agents.example.com", policyId: policy.id, ruleIds: [rule.id] });
    const account = new nylas.AgentAccount("sales", { email: "sales@agents.example.com", workspaceId: ws.id });
    const hook = new nylas.Webhook("hook", { webhookUrl: "https://hooks.example.com/a", triggerTypes: ["message.created"] });
    const all = [list, policy, rule, ws, account, hook];
    const urns = await Promise.all(all.map((r) => new Promise<string>((done) => r.urn.apply(done))));
    const [listUrn, policyUrn, ruleUrn, wsUrn] = urns;

    const deps = (name: string) => {
      const req = requests.find((q) => q.getName() === name);
      const byProp: Record<string, string[]> = {};
      req.getPropertydependenciesMap().forEach((v: any, k: string) => (byProp[k] = v.getUrnsList()));
      return { all: req.getDependenciesList() as string[], byProp };
    };
    expect(deps("block").byProp.match).toEqual([listUrn]);
    expect(deps("ws").byProp.policyId).toEqual([policyUrn]);
    expect(deps("ws").byProp.ruleIds).toEqual([ruleUrn]);
    expect(deps("sales").byProp.workspaceId).toEqual([wsUrn]);
    expect(deps("hook").all).toEqual([]);
    // A dependent registers only once the ids it names are known.
    const at = (name: string) => requests.findIndex((q) => q.getName() === name);
    expect(at("blocked")).toBeLessThan(at("block"));
    expect(Math.max(at("agents"), at("block"))).toBeLessThan(at("ws"));
    expect(at("ws")).toBeLessThan(at("sales"));
  });
});
