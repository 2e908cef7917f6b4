import { CheckFailedError } from "../../provider/offline/engine";
import { runMatrix } from "../harness/matrix";
import { useStack } from "../harness/stack";
import { policyMatrix } from "./matrices/policy";

describe("Policy through the provider host", () => {
  const stack = useStack();

  runMatrix(policyMatrix, () => stack);

  const policies = async () => (await stack.api("GET", "/v3/policies?limit=200")).body.data as any[];

  it("resets a removed limit block to the plan defaults instead of leaving it", async () => {
    const made = await stack.engine.up("Policy", "reset", { name: "reset", limits: { limitCountDailyEmailSent: 5 } });
    const r = await stack.engine.up("Policy", "reset", { name: "reset" });
    expect(r.op).toBe("update");
    const wire = (await stack.api("GET", `/v3/policies/${made.id}`)).body.data;
    if (stack.profile === "harsh") {
      // Nylas may merge nested objects on PUT (variance W5): then the limit stays, and the provider says so.
      expect(wire.limits.limit_count_daily_email_sent).toBe(5);
      expect(stack.engine.host.output.join("")).toContain(`Nylas Policy ${made.id} (name "reset"): limits.limitCountDailyEmailSent is no longer declared, but Nylas kept 5`);
    } else {
      expect(wire.limits.limit_count_daily_email_sent).not.toBe(5);
    }
    expect((await stack.engine.up("Policy", "reset", { name: "reset" })).op).toBe("same");
  });

  it("adopts an existing policy by id and by name, reconciling it to the inputs", async () => {
    const raw = (await stack.api("POST", "/v3/policies", { name: "pre-existing", limits: { limit_count_daily_email_sent: 3 } })).body.data;
    const byId = await stack.engine.up("Policy", "adopt-id", { name: "pre-existing", limits: { limitCountDailyEmailSent: 30 }, adopt: raw.id });
    expect(byId.op).toBe("create");
    expect(byId.id).toBe(raw.id);
    expect((await stack.api("GET", `/v3/policies/${raw.id}`)).body.data.limits.limit_count_daily_email_sent).toBe(30);
    expect((await stack.engine.up("Policy", "adopt-id", { name: "pre-existing", limits: { limitCountDailyEmailSent: 30 }, adopt: raw.id })).op).toBe("same");

    const raw2 = (await stack.api("POST", "/v3/policies", { name: "find-me" })).body.data;
    const byName = await stack.engine.up("Policy", "adopt-name", { name: "find-me", adopt: true });
    expect(byName.id).toBe(raw2.id);
    expect((await policies()).filter((p) => p.name === "find-me")).toHaveLength(1);

    const missing = await stack.engine.up("Policy", "adopt-missing", { name: "nobody", adopt: true }).catch((e) => e);
    expect(missing.message).toContain('adopt: no existing Nylas Policy with name "nobody"; remove adopt to create one');
  });

  it("refuses bad input in check with zero API calls and one clear message", async () => {
    await stack.control.clearRequests();
    const err = await stack.engine
      .up("Policy", "bad", { name: "bad", limits: { limitInboxRetentionPeriod: 10, limitSpamRetentionPeriod: 30 } })
      .catch((e) => e);
    expect(err).toBeInstanceOf(CheckFailedError);
    expect(err.failures).toEqual([
      {
        property: "limits.limitSpamRetentionPeriod",
        reason: "limits.limitSpamRetentionPeriod = 30: limitInboxRetentionPeriod must be greater than limitSpamRetentionPeriod",
      },
    ]);
    expect(await stack.control.requests()).toEqual([]);
  });

  describe("options (plan-gated)", () => {
    const wire = async (id: string) => (await stack.api("GET", `/v3/policies/${id}`)).body.data;
    afterEach(() => stack.control.plan(null));

    it("creates, updates and resets options; an account under the policy gets the folders", async () => {
      const inputs = { name: "with-options", options: { additionalFolders: [" Invoices ", "Clients / Acme", "Invoices"], useCidrAliasing: true } };
      const made = await stack.engine.up("Policy", "options", inputs);
      expect(made.outputs.options).toEqual({ additionalFolders: ["Clients/Acme", "Invoices"], useCidrAliasing: true });
      expect((await wire(made.id)).options).toMatchObject({ additional_folders: expect.arrayContaining(["Clients/Acme", "Invoices"]), use_cidr_aliasing: true });
      await stack.control.clearRequests();
      expect((await stack.engine.up("Policy", "options", { ...inputs, options: { useCidrAliasing: true, additionalFolders: ["Invoices", "Clients/Acme"] } })).op).toBe("same");
      expect(await stack.control.requests()).toEqual([]);
      expect((await stack.engine.refresh("Policy", "options")).op).toBe("same");

      // The folders appear in every account of a workspace that uses the policy.
      const ws = await stack.engine.up("Workspace", "options-ws", { name: "options", policyId: made.id });
      const acct = await stack.engine.up("AgentAccount", "options-acct", { email: "options@agents.example.com", workspaceId: ws.id });
      const names = ((await stack.api("GET", `/v3/grants/${acct.id}/folders?limit=50`)).body.data as any[]).map((f) => f.name);
      expect(names).toEqual(expect.arrayContaining(["Clients/Acme", "Invoices"]));
      // A Folder declared for one of them takes it over as pre-existing (destroy leaves it).
      const f = await stack.engine.up("Folder", "options-invoices", { grantId: acct.id, path: "Invoices" });
      expect(f.outputs.createdByProvider).toBe(false);

      const fewer = await stack.engine.up("Policy", "options", { name: "with-options", options: { additionalFolders: ["Invoices"] } });
      expect(fewer.op).toBe("update");
      expect(fewer.outputs.options).toEqual({ additionalFolders: ["Invoices"] });
      // Removed altogether: `{}` puts the plan defaults back, no diff afterwards.
      await stack.control.clearRequests();
      const none = await stack.engine.up("Policy", "options", { name: "with-options" });
      expect(none.outputs.options).toBeUndefined();
      const put = (await stack.control.requests()).find((q) => q.method === "PUT");
      expect(put).toBeDefined();
      expect((await wire(made.id)).options?.additional_folders ?? []).toEqual([]);
      expect((await stack.engine.up("Policy", "options", { name: "with-options" })).op).toBe("same");

      await stack.engine.destroy("Folder", "options-invoices");
      await stack.engine.destroy("AgentAccount", "options-acct");
      await stack.engine.destroy("Workspace", "options-ws");
      await stack.engine.destroy("Policy", "options");
    });

    it("reports the plan's refusal as one clear error, and makes nothing", async () => {
      await stack.control.plan("free");
      await stack.control.clearRequests();
      const err = await stack.engine.up("Policy", "free-options", { name: "free-options", options: { useCidrAliasing: true } }).catch((e) => e);
      expect(err.message).toMatch(
        /^creating Nylas Policy \(name "free-options"\): the organization's Nylas plan does not allow options\.useCidrAliasing: policy options are plan-gated \(the Full Platform plan has them\); remove options from the Policy, or upgrade the plan\. Nylas said: 400 .*use_cidr_aliasing is not available on the Free plan/,
      );
      expect(stack.engine.get("Policy", "free-options")).toBeUndefined();
      expect((await policies()).filter((p) => p.name === "free-options")).toEqual([]);
      // The same policy without options is fine on that plan; adding them later is refused the same way.
      const plain = await stack.engine.up("Policy", "free-options", { name: "free-options" });
      const later = await stack.engine.up("Policy", "free-options", { name: "free-options", options: { additionalFolders: ["Invoices"] } }).catch((e) => e);
      expect(later.message).toContain(`updating Nylas Policy ${plain.id}: the organization's Nylas plan does not allow options.additionalFolders`);
      expect((await wire(plain.id)).options?.additional_folders ?? []).toEqual([]);
      await stack.engine.destroy("Policy", "free-options");
    });

    it("refuses bad options in check with zero API calls", async () => {
      await stack.control.clearRequests();
      const failures = async (options: unknown) => ((await stack.engine.up("Policy", "bad-options", { name: "x", options }).catch((e) => e)) as CheckFailedError).failures;
      expect(await failures({ additionalFolders: ["Inbox"] })).toEqual([
        {
          property: "options.additionalFolders[0]",
          reason:
            'options.additionalFolders[0] = "Inbox": is a system folder: inbox, sent, drafts, trash, junk and archive exist on every account and are never created, renamed or deleted; rules file into them by name as they are',
        },
      ]);
      expect(await failures({ useCidrAliasing: "yes" })).toEqual([{ property: "options.useCidrAliasing", reason: 'options.useCidrAliasing = "yes": must be true or false' }]);
      expect(await failures({ additionalFolder: ["x"] })).toEqual([
        { property: "options.additionalFolder", reason: "options.additionalFolder: unknown property (did you mean additionalFolders?); allowed: additionalFolders, useCidrAliasing" },
      ]);
      expect(await stack.control.requests()).toEqual([]);
    });
  });
});
