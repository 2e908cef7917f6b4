import { NylasApi } from "../../provider/api";
import type { NylasClient } from "../../provider/client";
import { defaultWorkspaceDefinition } from "../../provider/resources/workspace";
import { CheckFailedError } from "../../provider/offline/engine";
import { expectDestroyedTwice, expectRecreatedAfterOutOfBandDelete, runMatrix } from "../harness/matrix";
import { useStack } from "../harness/stack";
import { rawPolicy, rawRule, workspaceMatrix } from "./matrices/workspace";

describe("Workspace and DefaultWorkspace through the provider host", () => {
  const stack = useStack();

  const workspaces = async () => (await stack.api("GET", "/v3/workspaces")).body.data as any[];
  const wire = async (id: string) => (await stack.api("GET", `/v3/workspaces/${id}`)).body.data;
  const policy = (name: string) => rawPolicy(stack.api, name);
  const rule = (name: string) => rawRule(stack.api, name);
  const hostOutput = () => stack.engine.host.output.join("");

  describe("Workspace", () => {
    runMatrix(workspaceMatrix, () => stack);

    it("replaces on a domain change, deleting the old workspace first", async () => {
      const made = await stack.engine.up("Workspace", "moving", { name: "moving", domain: "old.moving.example" });
      const d = await stack.engine.preview("Workspace", "moving", { name: "moving", domain: "new.moving.example" });
      expect(d).toEqual({ op: "replace", replaces: ["domain"] });
      await stack.control.clearRequests();
      const r = await stack.engine.up("Workspace", "moving", { name: "moving", domain: "new.moving.example" });
      expect(r.op).toBe("replace");
      expect(r.replaces).toEqual(["domain"]);
      expect(r.id).not.toBe(made.id);
      const log = (await stack.control.requests()).filter((q) => q.method !== "GET").map((q) => `${q.method} ${q.path}`);
      expect(log).toEqual([`DELETE /v3/workspaces/${made.id}`, "POST /v3/workspaces"]);
      const all = await workspaces();
      expect(all.find((w) => w.workspace_id === made.id)).toBeUndefined();
      expect(all.filter((w) => w.domain === "new.moving.example").map((w) => w.workspace_id)).toEqual([r.id]);
      await stack.engine.destroy("Workspace", "moving");
    });

    it("detaches a removed policy with null and removed rules with an empty set", async () => {
      const p = await policy("detach");
      const r = await rule("detach");
      const made = await stack.engine.up("Workspace", "detach", { name: "detach", domain: "detach.example", policyId: p, ruleIds: [r] });
      await stack.control.clearRequests();
      const up = await stack.engine.up("Workspace", "detach", { name: "detach", domain: "detach.example" });
      expect(up.op).toBe("update");
      expect(up.outputs.policyId).toBeUndefined();
      expect(up.outputs.ruleIds).toBeUndefined();
      // The emulator refuses "" (400) and keeps the policy when policy_id is omitted: only null detaches.
      expect(await stack.control.requests()).toEqual([expect.objectContaining({ method: "PATCH", path: `/v3/workspaces/${made.id}`, status: 200 })]);
      const w = await wire(made.id);
      expect(w.policy_id ?? null).toBeNull();
      expect(w.rule_ids ?? []).toEqual([]);
      expect((await stack.engine.up("Workspace", "detach", { name: "detach", domain: "detach.example" })).op).toBe("same");
      // An empty rule list means the same as none: no diff.
      expect((await stack.engine.preview("Workspace", "detach", { name: "detach", domain: "detach.example", ruleIds: [] })).op).toBe("same");
      await stack.engine.destroy("Workspace", "detach");
    });

    it("reports a policy or rule deleted outside Pulumi as a dangling reference", async () => {
      const p = await policy("dangling");
      const r = await rule("dangling");
      const made = await stack.engine.up("Workspace", "dangling", { name: "dangling", domain: "dangling.example", policyId: p, ruleIds: [r] });
      expect((await stack.engine.refresh("Workspace", "dangling")).op).toBe("same");
      expect(hostOutput()).not.toContain("dangling.example) points at");

      await stack.api("DELETE", `/v3/policies/${p}`);
      await stack.api("DELETE", `/v3/rules/${r}`);
      const refreshed = await stack.engine.refresh("Workspace", "dangling");
      // Read reports what Nylas has (the ids are still attached) and warns that they point nowhere.
      expect(refreshed.outputs).toMatchObject({ policyId: p, ruleIds: [r] });
      expect(hostOutput()).toContain(
        `warning: Nylas Workspace ${made.id} (domain dangling.example) points at policy ${p} and rule ${r} that no longer exist (deleted outside Pulumi?)`,
      );
      await stack.engine.destroy("Workspace", "dangling");
    });

    it("attaches 300 rules and reads them back without drift", async () => {
      const ids: string[] = [];
      for (let i = 0; i < 300; i++) ids.push(await rule(`bulk-${i}`));
      const made = await stack.engine.up("Workspace", "bulk", { name: "bulk", domain: "bulk.example", ruleIds: ids });
      expect(made.outputs.ruleIds).toEqual([...ids].sort());
      expect((await wire(made.id)).rule_ids).toHaveLength(300);
      expect((await stack.engine.refresh("Workspace", "bulk")).op).toBe("same");
      expect((await stack.engine.up("Workspace", "bulk", { name: "bulk", domain: "bulk.example", ruleIds: [...ids].reverse() })).op).toBe("same");
      await stack.engine.destroy("Workspace", "bulk");
    });

    it("adopts an existing workspace by id and by domain, reconciling it to the inputs", async () => {
      const p = await policy("adopt");
      const raw = (await stack.api("POST", "/v3/workspaces", { name: "pre-existing", domain: "adopt-id.example", policy_id: p })).body.data;
      const byId = await stack.engine.up("Workspace", "adopt-id", { name: "adopted", domain: "adopt-id.example", adopt: raw.workspace_id });
      expect(byId.op).toBe("create");
      expect(byId.id).toBe(raw.workspace_id);
      // Declarative: no policyId declared, so the hand-attached policy is detached.
      expect(await wire(raw.workspace_id)).toMatchObject({ name: "adopted" });
      expect((await wire(raw.workspace_id)).policy_id ?? null).toBeNull();
      expect((await stack.engine.up("Workspace", "adopt-id", { name: "adopted", domain: "adopt-id.example", adopt: raw.workspace_id })).op).toBe("same");

      const raw2 = (await stack.api("POST", "/v3/workspaces", { name: "find-me", domain: "adopt-true.example" })).body.data;
      const byDomain = await stack.engine.up("Workspace", "adopt-true", { name: "found", domain: "ADOPT-TRUE.example", adopt: true });
      expect(byDomain.id).toBe(raw2.workspace_id);
      expect((await workspaces()).filter((w) => w.domain === "adopt-true.example")).toHaveLength(1);

      const missing = await stack.engine.up("Workspace", "adopt-missing", { name: "x", domain: "nobody.example", adopt: true }).catch((e) => e);
      expect(missing.message).toContain("adopt: no existing Nylas Workspace with domain nobody.example; remove adopt to create one");

      const wrongDomain = await stack.engine.up("Workspace", "adopt-wrong", { name: "x", domain: "other.example", adopt: raw2.workspace_id }).catch((e) => e);
      expect(wrongDomain.message).toContain("a workspace's domain cannot be changed");

      const dflt = (await workspaces()).find((w) => w.default);
      const notDefault = await stack.engine.up("Workspace", "adopt-default", { name: "x", domain: "x.example", adopt: dflt.workspace_id }).catch((e) => e);
      expect(notDefault.message).toContain("is the application's default workspace; manage it with DefaultWorkspace");
      await stack.engine.destroy("Workspace", "adopt-id");
      await stack.engine.destroy("Workspace", "adopt-true");
    });

    it("refuses bad input in check with zero API calls and one clear message each", async () => {
      await stack.control.clearRequests();
      const failures = async (inputs: Record<string, unknown>) =>
        ((await stack.engine.up("Workspace", "bad", inputs).catch((e) => e)) as CheckFailedError).failures;
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

  describe("Workspace without a domain", () => {
    it("runs the acceptance matrix: create, no-op, update, replace, refresh, drift, adopt, out-of-band delete, delete twice", async () => {
      await stack.control.clearRequests();
      const made = await stack.engine.up("Workspace", "tier", { name: "Premium agents" });
      expect(made.op).toBe("create");
      expect(made.outputs.domain).toBeUndefined();
      expect(made.outputs.autoGroup).toBe(false);
      const posted = (await stack.control.requests()).filter((q) => q.method === "POST");
      expect(posted.map((q) => q.path)).toEqual(["/v3/workspaces"]);
      expect((await wire(made.id)).domain ?? null).toBeNull();

      await stack.control.clearRequests();
      expect((await stack.engine.up("Workspace", "tier", { name: "Premium agents" })).op).toBe("same");
      expect(await stack.control.requests()).toEqual([]);

      const p = await policy("tier");
      const updated = await stack.engine.up("Workspace", "tier", { name: "Premium", policyId: p });
      expect(updated).toMatchObject({ op: "update", id: made.id });
      expect(await wire(made.id)).toMatchObject({ name: "Premium", policy_id: p });
      const declared = { name: "Premium", policyId: p };
      expect((await stack.engine.refresh("Workspace", "tier")).op).toBe("same");

      await stack.api("PATCH", `/v3/workspaces/${made.id}`, { name: "Renamed by hand" });
      expect((await stack.engine.refresh("Workspace", "tier")).outputs).toMatchObject({ name: "Renamed by hand" });
      expect((await stack.engine.up("Workspace", "tier", declared)).op).toBe("update");

      // Adopted by name among the domain-less ones.
      const raw = (await stack.api("POST", "/v3/workspaces", { name: "Found by name" })).body.data;
      const adopted = await stack.engine.up("Workspace", "found", { name: "Found by name", adopt: true });
      expect(adopted.id).toBe(raw.workspace_id);
      await stack.engine.destroy("Workspace", "found");

      await expectRecreatedAfterOutOfBandDelete(stack.engine, "Workspace", "tier", declared, (id) => stack.api("DELETE", `/v3/workspaces/${id}`));

      // Nylas cannot add a domain later: declaring one replaces the workspace, the old one deleted first.
      const old = stack.engine.get("Workspace", "tier")!.id;
      expect(await stack.engine.preview("Workspace", "tier", { ...declared, domain: "premium.example" })).toEqual({ op: "replace", replaces: ["domain"] });
      const withDomain = await stack.engine.up("Workspace", "tier", { ...declared, domain: "premium.example" });
      expect(withDomain).toMatchObject({ op: "replace", outputs: { domain: "premium.example" } });
      expect((await workspaces()).some((w) => w.workspace_id === old)).toBe(false);
      // …and removing it again replaces it too.
      expect((await stack.engine.preview("Workspace", "tier", declared)).op).toBe("replace");
      await stack.engine.up("Workspace", "tier", declared);
      await expectDestroyedTwice(stack.engine, "Workspace", "tier", async (id) => (await workspaces()).some((w) => w.workspace_id === id));
    });

    it("holds accounts of any domain placed by workspaceId; destroying it moves them to the default workspace", async () => {
      const dflt = (await workspaces()).find((w) => w.default);
      const [a, b] = [await stack.engine.up("Workspace", "tier-a", { name: "Tier A" }), await stack.engine.up("Workspace", "tier-b", { name: "Tier B" })];
      const acct = await stack.engine.up("AgentAccount", "tiered", { email: "tiered@agents.example.com", workspaceId: a.id });
      expect(acct.outputs.workspaceId).toBe(a.id);
      expect((await stack.api("GET", `/v3/grants/${acct.id}`)).body.data.workspace_id).toBe(a.id);
      // Moved between domain-less workspaces by a grant update.
      await stack.control.clearRequests();
      expect((await stack.engine.up("AgentAccount", "tiered", { email: "tiered@agents.example.com", workspaceId: b.id })).outputs.workspaceId).toBe(b.id);
      expect((await stack.control.requests()).filter((q) => q.method !== "GET").map((q) => `${q.method} ${q.path}`)).toEqual([`PATCH /v3/grants/${acct.id}`]);
      // Its workspace destroyed: the account is in the default workspace (refresh shows it)…
      await stack.engine.destroy("Workspace", "tier-b");
      expect((await stack.engine.refresh("AgentAccount", "tiered")).outputs!.workspaceId).toBe(dflt.workspace_id);
      // …and is moved where it is declared to be.
      expect((await stack.engine.up("AgentAccount", "tiered", { email: "tiered@agents.example.com", workspaceId: a.id })).outputs.workspaceId).toBe(a.id);
      // Back to the default workspace: by its id, as the reference says (never remove_grants).
      const back = await stack.engine.up("AgentAccount", "tiered", { email: "tiered@agents.example.com", workspaceId: dflt.workspace_id });
      expect(back.outputs.workspaceId).toBe(dflt.workspace_id);
      await stack.engine.destroy("AgentAccount", "tiered");
      await stack.engine.destroy("Workspace", "tier-a");
    });

    it("does not duplicate a domain-less workspace whose create answer was lost", async () => {
      await stack.control.faults([{ method: "POST", path: "^/v3/workspaces$", times: 1, kind: "commit-then-reset" }]);
      const r = await stack.engine.up("Workspace", "ghost-domainless", { name: "ghost domain-less" });
      await stack.control.clearFaults();
      const same = (await workspaces()).filter((w) => w.name === "ghost domain-less");
      expect(same.map((w) => w.workspace_id)).toEqual([r.id]);
      expect(hostOutput()).toContain(`Nylas Workspace name "ghost domain-less" (no domain): the create's answer was lost but the object was made (${r.id}); adopting it`);
      await stack.engine.destroy("Workspace", "ghost-domainless");
    });

    it("refuses autoGroup without a domain in check (Nylas would refuse it)", async () => {
      await stack.control.clearRequests();
      const err = (await stack.engine.up("Workspace", "bad-auto", { name: "x", autoGroup: true }).catch((e) => e)) as CheckFailedError;
      expect(err.failures).toEqual([
        {
          property: "autoGroup",
          reason: "autoGroup = true: needs a domain: a workspace without one never collects new accounts automatically; set domain, or place accounts with AgentAccount.workspaceId",
        },
      ]);
      expect(await stack.control.requests()).toEqual([]);
    });
  });

  describe("state written by earlier versions", () => {
    it("a Workspace with a domain and a DefaultWorkspace keep working without a diff", async () => {
      // Outputs exactly as the previous version recorded them (domain always a string; no new outputs).
      const raw = (await stack.api("POST", "/v3/workspaces", { name: "Legacy", domain: "legacy.example", auto_group: false })).body.data;
      const provider = await stack.engine.providerText("Workspace");
      const urn = stack.engine.urn("Workspace", "legacy");
      const inputs = { name: "Legacy", domain: "legacy.example", __provider: provider };
      const outputs = { name: "Legacy", domain: "legacy.example", autoGroup: false, createdAt: raw.created_at, __provider: provider };
      stack.engine.restore([{ urn, type: "Workspace", name: "legacy", id: raw.workspace_id, inputs, outputs, secretInputs: [], secretOutputs: [] }]);
      await stack.control.clearRequests();
      expect((await stack.engine.preview("Workspace", "legacy", { name: "Legacy", domain: "legacy.example" })).op).toBe("same");
      expect(await stack.control.requests()).toEqual([]);
      expect((await stack.engine.refresh("Workspace", "legacy")).op).toBe("same");
      expect((await stack.engine.up("Workspace", "legacy", { name: "Legacy", domain: "legacy.example" })).op).toBe("same");
      await stack.engine.destroy("Workspace", "legacy");

      const dflt = (await workspaces()).find((w) => w.default);
      const p0 = await policy("legacy-original");
      const p1 = await policy("legacy-managed");
      await stack.api("PATCH", `/v3/workspaces/${dflt.workspace_id}`, { policy_id: p1, rule_ids: [] });
      const dProvider = await stack.engine.providerText("DefaultWorkspace");
      stack.engine.restore([
        {
          urn: stack.engine.urn("DefaultWorkspace", "legacy-default"),
          type: "DefaultWorkspace",
          name: "legacy-default",
          id: dflt.workspace_id,
          inputs: { policyId: p1, __provider: dProvider },
          outputs: { policyId: p1, originalPolicyId: p0, originalRuleIds: [], createdAt: dflt.created_at, __provider: dProvider },
          secretInputs: [],
          secretOutputs: [],
        },
      ]);
      await stack.control.clearRequests();
      expect((await stack.engine.preview("DefaultWorkspace", "legacy-default", { policyId: p1 })).op).toBe("same");
      expect(await stack.control.requests()).toEqual([]);
      expect((await stack.engine.refresh("DefaultWorkspace", "legacy-default")).op).toBe("same");
      await stack.engine.destroy("DefaultWorkspace", "legacy-default");
      expect((await wire(dflt.workspace_id)).policy_id).toBe(p0); // restored what the earlier version captured
    });
  });

  describe("DefaultWorkspace", () => {
    it("adopts the default workspace, manages its policy and rules, and restores them on destroy", async () => {
      const dflt = (await workspaces()).find((w) => w.default);
      const [p0, p1] = [await policy("default-original"), await policy("default-managed")];
      const [r0, r1, r2] = [await rule("default-original"), await rule("default-managed-1"), await rule("default-managed-2")];
      await stack.api("PATCH", `/v3/workspaces/${dflt.workspace_id}`, { policy_id: p0, rule_ids: [r0] });

      const inputs = { policyId: p1, ruleIds: [r2, r1] };
      const made = await stack.engine.up("DefaultWorkspace", "default", inputs);
      expect(made.op).toBe("create");
      expect(made.id).toBe(dflt.workspace_id);
      expect(made.outputs).toMatchObject({ policyId: p1, ruleIds: [r1, r2].sort(), originalPolicyId: p0, originalRuleIds: [r0] });
      expect(await wire(dflt.workspace_id)).toMatchObject({ policy_id: p1, rule_ids: expect.arrayContaining([r1, r2]), default: true });
      expect((await workspaces()).filter((w) => w.default)).toHaveLength(1); // nothing was created

      await stack.control.clearRequests();
      expect((await stack.engine.up("DefaultWorkspace", "default", inputs)).op).toBe("same");
      expect(await stack.control.requests()).toEqual([]);
      expect((await stack.engine.refresh("DefaultWorkspace", "default")).op).toBe("same");

      const updated = await stack.engine.up("DefaultWorkspace", "default", { ruleIds: [r2] });
      expect(updated.op).toBe("update");
      expect(updated.outputs).toMatchObject({ ruleIds: [r2], originalPolicyId: p0, originalRuleIds: [r0] });
      expect((await wire(dflt.workspace_id)).policy_id ?? null).toBeNull();
      expect((await wire(dflt.workspace_id)).rule_ids).toEqual([r2]);

      // Rules changed by hand: refresh shows it, up puts it back, the originals are untouched.
      await stack.api("PATCH", `/v3/workspaces/${dflt.workspace_id}`, { rule_ids: [r1] });
      const drift = await stack.engine.refresh("DefaultWorkspace", "default");
      expect(drift.op).toBe("update");
      expect(drift.outputs).toMatchObject({ ruleIds: [r1], originalPolicyId: p0, originalRuleIds: [r0] });
      expect((await stack.engine.up("DefaultWorkspace", "default", { ruleIds: [r2] })).op).toBe("update");
      expect((await wire(dflt.workspace_id)).rule_ids).toEqual([r2]);

      const state = stack.engine.get("DefaultWorkspace", "default")!;
      await stack.engine.destroy("DefaultWorkspace", "default");
      expect(await wire(dflt.workspace_id)).toMatchObject({ policy_id: p0, rule_ids: [r0], default: true });
      // Destroying twice is harmless: it restores the same values again.
      await expect(stack.engine.host.delete(state.urn, state.id, state.outputs)).resolves.toBeUndefined();
      expect(await wire(dflt.workspace_id)).toMatchObject({ policy_id: p0, rule_ids: [r0] });

      // A default workspace with nothing attached is restored to nothing (null policy, no rules).
      await stack.api("PATCH", `/v3/workspaces/${dflt.workspace_id}`, { policy_id: null, rule_ids: [] });
      const bare = await stack.engine.up("DefaultWorkspace", "bare", { policyId: p1 });
      expect(bare.outputs.originalPolicyId).toBeUndefined();
      expect(bare.outputs.originalRuleIds).toEqual([]);
      await stack.engine.destroy("DefaultWorkspace", "bare");
      const w = await wire(dflt.workspace_id);
      expect(w.policy_id ?? null).toBeNull();
      expect(w.rule_ids).toEqual([]);
    });

    it("restores without an original policy that was deleted meanwhile, and says so", async () => {
      const dflt = (await workspaces()).find((w) => w.default);
      const [gone, p1] = [await policy("default-gone"), await policy("default-kept")];
      await stack.api("PATCH", `/v3/workspaces/${dflt.workspace_id}`, { policy_id: gone, rule_ids: [] });
      await stack.engine.up("DefaultWorkspace", "restore", { policyId: p1 });
      await stack.api("DELETE", `/v3/policies/${gone}`);
      await stack.engine.destroy("DefaultWorkspace", "restore");
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
          // The application leaves default_workspace_id out when it has none (fields are omitted when empty).
          if (o.path === "/v3/applications") return { application_id: "app-1", region: "us" };
          return { data: [{ workspace_id: "w1", name: "custom", domain: "x.example", default: false }] };
        },
        domainsRoute: () => ({ route: "iam" }),
      } as unknown as NylasClient;
      await expect(defaultWorkspaceDefinition.create({ api: new NylasApi(client), warn: () => {} }, { policyId: "p1" })).rejects.toThrow(
        "this Nylas application has no default workspace (applications created before workspaces existed may have none); " +
          "remove the DefaultWorkspace resource, or attach the policy and rules to a Workspace instead",
      );
      expect(calls).toEqual(["GET /v3/applications", "GET /v3/workspaces"]); // nothing was changed
    });

    it("takes the default workspace the application names, even when the workspace list does not flag it", async () => {
      // An answer may leave `default` out: the application's default_workspace_id is the setting that decides.
      const calls: string[] = [];
      const wire = { workspace_id: "w0", name: "Default", policy_id: "p0", rule_ids: [] };
      const client = {
        call: async (o: { method: string; path: string; body?: any }) => {
          calls.push(`${o.method} ${o.path}`);
          if (o.path === "/v3/applications") return { application_id: "app-1", default_workspace_id: "w0" };
          if (o.method === "PATCH") return { ...wire, ...o.body };
          if (o.path === "/v3/workspaces/w0") return wire;
          return { data: [{ workspace_id: "w1", name: "custom", domain: "x.example" }, wire] };
        },
        domainsRoute: () => ({ route: "iam" }),
      } as unknown as NylasClient;
      const made = await defaultWorkspaceDefinition.create({ api: new NylasApi(client), warn: () => {} }, { policyId: "p1" });
      expect(made).toMatchObject({ id: "w0", outs: { policyId: "p1", originalPolicyId: "p0", originalRuleIds: [] } });
      expect(calls).toEqual(["GET /v3/applications", "GET /v3/workspaces/w0", "PATCH /v3/workspaces/w0"]);
      // Its read does not insist on a `default` flag either.
      await expect(defaultWorkspaceDefinition.read({ api: new NylasApi(client), warn: () => {} }, "w0", made.outs)).resolves.toMatchObject({ policyId: "p0" });
    });

    it("does not accept name, domain or autoGroup (Nylas refuses to change them)", async () => {
      await stack.control.clearRequests();
      const err = (await stack.engine.up("DefaultWorkspace", "named", { name: "x", domain: "x.example", autoGroup: true }).catch((e) => e)) as CheckFailedError;
      expect(err).toBeInstanceOf(CheckFailedError);
      expect(err.failures).toEqual([
        { property: "autoGroup", reason: "autoGroup, domain, name: unknown properties; allowed: policyId, ruleIds" },
      ]);
      expect(await stack.control.requests()).toEqual([]);
    });
  });
});
