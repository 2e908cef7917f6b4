import { CheckFailedError, type Engine } from "../../provider/offline/engine";
import { startStack, type TestStack } from "../harness/stack";
import { expectDestroyedTwice, expectRecreatedAfterOutOfBandDelete } from "../harness/matrix";

describe("Policy through the provider host", () => {
  let stack: TestStack;
  let engine: Engine;
  beforeAll(async () => {
    stack = await startStack();
    engine = stack.engine;
  });
  afterAll(() => stack.stop());

  const policies = async () => (await stack.api("GET", "/v3/policies?limit=200")).body.data as any[];

  it("runs the acceptance matrix: create, no-op, update, refresh, drift, out-of-band delete, delete twice", async () => {
    const inputs = {
      name: "  matrix  ",
      limits: { limitCountDailyEmailSent: 500, limitAttachmentAllowedTypes: ["image/*", "Application/PDF", "image/*"] },
      spamDetection: { spamSensitivity: 1.5 },
    };
    const made = await engine.up("Policy", "matrix", inputs);
    expect(made.op).toBe("create");
    expect(made.outputs).toMatchObject({
      name: "matrix",
      limits: { limitCountDailyEmailSent: 500, limitAttachmentAllowedTypes: ["application/pdf", "image/*"] },
      spamDetection: { spamSensitivity: 1.5 },
    });
    // Nylas fills the limits we did not set; they are reported but not managed.
    expect(Object.keys(made.outputs.effectiveLimits as object).length).toBeGreaterThan(2);

    await stack.control.clearRequests();
    expect((await engine.up("Policy", "matrix", inputs)).op).toBe("same");
    expect(await stack.control.requests()).toEqual([]); // check + diff make no API calls

    const updated = await engine.up("Policy", "matrix", { ...inputs, limits: { limitCountDailyEmailSent: 50 } });
    expect(updated.op).toBe("update");
    expect(updated.id).toBe(made.id);
    const wire = (await stack.api("GET", `/v3/policies/${made.id}`)).body.data;
    expect(wire.limits.limit_count_daily_email_sent).toBe(50);

    expect((await engine.refresh("Policy", "matrix")).op).toBe("same");

    // A colleague changes the limit in the dashboard: refresh shows exactly that drift, up reverts it.
    await stack.api("PUT", `/v3/policies/${made.id}`, { limits: { limit_count_daily_email_sent: 9 } });
    const drift = await engine.refresh("Policy", "matrix");
    expect(drift.op).toBe("update");
    expect(drift.outputs!.limits).toEqual({ limitCountDailyEmailSent: 9 });
    expect((await engine.preview("Policy", "matrix", { ...inputs, limits: { limitCountDailyEmailSent: 50 } })).op).toBe("update");
    expect((await engine.up("Policy", "matrix", { ...inputs, limits: { limitCountDailyEmailSent: 50 } })).op).toBe("update");
    expect((await stack.api("GET", `/v3/policies/${made.id}`)).body.data.limits.limit_count_daily_email_sent).toBe(50);

    await expectRecreatedAfterOutOfBandDelete(engine, "Policy", "matrix", inputs, (id) => stack.api("DELETE", `/v3/policies/${id}`));
    await expectDestroyedTwice(engine, "Policy", "matrix", async (id) => (await policies()).some((p) => p.id === id));
  });

  it("resets a removed limit block to the plan defaults instead of leaving it", async () => {
    const made = await engine.up("Policy", "reset", { name: "reset", limits: { limitCountDailyEmailSent: 5 } });
    const r = await engine.up("Policy", "reset", { name: "reset" });
    expect(r.op).toBe("update");
    const wire = (await stack.api("GET", `/v3/policies/${made.id}`)).body.data;
    if (stack.profile === "harsh") {
      // Nylas may merge nested objects on PUT (§10 W5): then the limit stays, and the provider says so.
      expect(wire.limits.limit_count_daily_email_sent).toBe(5);
      expect(engine.host.output.join("")).toContain(`Nylas Policy ${made.id} (name "reset"): limits.limitCountDailyEmailSent is no longer declared, but Nylas kept 5`);
    } else {
      expect(wire.limits.limit_count_daily_email_sent).not.toBe(5);
    }
    expect((await engine.up("Policy", "reset", { name: "reset" })).op).toBe("same");
  });

  it("adopts an existing policy by id and by name, reconciling it to the inputs", async () => {
    const raw = (await stack.api("POST", "/v3/policies", { name: "pre-existing", limits: { limit_count_daily_email_sent: 3 } })).body.data;
    const byId = await engine.up("Policy", "adopt-id", { name: "pre-existing", limits: { limitCountDailyEmailSent: 30 }, adopt: raw.id });
    expect(byId.op).toBe("create");
    expect(byId.id).toBe(raw.id);
    expect((await stack.api("GET", `/v3/policies/${raw.id}`)).body.data.limits.limit_count_daily_email_sent).toBe(30);
    expect((await engine.up("Policy", "adopt-id", { name: "pre-existing", limits: { limitCountDailyEmailSent: 30 }, adopt: raw.id })).op).toBe("same");

    const raw2 = (await stack.api("POST", "/v3/policies", { name: "find-me" })).body.data;
    const byName = await engine.up("Policy", "adopt-name", { name: "find-me", adopt: true });
    expect(byName.id).toBe(raw2.id);
    expect((await policies()).filter((p) => p.name === "find-me")).toHaveLength(1);

    const missing = await engine.up("Policy", "adopt-missing", { name: "nobody", adopt: true }).catch((e) => e);
    expect(missing.message).toContain('adopt: no existing Nylas Policy with name "nobody"; remove adopt to create one');
  });

  it("does not duplicate a policy whose create answer was lost", async () => {
    for (const fault of [
      { kind: "commit-then-reset" as const },
      { kind: "commit-then-status" as const, status: 504 },
    ]) {
      const name = `ghost-${fault.kind}`;
      await stack.control.faults([{ method: "POST", path: "^/v3/policies$", times: 1, ...fault }]);
      const r = await engine.up("Policy", name, { name });
      const same = (await policies()).filter((p) => p.name === name);
      expect(same).toHaveLength(1);
      expect(r.id).toBe(same[0].id);
    }
  });

  it("refuses bad input in check with zero API calls and one clear message", async () => {
    await stack.control.clearRequests();
    const err = await engine
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
      const made = await engine.up("Policy", "options", inputs);
      expect(made.outputs.options).toEqual({ additionalFolders: ["Clients/Acme", "Invoices"], useCidrAliasing: true });
      expect((await wire(made.id)).options).toMatchObject({ additional_folders: expect.arrayContaining(["Clients/Acme", "Invoices"]), use_cidr_aliasing: true });
      await stack.control.clearRequests();
      expect((await engine.up("Policy", "options", { ...inputs, options: { useCidrAliasing: true, additionalFolders: ["Invoices", "Clients/Acme"] } })).op).toBe("same");
      expect(await stack.control.requests()).toEqual([]);
      expect((await engine.refresh("Policy", "options")).op).toBe("same");

      // The folders appear in every account of a workspace that uses the policy.
      const ws = await engine.up("Workspace", "options-ws", { name: "options", policyId: made.id });
      const acct = await engine.up("AgentAccount", "options-acct", { email: "options@agents.example.com", workspaceId: ws.id });
      const names = ((await stack.api("GET", `/v3/grants/${acct.id}/folders?limit=50`)).body.data as any[]).map((f) => f.name);
      expect(names).toEqual(expect.arrayContaining(["Clients/Acme", "Invoices"]));
      // A Folder declared for one of them takes it over as pre-existing (destroy leaves it).
      const f = await engine.up("Folder", "options-invoices", { grantId: acct.id, path: "Invoices" });
      expect(f.outputs.createdByProvider).toBe(false);

      const fewer = await engine.up("Policy", "options", { name: "with-options", options: { additionalFolders: ["Invoices"] } });
      expect(fewer.op).toBe("update");
      expect(fewer.outputs.options).toEqual({ additionalFolders: ["Invoices"] });
      // Removed altogether: `{}` puts the plan defaults back, no diff afterwards.
      await stack.control.clearRequests();
      const none = await engine.up("Policy", "options", { name: "with-options" });
      expect(none.outputs.options).toBeUndefined();
      const put = (await stack.control.requests()).find((q) => q.method === "PUT");
      expect(put).toBeDefined();
      expect((await wire(made.id)).options?.additional_folders ?? []).toEqual([]);
      expect((await engine.up("Policy", "options", { name: "with-options" })).op).toBe("same");

      await engine.destroy("Folder", "options-invoices");
      await engine.destroy("AgentAccount", "options-acct");
      await engine.destroy("Workspace", "options-ws");
      await engine.destroy("Policy", "options");
    });

    it("reports the plan's refusal as one clear error, and makes nothing", async () => {
      await stack.control.plan("free");
      await stack.control.clearRequests();
      const err = await engine.up("Policy", "free-options", { name: "free-options", options: { useCidrAliasing: true } }).catch((e) => e);
      expect(err.message).toMatch(
        /^creating Nylas Policy \(name "free-options"\): the organization's Nylas plan does not allow options\.useCidrAliasing: policy options are plan-gated \(the Full Platform plan has them\); remove options from the Policy, or upgrade the plan\. Nylas said: 400 .*use_cidr_aliasing is not available on the Free plan/,
      );
      expect(engine.get("Policy", "free-options")).toBeUndefined();
      expect((await policies()).filter((p) => p.name === "free-options")).toEqual([]);
      // The same policy without options is fine on that plan; adding them later is refused the same way.
      const plain = await engine.up("Policy", "free-options", { name: "free-options" });
      const later = await engine.up("Policy", "free-options", { name: "free-options", options: { additionalFolders: ["Invoices"] } }).catch((e) => e);
      expect(later.message).toContain(`updating Nylas Policy ${plain.id}: the organization's Nylas plan does not allow options.additionalFolders`);
      expect((await wire(plain.id)).options?.additional_folders ?? []).toEqual([]);
      await engine.destroy("Policy", "free-options");
    });

    it("refuses bad options in check with zero API calls", async () => {
      await stack.control.clearRequests();
      const failures = async (options: unknown) => ((await engine.up("Policy", "bad-options", { name: "x", options }).catch((e) => e)) as CheckFailedError).failures;
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
