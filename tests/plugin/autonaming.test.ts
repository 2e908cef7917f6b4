import { CheckFailedError, secret, type Engine } from "../../provider/offline/engine";
import { SECRET_SIG, SECRET_VALUE } from "../../provider/offline/host";
import { useStack } from "../harness/stack";

/**
 * Issue 11 §3 through the native plugin, driven as the engine drives it: Configure declares
 * `supportsAutonamingConfiguration`, so Check carries the engine's autonaming request for stack config
 * `pulumi:autonaming` (Engine.autonaming models the engine's Autonamer: modes and patterns, random parts
 * drawn afresh for every step). PROPOSE and ENFORCE name what the program leaves unnamed, DISABLE asks
 * for a name; with no request the URN's name is used, as the dynamic classes use the logical name; an
 * update keeps the name in state.
 */
const stack = useStack({ frontDoor: "plugin" });
afterEach(async () => {
  stack.engine.autonaming = undefined;
  await stack.engine.destroyAll();
});

const nylasName = async (collection: string, id: string) => (await stack.api("GET", `/v3/${collection}/${id}`)).body.data.name;
const rule = { match: { conditions: [{ field: "from.tld", operator: "is", value: "xyz" }] }, actions: [{ type: "mark_as_spam" }] };

it("declares autonaming support in its Configure response", () => {
  expect(stack.engine.host.supportsAutonaming).toBe(true);
});

it("names a resource left unnamed by its logical name when the engine sends no request (the default mode)", async () => {
  await stack.control.clearRequests();
  expect(await stack.engine.preview("Policy", "agents", { limits: { limitCountDailyEmailSent: 500 } })).toEqual({ op: "create", replaces: [] });
  expect(await stack.control.requests()).toEqual([]); // check makes no API call
  const policy = await stack.engine.up("Policy", "agents", { limits: { limitCountDailyEmailSent: 500 } });
  const list = await stack.engine.up("List", "blocked", { type: "domain", items: ["spam.example"] });
  const ws = await stack.engine.up("Workspace", "agents", { domain: "autonamed.example.com", policyId: policy.id });
  expect([policy.outputs.name, list.outputs.name, ws.outputs.name]).toEqual(["agents", "blocked", "agents"]);
  expect(await nylasName("policies", policy.id)).toBe("agents");
  expect(stack.engine.get("Policy", "agents")!.inputs.name).toBe("agents");
  expect((await stack.engine.up("Policy", "agents", { limits: { limitCountDailyEmailSent: 500 } })).op).toBe("same");
});

it("PROPOSE: uses the engine's proposed name for a new resource and keeps it on later runs, whatever is proposed then", async () => {
  stack.engine.autonaming = { pattern: "${stack}-${name}-${hex(6)}" };
  const made = await stack.engine.up("Rule", "junk", rule);
  expect(made.outputs.name).toMatch(/^test-junk-[0-9a-f]{6}$/);
  expect(await nylasName("rules", made.id)).toBe(made.outputs.name);
  // Every run proposes a new random suffix: the name in state wins, so no rename, no API call.
  await stack.control.clearRequests();
  for (let i = 0; i < 3; i++) expect((await stack.engine.up("Rule", "junk", rule)).op).toBe("same");
  expect(await stack.control.requests()).toEqual([]);
  // Changing something else keeps the name too; a name the program gives still wins.
  expect(await stack.engine.up("Rule", "junk", { ...rule, priority: 7 })).toMatchObject({ op: "update", outputs: { name: made.outputs.name, priority: 7 } });
  expect(await stack.engine.up("Rule", "junk", { ...rule, name: "junk mail" })).toMatchObject({ op: "update", id: made.id, outputs: { name: "junk mail" } });
  expect(await nylasName("rules", made.id)).toBe("junk mail");
});

it("ENFORCE: uses the enforced name (verbatim: the logical name, a pattern with enforce: true as given); a program's own name still wins", async () => {
  stack.engine.autonaming = { mode: "verbatim" };
  expect((await stack.engine.up("Policy", "verbatim-policy", {})).outputs.name).toBe("verbatim-policy");
  stack.engine.autonaming = { pattern: "${project}_${name}", enforce: true };
  expect((await stack.engine.up("List", "enforced", { type: "tld" })).outputs.name).toBe("nylas-agents-test_enforced");
  expect((await stack.engine.up("List", "mine", { name: "Mine", type: "tld" })).outputs.name).toBe("Mine");
});

