import { outputContaining, outputUntilNow } from "../harness/output";
import { useStack } from "../harness/stack";

/**
 * `GET /v3/rules` as Nylas answers it (Nylas API v3 Rules, variance E1–E4): `{data: {items, next_cursor}}`,
 * the cursor inside `data`, `items: null` for an application without rules, pages smaller than asked. Each
 * test fails on main, whose client refused `items: null` and never saw the inner cursor (so only the
 * first page of rules was ever read).
 */
describe("the rules list, nested and paged (contract)", () => {
  // Pages of 2 whatever limit asks, the cursor inside data: three rules need two pages.
  const stack = useStack({ emulator: { varianceSwitches: { cursorPageSize: 2, rulesEnvelope: "nested", emptyRulesItems: "null" } } });

  const body = (name: string, tld: string) => ({ name, match: { conditions: [{ field: "from.tld", operator: "is", value: tld }] }, actions: [{ type: "mark_as_spam" }] });

  it("an application with no rules at all (items: null): adopt says no such rule instead of failing to read the list", async () => {
    expect((await stack.api("GET", "/v3/rules")).body.data).toEqual({ items: null });
    const err = await stack.engine.up("Rule", "none", { ...body("nobody", "xyz"), adopt: true }).catch((e) => e);
    expect(err.message).toContain('adopt: no existing Nylas Rule with name "nobody"; remove adopt to create one');
  });

  it("finds a rule on a later page: adopt by name, no false 'missing rule' warning, restore-on-destroy keeps it", async () => {
    const ids: string[] = [];
    for (const n of ["r-a", "r-b", "r-c"]) ids.push((await stack.api("POST", "/v3/rules", body(n, "xyz"))).body.data.id);
    const third = ids[2];

    const adopted = await stack.engine.up("Rule", "third", { ...body("r-c", "xyz"), adopt: true });
    expect(adopted).toMatchObject({ op: "create", id: third });

    // A workspace that uses the rule on page 2: refresh must not call it missing.
    const ws = await stack.engine.up("Workspace", "ws", { name: "ws", domain: "rules-pages.example", ruleIds: [third] });
    const mark = stack.engine.host.output.length;
    expect((await stack.engine.refresh("Workspace", "ws")).op).toBe("same");
    expect(await outputUntilNow(stack.engine, mark)).not.toContain("no longer exist");

    // The default workspace had the page-2 rule before Pulumi managed it: destroy puts it back.
    const dflt = (await stack.api("GET", "/v3/workspaces")).body.data.find((w: any) => w.default);
    await stack.api("PATCH", `/v3/workspaces/${dflt.workspace_id}`, { rule_ids: [third] });
    const restoring = stack.engine.host.output.length;
    await stack.engine.up("DefaultWorkspace", "default", { ruleIds: [ids[0]] });
    expect((await stack.api("GET", `/v3/workspaces/${dflt.workspace_id}`)).body.data.rule_ids).toEqual([ids[0]]);
    await stack.engine.destroy("DefaultWorkspace", "default");
    expect((await stack.api("GET", `/v3/workspaces/${dflt.workspace_id}`)).body.data.rule_ids).toEqual([third]);
    expect(await outputUntilNow(stack.engine, restoring)).not.toContain("it had before no longer exist");

    await stack.engine.destroy("Workspace", "ws");
    expect(ws.id).toBeTruthy();
    await stack.engine.destroy("Rule", "third");
  });

  it("warns at check that an enabled outbound rule applies to every Agent Account of the application", async () => {
    const outbound = { name: "no-competitors", trigger: "outbound", match: { conditions: [{ field: "recipient.domain", operator: "is", value: "rival.example" }] }, actions: [{ type: "block" }] };
    const warning =
      'warning: Nylas Rule: "no-competitors" is an outbound rule: Nylas runs enabled outbound rules on every send of every Agent Account of the application, whichever workspace lists it';
    const mark = stack.engine.host.output.length;
    expect((await stack.engine.preview("Rule", "outbound", outbound)).op).toBe("create");
    expect(await outputContaining(stack.engine, mark, warning)).toContain(warning);
    const quiet = stack.engine.host.output.length;
    await stack.engine.preview("Rule", "outbound-off", { ...outbound, name: "off", enabled: false });
    await stack.engine.preview("Rule", "inbound", body("inbound", "xyz"));
    expect(await outputUntilNow(stack.engine, quiet)).not.toContain("is an outbound rule");
  });
});
