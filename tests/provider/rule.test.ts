import { runMatrix } from "../harness/matrix";
import { useStack } from "../harness/stack";
import { checkFailures } from "../harness/check";
import { ruleMatrix } from "./matrices/rule";

describe("Rule through the provider host", () => {
  const stack = useStack();
  runMatrix(ruleMatrix, () => stack);

  let listA: string;
  let listB: string;
  beforeAll(async () => {
    // Rules reference lists by id: make them through the engine, as a program would.
    listA = (await stack.engine.up("List", "blocked-a", { name: "blocked-a", type: "domain", items: ["spam.example"] })).id;
    listB = (await stack.engine.up("List", "blocked-b", { name: "blocked-b", type: "domain", items: ["phish.example"] })).id;
  });

  // GET /v3/rules answers {data: {items}} (items null when there are none); the older config can make it flat.
  const rules = async () => {
    const data = (await stack.api("GET", "/v3/rules?limit=200")).body.data;
    return (Array.isArray(data) ? data : (data.items ?? [])) as any[];
  };
  const wireRule = async (id: string) => (await stack.api("GET", `/v3/rules/${id}`)).body.data;
  const checkFailure = (name: string, inputs: Record<string, unknown>) => checkFailures(stack, "Rule", inputs, name);
  const fromDomain = (value: unknown, operator = "is") => ({ conditions: [{ field: "from.domain", operator, value }] });

  it("normalises what Nylas treats as equal: re-ordered in_list ids and letter case give no diff", async () => {
    const inputs = {
      name: "normalised",
      match: {
        conditions: [
          { field: "from.domain", operator: "in_list", value: [listA, listB] },
          { field: "from.address", operator: "is_not", value: "  Boss@Example.COM " },
        ],
      },
      actions: [{ type: "mark_as_spam" }],
    };
    const made = await stack.engine.up("Rule", "normalised", inputs);
    expect((made.outputs.match as any).conditions[1].value).toBe("boss@example.com");
    await stack.control.clearRequests();
    const reordered = {
      ...inputs,
      match: {
        operator: "all", // the default, written out
        conditions: [
          { field: "from.domain", operator: "in_list", value: [listB, listA, listB] },
          { field: "from.address", operator: "is_not", value: "boss@example.com" },
        ],
      },
    };
    expect(await stack.engine.preview("Rule", "normalised", reordered)).toEqual({ op: "same", replaces: [] });
    expect((await stack.engine.up("Rule", "normalised", reordered)).op).toBe("same");
    expect(await stack.control.requests()).toEqual([]);
    // Conditions keep the order given: swapping them is a (harmless) in-place update, never a replace.
    const swapped = { ...inputs, match: { conditions: [...inputs.match.conditions].reverse() } };
    expect(await stack.engine.preview("Rule", "normalised", swapped)).toEqual({ op: "update", replaces: [] });
  });

  it("keeps priority, enabled and trigger as Nylas has them when not declared", async () => {
    const made = await stack.engine.up("Rule", "computed", { name: "computed", priority: 3, match: fromDomain("a.example"), actions: [{ type: "archive" }] });
    expect(made.outputs.priority).toBe(3);
    const r = await stack.engine.up("Rule", "computed", { name: "computed", match: fromDomain("a.example"), actions: [{ type: "archive" }] });
    expect(r.op).toBe("same");
    expect((await wireRule(made.id)).priority).toBe(3);
  });

  it("adopts an existing rule by id and by name, with either list envelope", async () => {
    const raw = (
      await stack.api("POST", "/v3/rules", { name: "pre-existing", match: { conditions: [{ field: "from.tld", operator: "is", value: "xyz" }] }, actions: [{ type: "mark_as_spam" }] })
    ).body.data;
    const inputs = { name: "pre-existing", match: { conditions: [{ field: "from.tld", operator: "is", value: ".XYZ" }] }, actions: [{ type: "block" }] };
    const byId = await stack.engine.up("Rule", "adopt-id", { ...inputs, adopt: raw.id });
    expect(byId.op).toBe("create");
    expect(byId.id).toBe(raw.id);
    expect((await wireRule(raw.id)).actions).toEqual([{ type: "block" }]);
    expect((await stack.engine.up("Rule", "adopt-id", { ...inputs, adopt: raw.id })).op).toBe("same");

    // GET /v3/rules as the Nylas CLI decodes it: {data: {items: [...]}}.
    await stack.control.config({ rulesListEnvelope: "items" });
    try {
      const other = (await stack.api("POST", "/v3/rules", { name: "by-name", match: fromDomain("b.example"), actions: [{ type: "archive" }] })).body.data;
      expect(Array.isArray((await stack.api("GET", "/v3/rules")).body.data.items)).toBe(true);
      const byName = await stack.engine.up("Rule", "adopt-name", { name: "by-name", enabled: false, match: fromDomain("b.example"), actions: [{ type: "archive" }], adopt: true });
      expect(byName.id).toBe(other.id);
      expect((await wireRule(other.id)).enabled).toBe(false);

      const a = (await stack.api("POST", "/v3/rules", { name: "twice", match: fromDomain("c.example"), actions: [{ type: "archive" }] })).body.data;
      const b = (await stack.api("POST", "/v3/rules", { name: "twice", match: fromDomain("c.example"), actions: [{ type: "archive" }] })).body.data;
      const twice = await stack.engine.up("Rule", "adopt-twice", { name: "twice", match: fromDomain("c.example"), actions: [{ type: "archive" }], adopt: true }).then(() => undefined, (e) => e);
      expect(String(twice)).toContain(`several Nylas rules are named "twice" (${a.id}, ${b.id}); set adopt to the id of the one to manage`);
    } finally {
      await stack.control.config({ rulesListEnvelope: "array" });
    }
  });

  it("explains a refused in_list id (a List deleted outside Pulumi)", async () => {
    const gone = (await stack.api("POST", "/v3/lists", { name: "short-lived", type: "domain" })).body.data.id;
    await stack.engine.up("Rule", "dangling", { name: "dangling", match: fromDomain([gone], "in_list"), actions: [{ type: "archive" }] });
    await stack.api("DELETE", `/v3/lists/${gone}`);
    const err = await stack.engine.up("Rule", "dangling", { name: "dangling", priority: 1, match: fromDomain([gone], "in_list"), actions: [{ type: "archive" }] }).then(() => undefined, (e) => e);
    expect(String(err)).toContain(`match.conditions[0].value references an unknown list: ${gone}`);
    expect(String(err)).toContain("Every in_list value must be the id of an existing List whose type fits the field");
    expect(String(err)).toContain("was the List deleted outside Pulumi?");

    const tld = (await stack.engine.up("List", "tlds", { name: "tlds", type: "tld", items: ["xyz"] })).id;
    const wrong = await stack.engine.up("Rule", "wrong-type", { name: "wrong-type", match: fromDomain([tld], "in_list"), actions: [{ type: "archive" }] }).then(() => undefined, (e) => e);
    expect(String(wrong)).toContain(`creating Nylas Rule (name "wrong-type"): 400`);
    expect(String(wrong)).toContain(`list ${tld} has type tld, but from.domain requires a list of type domain`);
  });

  it("accepts an in_list value that is still unknown during preview", async () => {
    const { UNKNOWN } = await import("../../provider/lifecycle");
    const p = await stack.engine.preview("Rule", "preview-only", { name: "preview-only", match: fromDomain([UNKNOWN], "in_list"), actions: [{ type: "block" }] });
    expect(p.op).toBe("create");
    const whole = await stack.engine.preview("Rule", "preview-only", { name: "preview-only", match: fromDomain(UNKNOWN, "in_list"), actions: [{ type: "block" }] });
    expect(whole.op).toBe("create");
  });

  it("refuses bad inputs in check with one clear message each and no API call", async () => {
    const ok = { name: "bad", match: fromDomain("a.example"), actions: [{ type: "archive" }] };
    expect(await checkFailure("block-plus", { ...ok, actions: [{ type: "block" }, { type: "mark_as_read" }] })).toEqual([
      {
        property: "actions",
        reason:
          'actions = [{"type":"block"},{"type":"mark_as_read"}]: "block" cannot be combined with other actions (a blocked message is rejected, so nothing else applies); use block alone',
      },
    ]);
    expect(await checkFailure("in-list-string", { ...ok, match: fromDomain(listA, "in_list") })).toEqual([
      {
        property: "match.conditions[0].value",
        reason: `match.conditions[0].value = "${listA}": must be a list of List ids (e.g. [blocked.id]) for the in_list operator`,
      },
    ]);
    expect(await checkFailure("inbound-recipient", { ...ok, match: { conditions: [{ field: "recipient.domain", operator: "is", value: "a.example" }] } })).toEqual([
      {
        property: "match.conditions[0].field",
        reason:
          'match.conditions[0].field = "recipient.domain": inbound rules (trigger defaults to inbound) allow only "from.address", "from.domain", "from.tld"; set trigger: "outbound" to match recipients or the outbound type',
      },
    ]);
    expect(
      await checkFailure("outbound-contains", { ...ok, trigger: "outbound", match: { conditions: [{ field: "outbound.type", operator: "contains", value: "reply" }] } }),
    ).toEqual([
      { property: "match.conditions[0].operator", reason: 'match.conditions[0].operator = "contains": outbound.type allows only the operators "is" and "is_not"' },
    ]);
    expect(await checkFailure("priority", { ...ok, priority: 1001 })).toEqual([
      { property: "priority", reason: "priority = 1001: must be a whole number from 0 to 1000 (lower runs first)" },
    ]);
    expect(await checkFailure("outbound-value", { ...ok, trigger: "outbound", match: { conditions: [{ field: "outbound.type", operator: "is", value: "forward" }] } })).toEqual([
      { property: "match.conditions[0].value", reason: 'match.conditions[0].value = "forward": must be "compose" or "reply" for outbound.type' },
    ]);
    expect(await checkFailure("bad-field", { ...ok, match: { conditions: [{ field: "subject", operator: "is", value: "x" }] } })).toEqual([
      {
        property: "match.conditions[0].field",
        reason:
          'match.conditions[0].field = "subject": must be one of "from.address", "from.domain", "from.tld", "recipient.address", "recipient.domain", "recipient.tld", "outbound.type"',
      },
    ]);
    expect(await checkFailure("bad-operator", { ...ok, match: { conditions: [{ field: "from.domain", operator: "matches", value: "x" }] } })).toEqual([
      { property: "match.conditions[0].operator", reason: 'match.conditions[0].operator = "matches": must be one of "is", "is_not", "contains", "in_list"' },
    ]);
    expect(await checkFailure("array-for-is", { ...ok, match: fromDomain(["a.example"]) })).toEqual([
      {
        property: "match.conditions[0].value",
        reason: 'match.conditions[0].value = ["a.example"]: must be a single non-empty string for the "is" operator (only in_list takes a list of List ids)',
      },
    ]);
    expect(await checkFailure("bad-domain", { ...ok, match: fromDomain("not a domain") })).toEqual([
      { property: "match.conditions[0].value", reason: 'match.conditions[0].value = "not a domain": must be a domain name like example.com for from.domain with "is"' },
    ]);
    expect(await checkFailure("folder-missing", { ...ok, actions: [{ type: "assign_to_folder" }] })).toEqual([
      { property: "actions[0].value", reason: 'actions[0].value = missing: is required for assign_to_folder: the folder name or path, e.g. "Clients/Acme" or "Archive"' },
    ]);
    expect(await checkFailure("value-on-other", { ...ok, actions: [{ type: "mark_as_read", value: "yes" }] })).toEqual([
      { property: "actions[0].value", reason: 'actions[0].value = "yes": only assign_to_folder takes a value; remove value from the "mark_as_read" action' },
    ]);
    expect(await checkFailure("bad-action", { ...ok, actions: [{ type: "forward" }] })).toEqual([
      {
        property: "actions[0].type",
        reason:
          'actions[0].type = "forward": must be one of "block", "mark_as_spam", "assign_to_folder", "mark_as_read", "mark_as_starred", "archive", "trash" ("move_to_folder" is accepted as an alias of "assign_to_folder")',
      },
    ]);
    expect(await checkFailure("no-conditions", { ...ok, match: { conditions: [] } })).toEqual([
      { property: "match.conditions", reason: "match.conditions = []: must have at least one condition {field, operator, value}" },
    ]);
    expect(await checkFailure("no-actions", { ...ok, actions: [] })).toEqual([
      { property: "actions", reason: "actions = []: must have at least one action {type, value?}" },
    ]);
    expect(await checkFailure("no-match", { name: "bad", actions: [{ type: "archive" }] })).toEqual([
      { property: "match", reason: "match = missing: must be an object {operator?, conditions}" },
    ]);
  });
});
