import { useStack } from "../harness/stack";
import { refusesTheCatalog } from "./bad-input.suite";
import { ruleBody } from "./support";

/**
 * Bad input is refused in `check` — through the real provider host, before any API call — with one
 * failure per mistake whose message names the property, shows the value (secrets masked) and says
 * what is allowed. The cases are data (bad-input.catalog.ts); large but valid inputs must work.
 */
describe("bad input refused in check", () => {
  const stack = useStack();
  refusesTheCatalog(stack);
});

describe("large but valid inputs work, batched as the API requires", () => {
  const stack = useStack();

  const count = (log: { method: string; path: string }[], method: string, re: RegExp) => log.filter((r) => r.method === method && re.test(r.path)).length;

  it("a List of 5,000 items, a Rule using it, and a Workspace with 300 rule ids", async () => {
    // 5,000 distinct domains, written with the case and duplicates a generated list really has.
    const domains = Array.from({ length: 5000 }, (_, i) => `sender-${i}.spam.example`);
    const written = [...domains.map((d, i) => (i % 3 === 0 ? d.toUpperCase() : d)), ...domains.slice(0, 250)];
    const listInputs = { name: "big", type: "domain", items: written };
    await stack.control.clearRequests();
    expect((await stack.engine.preview("List", "big", listInputs)).op).toBe("create");
    expect(await stack.control.requests()).toEqual([]); // 5,250 items checked without a call

    const list = await stack.engine.up("List", "big", listInputs);
    let log = await stack.control.requests();
    expect(count(log, "POST", /^\/v3\/lists$/)).toBe(1);
    expect(count(log, "POST", /^\/v3\/lists\/[^/]+\/items$/)).toBe(5); // ≤ 1,000 values per request
    expect(list.outputs.itemsCount).toBe(5000);
    const s1 = await stack.control.state();
    expect(s1.lists.find((l: any) => l.id === list.id)!.items.sort()).toEqual([...domains].sort());

    await stack.control.clearRequests();
    expect((await stack.engine.refresh("List", "big")).op).toBe("same");
    log = await stack.control.requests();
    expect(count(log, "GET", /^\/v3\/lists\/[^/]+\/items$/)).toBe(25); // pages of 200

    const rule = await stack.engine.up("Rule", "big", {
      name: "block the big list",
      match: { conditions: [{ field: "from.domain", operator: "in_list", value: [list.id] }] },
      actions: [{ type: "block" }],
    });
    const others: string[] = [];
    for (let i = 0; i < 299; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(50, 299 - i) }, (_, j) => stack.api("POST", "/v3/rules", ruleBody(`bulk-${i + j}`)).then((r) => r.body.data.id as string)),
      );
      others.push(...batch);
    }
    const ruleIds = [rule.id, ...others];
    expect(ruleIds).toHaveLength(300);
    const wsInputs = { name: "big", domain: "big.example", ruleIds: [...ruleIds].reverse() };
    await stack.control.clearRequests();
    expect((await stack.engine.preview("Workspace", "big", wsInputs)).op).toBe("create");
    expect(await stack.control.requests()).toEqual([]);
    const ws = await stack.engine.up("Workspace", "big", wsInputs);
    log = await stack.control.requests();
    expect(count(log, "POST", /^\/v3\/workspaces$/)).toBe(1); // rule_ids is sent whole, in one request
    expect(ws.outputs.ruleIds).toEqual([...ruleIds].sort());
    expect((await stack.control.state()).workspaces.find((w: any) => w.workspace_id === ws.id)!.rule_ids).toHaveLength(300);

    await stack.control.clearRequests();
    expect((await stack.engine.refresh("Workspace", "big")).op).toBe("same");
    expect((await stack.engine.up("Workspace", "big", { ...wsInputs, ruleIds })).op).toBe("same"); // order does not matter
    log = await stack.control.requests();
    expect(count(log, "GET", /^\/v3\/rules$/)).toBe(2); // 300 rules checked for dangling ids in pages of 200

    await stack.engine.destroyAll();
    const s2 = await stack.control.state();
    expect(s2.workspaces.filter((w: any) => w.domain === "big.example")).toEqual([]);
    expect(s2.lists).toEqual([]);
    expect(s2.rules.map((r: any) => r.id).sort()).toEqual([...others].sort());
  });
});
