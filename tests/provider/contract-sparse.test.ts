import { useStack } from "../harness/stack";

/**
 * Write answers that carry only some fields and no id (Nylas API v3 conventions "Write answers can be
 * sparse", variance W2): rule, list and policy PUTs, list-item POST/DELETE. State must still be what Nylas
 * has, and the next refresh must show no change. Fails on main, whose wire schemas required `id` and
 * unchanged fields in those answers.
 */
describe("sparse write answers (contract)", () => {
  const stack = useStack({ emulator: { varianceSwitches: { updateAnswers: "sparse" } } });

  const wire = async (path: string) => (await stack.api("GET", path)).body.data;

  it("Rule: an update answered with only the fields sent ends with the whole rule in state", async () => {
    const inputs = { name: "sparse-rule", match: { conditions: [{ field: "from.domain", operator: "is", value: "spam.example" }] }, actions: [{ type: "mark_as_spam" }] };
    const made = await stack.engine.up("Rule", "rule", inputs);
    const updated = await stack.engine.up("Rule", "rule", { ...inputs, description: "now described", enabled: false });
    const stored = await wire(`/v3/rules/${made.id}`);
    expect(updated.outputs).toMatchObject({ name: "sparse-rule", description: "now described", enabled: false, priority: stored.priority, trigger: "inbound", createdAt: stored.created_at });
    expect((await stack.engine.refresh("Rule", "rule")).op).toBe("same");
    await stack.engine.destroy("Rule", "rule");
  });

  it("List: a rename and item changes answered sparsely ({name}; {items_count}) end with the right name, items and count", async () => {
    const inputs = { name: "sparse-list", type: "domain", items: ["a.example", "b.example"] };
    const made = await stack.engine.up("List", "list", inputs);
    expect(made.outputs).toMatchObject({ itemsCount: 2, items: ["a.example", "b.example"] });
    const updated = await stack.engine.up("List", "list", { ...inputs, name: "sparse-list renamed", items: ["b.example", "c.example", "d.example"] });
    expect(updated.outputs).toMatchObject({ name: "sparse-list renamed", type: "domain", itemsCount: 3, items: ["b.example", "c.example", "d.example"], createdAt: (await wire(`/v3/lists/${made.id}`)).created_at });
    expect((await stack.engine.refresh("List", "list")).op).toBe("same");
    await stack.engine.destroy("List", "list");
  });

  it("Policy: an update answered without the plan-resolved limits reports them as Nylas applies them", async () => {
    const made = await stack.engine.up("Policy", "policy", { name: "sparse-policy", limits: { limitCountDailyEmailSent: 100 } });
    const updated = await stack.engine.up("Policy", "policy", { name: "sparse-policy", limits: { limitCountDailyEmailSent: 20 } });
    const stored = await wire(`/v3/policies/${made.id}`);
    expect(updated.outputs.limits).toEqual({ limitCountDailyEmailSent: 20 });
    expect((updated.outputs.effectiveLimits as any).limitCountDailyEmailSent).toBe(20);
    expect(Object.keys(updated.outputs.effectiveLimits as object)).toHaveLength(Object.keys(stored.limits).length);
    expect((await stack.engine.refresh("Policy", "policy")).op).toBe("same");
    await stack.engine.destroy("Policy", "policy");
  });
});
