import { NylasApi } from "../../provider/api";
import type { NylasClient } from "../../provider/client";
import { defaultWorkspaceDefinition } from "../../provider/resources/workspace";
import { CheckFailedError, type Engine } from "../../provider/offline/engine";
import { startStack, type TestStack } from "../harness/stack";
import { expectDestroyedTwice, expectRecreatedAfterOutOfBandDelete } from "../harness/matrix";

describe("Workspace and DefaultWorkspace through the provider host", () => {
  let stack: TestStack;
  let engine: Engine;
  beforeAll(async () => {
    stack = await startStack();
    engine = stack.engine;
  });
  afterAll(() => stack.stop());

  const workspaces = async () => (await stack.api("GET", "/v3/workspaces")).body.data as any[];
  const wire = async (id: string) => (await stack.api("GET", `/v3/workspaces/${id}`)).body.data;
  const policy = async (name: string): Promise<string> => (await stack.api("POST", "/v3/policies", { name })).body.data.id;
  const rule = async (name: string): Promise<string> => {
    const r = await stack.api("POST", "/v3/rules", {
      name,
      trigger: "inbound",
      match: { conditions: [{ field: "from.domain", operator: "is", value: `${name}.spam.example` }] },
      actions: [{ type: "mark_as_spam" }],
    });
    if (r.status !== 201 && r.status !== 200) throw new Error(`rule setup failed: ${JSON.stringify(r.body)}`);
    return r.body.data.id;
  };
  const hostOutput = () => engine.host.output.join("");

  describe("Workspace", () => {
    it("runs the acceptance matrix: create, no-op, update, refresh, drift, out-of-band delete, delete twice", async () => {
      const p1 = await policy("ws-matrix");
      const [r1, r2] = [await rule("ws-matrix-1"), await rule("ws-matrix-2")];
      const inputs = { name: "  Matrix  ", domain: " Matrix.Example.COM. ", policyId: p1, ruleIds: [r2, r1, r2] };
      const made = await engine.up("Workspace", "matrix", inputs);
      expect(made.op).toBe("create");
      expect(made.outputs).toMatchObject({ name: "Matrix", domain: "matrix.example.com", autoGroup: false, policyId: p1, ruleIds: [r1, r2].sort() });
      expect(await wire(made.id)).toMatchObject({ workspace_id: made.id, domain: "matrix.example.com", policy_id: p1 });

      await stack.control.clearRequests();
      expect((await engine.up("Workspace", "matrix", inputs)).op).toBe("same");
      expect((await engine.up("Workspace", "matrix", { ...inputs, ruleIds: [r1, r2] })).op).toBe("same");
      expect(await stack.control.requests()).toEqual([]); // check + diff make no API calls

      const updated = await engine.up("Workspace", "matrix", { ...inputs, name: "Renamed", autoGroup: true });
      expect(updated.op).toBe("update");
      expect(updated.id).toBe(made.id);
      expect(await wire(made.id)).toMatchObject({ name: "Renamed", auto_group: true, policy_id: p1 });
      const declared = { ...inputs, name: "Renamed", autoGroup: true };

      expect((await engine.refresh("Workspace", "matrix")).op).toBe("same");

      // A colleague renames it and detaches a rule by hand: refresh shows exactly that, up puts it back.
      const before = engine.get("Workspace", "matrix")!.outputs;
      await stack.api("PATCH", `/v3/workspaces/${made.id}`, { name: "Hand-edited", rule_ids: [r1] });
      const drift = await engine.refresh("Workspace", "matrix");
      expect(drift.op).toBe("update");
      expect(drift.outputs).toEqual({ ...before, name: "Hand-edited", ruleIds: [r1] });
      expect((await engine.preview("Workspace", "matrix", declared)).op).toBe("update");
      expect((await engine.up("Workspace", "matrix", declared)).op).toBe("update");
      expect(await wire(made.id)).toMatchObject({ name: "Renamed", rule_ids: expect.arrayContaining([r1, r2]) });

      // The policy detached out of band is seen by refresh and re-attached.
      await stack.api("PATCH", `/v3/workspaces/${made.id}`, { policy_id: null });
      const detached = await engine.refresh("Workspace", "matrix");
      expect(detached.op).toBe("update");
      expect(detached.outputs!.policyId).toBeUndefined();
      expect((await engine.up("Workspace", "matrix", declared)).op).toBe("update");
      expect((await wire(made.id)).policy_id).toBe(p1);

      await expectRecreatedAfterOutOfBandDelete(engine, "Workspace", "matrix", declared, (id) => stack.api("DELETE", `/v3/workspaces/${id}`));
      await expectDestroyedTwice(engine, "Workspace", "matrix", async (id) => (await workspaces()).some((w) => w.workspace_id === id));
    });

    it("replaces on a domain change, deleting the old workspace first", async () => {
      const made = await engine.up("Workspace", "moving", { name: "moving", domain: "old.moving.example" });
      const d = await engine.preview("Workspace", "moving", { name: "moving", domain: "new.moving.example" });
      expect(d).toEqual({ op: "replace", replaces: ["domain"] });
      await stack.control.clearRequests();
      const r = await engine.up("Workspace", "moving", { name: "moving", domain: "new.moving.example" });
      expect(r.op).toBe("replace");
      expect(r.replaces).toEqual(["domain"]);
      expect(r.id).not.toBe(made.id);
      const log = (await stack.control.requests()).filter((q) => q.method !== "GET").map((q) => `${q.method} ${q.path}`);
      expect(log).toEqual([`DELETE /v3/workspaces/${made.id}`, "POST /v3/workspaces"]);
      const all = await workspaces();
      expect(all.find((w) => w.workspace_id === made.id)).toBeUndefined();
      expect(all.filter((w) => w.domain === "new.moving.example").map((w) => w.workspace_id)).toEqual([r.id]);
      await engine.destroy("Workspace", "moving");
    });

    it("detaches a removed policy with null and removed rules with an empty set", async () => {
      const p = await policy("detach");
      const r = await rule("detach");
      const made = await engine.up("Workspace", "detach", { name: "detach", domain: "detach.example", policyId: p, ruleIds: [r] });
      await stack.control.clearRequests();
      const up = await engine.up("Workspace", "detach", { name: "detach", domain: "detach.example" });
      expect(up.op).toBe("update");
      expect(up.outputs.policyId).toBeUndefined();
      expect(up.outputs.ruleIds).toBeUndefined();
      // The emulator refuses "" (400) and keeps the policy when policy_id is omitted: only null detaches.
      expect(await stack.control.requests()).toEqual([expect.objectContaining({ method: "PATCH", path: `/v3/workspaces/${made.id}`, status: 200 })]);
      const w = await wire(made.id);
      expect(w.policy_id ?? null).toBeNull();
      expect(w.rule_ids ?? []).toEqual([]);
      expect((await engine.up("Workspace", "detach", { name: "detach", domain: "detach.example" })).op).toBe("same");
      // An empty rule list means the same as none: no diff.
      expect((await engine.preview("Workspace", "detach", { name: "detach", domain: "detach.example", ruleIds: [] })).op).toBe("same");
      await engine.destroy("Workspace", "detach");
    });

    it("reports a policy or rule deleted outside Pulumi as a dangling reference", async () => {
      const p = await policy("dangling");
      const r = await rule("dangling");
      const made = await engine.up("Workspace", "dangling", { name: "dangling", domain: "dangling.example", policyId: p, ruleIds: [r] });
      expect((await engine.refresh("Workspace", "dangling")).op).toBe("same");
      expect(hostOutput()).not.toContain("dangling.example) points at");

      await stack.api("DELETE", `/v3/policies/${p}`);
      await stack.api("DELETE", `/v3/rules/${r}`);
      const refreshed = await engine.refresh("Workspace", "dangling");
      // Read reports what Nylas has (the ids are still attached) and warns that they point nowhere.
      expect(refreshed.outputs).toMatchObject({ policyId: p, ruleIds: [r] });
      expect(hostOutput()).toContain(
        `warning: Nylas Workspace ${made.id} (domain dangling.example) points at policy ${p} and rule ${r} that no longer exist (deleted outside Pulumi?)`,
      );
      await engine.destroy("Workspace", "dangling");
    });

    it("attaches 300 rules and reads them back without drift", async () => {
      const ids: string[] = [];
      for (let i = 0; i < 300; i++) ids.push(await rule(`bulk-${i}`));
      const made = await engine.up("Workspace", "bulk", { name: "bulk", domain: "bulk.example", ruleIds: ids });
      expect(made.outputs.ruleIds).toEqual([...ids].sort());
      expect((await wire(made.id)).rule_ids).toHaveLength(300);
      expect((await engine.refresh("Workspace", "bulk")).op).toBe("same");
      expect((await engine.up("Workspace", "bulk", { name: "bulk", domain: "bulk.example", ruleIds: [...ids].reverse() })).op).toBe("same");
      await engine.destroy("Workspace", "bulk");
    });

    it("adopts an existing workspace by id and by domain, reconciling it to the inputs", async () => {
      const p = await policy("adopt");
      const raw = (await stack.api("POST", "/v3/workspaces", { name: "pre-existing", domain: "adopt-id.example", policy_id: p })).body.data;
      const byId = await engine.up("Workspace", "adopt-id", { name: "adopted", domain: "adopt-id.example", adopt: raw.workspace_id });
      expect(byId.op).toBe("create");
      expect(byId.id).toBe(raw.workspace_id);
      // Declarative: no policyId declared, so the hand-attached policy is detached.
      expect(await wire(raw.workspace_id)).toMatchObject({ name: "adopted" });
      expect((await wire(raw.workspace_id)).policy_id ?? null).toBeNull();
      expect((await engine.up("Workspace", "adopt-id", { name: "adopted", domain: "adopt-id.example", adopt: raw.workspace_id })).op).toBe("same");

      const raw2 = (await stack.api("POST", "/v3/workspaces", { name: "find-me", domain: "adopt-true.example" })).body.data;
      const byDomain = await engine.up("Workspace", "adopt-true", { name: "found", domain: "ADOPT-TRUE.example", adopt: true });
      expect(byDomain.id).toBe(raw2.workspace_id);
      expect((await workspaces()).filter((w) => w.domain === "adopt-true.example")).toHaveLength(1);

      const missing = await engine.up("Workspace", "adopt-missing", { name: "x", domain: "nobody.example", adopt: true }).catch((e) => e);
      expect(missing.message).toContain("adopt: no existing Nylas Workspace with domain nobody.example; remove adopt to create one");

      const wrongDomain = await engine.up("Workspace", "adopt-wrong", { name: "x", domain: "other.example", adopt: raw2.workspace_id }).catch((e) => e);
      expect(wrongDomain.message).toContain("a workspace's domain cannot be changed");

      const dflt = (await workspaces()).find((w) => w.default);
      const notDefault = await engine.up("Workspace", "adopt-default", { name: "x", domain: "x.example", adopt: dflt.workspace_id }).catch((e) => e);
      expect(notDefault.message).toContain("is the application's default workspace; manage it with DefaultWorkspace");
      await engine.destroy("Workspace", "adopt-id");
      await engine.destroy("Workspace", "adopt-true");
    });

    it("does not duplicate a workspace whose create answer was lost", async () => {
      for (const fault of [{ kind: "commit-then-reset" as const }, { kind: "commit-then-status" as const, status: 504 }]) {
        const domain = `ghost-${fault.kind}.example`;
        await stack.control.faults([{ method: "POST", path: "^/v3/workspaces$", times: 1, ...fault }]);
        const r = await engine.up("Workspace", domain, { name: "ghost", domain });
        const same = (await workspaces()).filter((w) => w.domain === domain);
        expect(same).toHaveLength(1);
        expect(r.id).toBe(same[0].workspace_id);
        expect(hostOutput()).toContain(`Nylas Workspace domain ${domain}: the create's answer was lost but the object was made (${r.id}); adopting it`);
        await engine.destroy("Workspace", domain);
      }
      await stack.control.clearFaults();
    });

    it("refuses bad input in check with zero API calls and one clear message each", async () => {
      await stack.control.clearRequests();
      const failures = async (inputs: Record<string, unknown>) =>
        ((await engine.up("Workspace", "bad", inputs).catch((e) => e)) as CheckFailedError).failures;
      expect(await failures({ name: "bad", domain: "not a domain" })).toEqual([
        { property: "domain", reason: 'domain = "not a domain": must be a domain name like agents.example.com' },
      ]);
      expect(await failures({ name: "bad", domain: "bad.example", ruleIds: ["r1", 7] })).toEqual([
        { property: "ruleIds[1]", reason: "ruleIds[1] = 7: must be the id of a Rule (a string)" },
      ]);
      expect(await failures({ name: "bad", domain: "bad.example", policyId: "" })).toEqual([
        { property: "policyId", reason: 'policyId = "": must be the id of a Policy' },
      ]);
      expect(await failures({ name: "bad", domain: "bad.example", autoGroup: "yes" })).toEqual([
        { property: "autoGroup", reason: 'autoGroup = "yes": must be true or false' },
      ]);
      expect(await failures({ name: null, domain: "bad.example" })).toEqual([{ property: "name", reason: "name = null: must be a string of 1–256 characters" }]);
      expect(await stack.control.requests()).toEqual([]);
    });
  });

  describe("DefaultWorkspace", () => {
    it("adopts the default workspace, manages its policy and rules, and restores them on destroy", async () => {
      const dflt = (await workspaces()).find((w) => w.default);
      const [p0, p1] = [await policy("default-original"), await policy("default-managed")];
      const [r0, r1, r2] = [await rule("default-original"), await rule("default-managed-1"), await rule("default-managed-2")];
      await stack.api("PATCH", `/v3/workspaces/${dflt.workspace_id}`, { policy_id: p0, rule_ids: [r0] });

      const inputs = { policyId: p1, ruleIds: [r2, r1] };
      const made = await engine.up("DefaultWorkspace", "default", inputs);
      expect(made.op).toBe("create");
      expect(made.id).toBe(dflt.workspace_id);
      expect(made.outputs).toMatchObject({ policyId: p1, ruleIds: [r1, r2].sort(), originalPolicyId: p0, originalRuleIds: [r0] });
      expect(await wire(dflt.workspace_id)).toMatchObject({ policy_id: p1, rule_ids: expect.arrayContaining([r1, r2]), default: true });
      expect((await workspaces()).filter((w) => w.default)).toHaveLength(1); // nothing was created

      await stack.control.clearRequests();
      expect((await engine.up("DefaultWorkspace", "default", inputs)).op).toBe("same");
      expect(await stack.control.requests()).toEqual([]);
      expect((await engine.refresh("DefaultWorkspace", "default")).op).toBe("same");

      const updated = await engine.up("DefaultWorkspace", "default", { ruleIds: [r2] });
      expect(updated.op).toBe("update");
      expect(updated.outputs).toMatchObject({ ruleIds: [r2], originalPolicyId: p0, originalRuleIds: [r0] });
      expect((await wire(dflt.workspace_id)).policy_id ?? null).toBeNull();
      expect((await wire(dflt.workspace_id)).rule_ids).toEqual([r2]);

      // Rules changed by hand: refresh shows it, up puts it back, the originals are untouched.
      await stack.api("PATCH", `/v3/workspaces/${dflt.workspace_id}`, { rule_ids: [r1] });
      const drift = await engine.refresh("DefaultWorkspace", "default");
      expect(drift.op).toBe("update");
      expect(drift.outputs).toMatchObject({ ruleIds: [r1], originalPolicyId: p0, originalRuleIds: [r0] });
      expect((await engine.up("DefaultWorkspace", "default", { ruleIds: [r2] })).op).toBe("update");
      expect((await wire(dflt.workspace_id)).rule_ids).toEqual([r2]);

      const state = engine.get("DefaultWorkspace", "default")!;
      await engine.destroy("DefaultWorkspace", "default");
      expect(await wire(dflt.workspace_id)).toMatchObject({ policy_id: p0, rule_ids: [r0], default: true });
      // Destroying twice is harmless: it restores the same values again.
      await expect(engine.host.delete(state.urn, state.id, state.outputs)).resolves.toBeUndefined();
      expect(await wire(dflt.workspace_id)).toMatchObject({ policy_id: p0, rule_ids: [r0] });

      // A default workspace with nothing attached is restored to nothing (null policy, no rules).
      await stack.api("PATCH", `/v3/workspaces/${dflt.workspace_id}`, { policy_id: null, rule_ids: [] });
      const bare = await engine.up("DefaultWorkspace", "bare", { policyId: p1 });
      expect(bare.outputs.originalPolicyId).toBeUndefined();
      expect(bare.outputs.originalRuleIds).toEqual([]);
      await engine.destroy("DefaultWorkspace", "bare");
      const w = await wire(dflt.workspace_id);
      expect(w.policy_id ?? null).toBeNull();
      expect(w.rule_ids).toEqual([]);
    });

    it("restores without an original policy that was deleted meanwhile, and says so", async () => {
      const dflt = (await workspaces()).find((w) => w.default);
      const [gone, p1] = [await policy("default-gone"), await policy("default-kept")];
      await stack.api("PATCH", `/v3/workspaces/${dflt.workspace_id}`, { policy_id: gone, rule_ids: [] });
      await engine.up("DefaultWorkspace", "restore", { policyId: p1 });
      await stack.api("DELETE", `/v3/policies/${gone}`);
      await engine.destroy("DefaultWorkspace", "restore");
      expect((await wire(dflt.workspace_id)).policy_id ?? null).toBeNull();
      expect(hostOutput()).toContain(`restoring the default Nylas workspace ${dflt.workspace_id}: policy ${gone} it had before no longer exist`);
    });

    it("says clearly when the application has no default workspace", async () => {
      // The emulator always has one (apps created before workspaces existed may not): a stub client
      // answering GET /v3/workspaces with only a custom workspace stands in for such an application.
      const calls: string[] = [];
      const client = {
        call: async (o: { method: string; path: string }) => {
          calls.push(`${o.method} ${o.path}`);
          return { data: [{ workspace_id: "w1", name: "custom", domain: "x.example", default: false }] };
        },
        domainsRoute: () => ({ route: "iam" }),
      } as unknown as NylasClient;
      await expect(defaultWorkspaceDefinition.create({ api: new NylasApi(client), warn: () => {} }, { policyId: "p1" })).rejects.toThrow(
        "this Nylas application has no default workspace (applications created before workspaces existed may have none); " +
          "remove the DefaultWorkspace resource, or attach the policy and rules to a Workspace instead",
      );
      expect(calls).toEqual(["GET /v3/workspaces"]); // nothing was changed
    });

    it("does not accept name, domain or autoGroup (Nylas refuses to change them)", async () => {
      await stack.control.clearRequests();
      const err = (await engine.up("DefaultWorkspace", "named", { name: "x", domain: "x.example", autoGroup: true }).catch((e) => e)) as CheckFailedError;
      expect(err).toBeInstanceOf(CheckFailedError);
      expect(err.failures).toEqual([
        { property: "autoGroup", reason: "autoGroup, domain, name: unknown properties; allowed: policyId, ruleIds" },
      ]);
      expect(await stack.control.requests()).toEqual([]);
    });
  });
});