it("DISABLE: a new resource without a name is refused with one clear failure and no API call; named ones and those in state are fine", async () => {
  const before = await stack.engine.up("Policy", "existing", {});
  stack.engine.autonaming = { mode: "disabled" };
  await stack.control.clearRequests();
  const err = await stack.engine.up("Domain", "mail", { domainAddress: "mail.autonamed.example" }).catch((e) => e);
  expect(err).toBeInstanceOf(CheckFailedError);
  expect((err as CheckFailedError).failures).toEqual([
    { property: "name", reason: 'name = missing: automatic naming is disabled for this stack (pulumi:autonaming mode "disabled"), so name must be set' },
  ]);
  // Alongside other mistakes it is one failure among theirs, not two about the name.
  expect(((await stack.engine.up("Domain", "mail", {}).catch((e) => e)) as CheckFailedError).failures.map((f) => f.property)).toEqual(["name", "domainAddress"]);
  expect(await stack.control.requests()).toEqual([]);
  expect(stack.engine.get("Domain", "mail")).toBeUndefined();
  expect((await stack.engine.up("Domain", "mail", { name: "Mail", domainAddress: "mail.autonamed.example" })).outputs.name).toBe("Mail");
  // Nothing is being invented for a resource that already has its name.
  expect(await stack.engine.up("Policy", "existing", {})).toMatchObject({ op: "same", id: before.id });
});

it("adopt: true by name keeps working: the logical name (or the proposed one) is what it looks for", async () => {
  const existing = (await stack.api("POST", "/v3/policies", { name: "shared-limits" })).body.data;
  const adopted = await stack.engine.up("Policy", "shared-limits", { adopt: true, limits: { limitCountDailyEmailSent: 300 } });
  expect(adopted).toMatchObject({ op: "create", id: existing.id });
  stack.engine.autonaming = { pattern: "prod-${name}" };
  const other = (await stack.api("POST", "/v3/policies", { name: "prod-limits" })).body.data;
  expect((await stack.engine.up("Policy", "limits", { adopt: true })).id).toBe(other.id);
});

it("an existing stack with explicit names sees no diff under any autonaming setting, named or not in the program", async () => {
  const named = {
    policy: { name: "Agents Prod", limits: { limitCountDailyEmailSent: 500 } },
    list: { name: "Blocked Prod", type: "domain", items: ["spam.example"] },
  };
  await stack.engine.up("Policy", "agents", named.policy);
  await stack.engine.up("List", "blocked", named.list);
  // Later runs, whatever `pulumi:autonaming` says by then.
  await stack.control.clearRequests();
  const { name: _n, ...unnamed } = named.policy;
  for (const autonaming of [{ pattern: "${name}-${hex(8)}" }, { mode: "verbatim" as const }, { mode: "disabled" as const }, undefined]) {
    stack.engine.autonaming = autonaming;
    expect((await stack.engine.diff("Policy", "agents", named.policy))!.changes).toBe("none");
    expect((await stack.engine.up("List", "blocked", named.list)).op).toBe("same");
    expect((await stack.engine.up("Policy", "agents", unnamed)).op).toBe("same");
  }
  expect(await stack.control.requests()).toEqual([]);
});

it("a name kept from state stays as secret as it was", async () => {
  await stack.engine.up("Policy", "hidden", { name: secret("hidden-policy-name-7Qx") });
  await stack.engine.up("Policy", "hidden", { limits: { limitCountDailyEmailSent: 10 } });
  const s = stack.engine.get("Policy", "hidden")!;
  expect(s.inputs.name).toBe("hidden-policy-name-7Qx");
  expect(s.secretInputs).toContain("name");
  expect(s.secretOutputs).toContain("name");
  expect(stack.engine.stateJson()).not.toContain("hidden-policy-name-7Qx");
  const res = JSON.parse(stack.engine.stateJson()).resources.find((r: any) => r.urn.endsWith("::hidden"));
  expect(res.inputs.name[SECRET_SIG]).toBe(SECRET_VALUE);
});
