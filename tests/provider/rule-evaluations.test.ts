import * as pulumi from "@pulumi/pulumi";
import { getRuleEvaluations, getRuleEvaluationsOutput } from "../../provider/rule-evaluations";
import { useStack } from "../harness/stack";
import { recordRegistrations } from "../harness/mocks";

/**
 * getRuleEvaluations: why mail was blocked or filed, read from Nylas's rule evaluations
 * (`GET /v3/grants/{grant_id}/rule-evaluations`) of an account whose workspace rules file into a declared
 * Folder.
 */
describe("getRuleEvaluations", () => {
  const stack = useStack();
  let grantId: string;
  let folderId: string;
  let fileRule: string;
  let blockRule: string;
  const connection = () => ({ apiKey: stack.emulator.apiKey, apiUri: stack.emulator.url, retry: { baseDelayMs: 10 } });
  beforeAll(async () => {
    fileRule = (
      await stack.engine.up("Rule", "file-acme", {
        name: "file Acme mail",
        match: { conditions: [{ field: "from.domain", operator: "is", value: "acme.example" }] },
        actions: [{ type: "assign_to_folder", value: "Clients/Acme" }, { type: "mark_as_read" }],
      })
    ).id;
    blockRule = (
      await stack.engine.up("Rule", "block-spam", {
        name: "block spam.example",
        match: { conditions: [{ field: "from.domain", operator: "is", value: "spam.example" }] },
        actions: [{ type: "block" }],
      })
    ).id;
    const ws = await stack.engine.up("Workspace", "evaluated", { name: "evaluated", ruleIds: [fileRule, blockRule] });
    grantId = (await stack.engine.up("AgentAccount", "evaluated", { email: "evaluated@agents.example.com", workspaceId: ws.id })).id;
    folderId = (await stack.engine.up("Folder", "acme", { grantId, path: "Clients/Acme" })).id;
  });

  it("says why mail was filed, blocked, or left alone, newest first", async () => {
    await stack.control.injectMail({ from: "friend@elsewhere.example", to: "evaluated@agents.example.com", subject: "hi" });
    const refused = await stack.control.injectMail({ from: "bot@spam.example", to: "evaluated@agents.example.com", subject: "win" });
    expect(refused.results.filter((r) => r.outcome === "blocked" || r.outcome === "refused")).toHaveLength(1);
    const filed = await stack.control.injectMail({ from: "CEO@acme.example", to: "evaluated@agents.example.com", subject: "Order" });
    const messageId = filed.data[0].id as string;
    // The message really is in the folder the rule names.
    const inFolder = (await stack.api("GET", `/v3/grants/${grantId}/messages?in=${folderId}`)).body.data as any[];
    expect(inFolder.map((m) => m.id)).toEqual([messageId]);

    const [last, blocked, plain] = await getRuleEvaluations(grantId, { limit: 3, connection: connection() });
    expect(last).toMatchObject({
      grantId,
      messageId,
      stage: "inbox_processing",
      input: { fromAddress: "ceo@acme.example", fromDomain: "acme.example", fromTld: "example" },
      applied: { folderIds: [folderId], markedAsRead: true },
      matchedRuleIds: [fileRule],
      matchedRules: [{ id: fileRule, name: "file Acme mail" }],
      folders: [{ id: folderId, path: "Clients/Acme" }],
    });
    expect(last.summary).toBe('from ceo@acme.example: filed into "Clients/Acme", marked as read by rule "file Acme mail"');
    expect(blocked).toMatchObject({ stage: "smtp_rcpt", applied: { blocked: true }, matchedRuleIds: [blockRule] });
    expect(blocked.messageId).toBeUndefined(); // null or absent at Nylas: nothing was stored
    expect(blocked.summary).toBe('from bot@spam.example: blocked at SMTP (RCPT TO), nothing stored by rule "block spam.example"');
    expect(plain.summary).toBe("from friend@elsewhere.example: no rule matched");

    // Filters: one message's evaluation; one stage.
    expect((await getRuleEvaluations(grantId, { messageId, connection: connection() })).map((e) => e.id)).toEqual([last.id]);
    expect((await getRuleEvaluations(grantId, { stage: "smtp_rcpt", connection: connection() })).map((e) => e.id)).toEqual([blocked.id]);
    // Without names: ids only, and no rules or folders listing.
    await stack.control.clearRequests();
    const [bare] = await getRuleEvaluations(grantId, { limit: 1, resolveNames: false, connection: connection() });
    expect(bare.matchedRules).toEqual([{ id: fileRule }]);
    expect(bare.summary).toBe(`from ceo@acme.example: filed into "${folderId}", marked as read by rule ${fileRule}`);
    expect((await stack.control.requests()).every((r) => r.path.endsWith("/rule-evaluations"))).toBe(true);
  });

  it("reads only as many pages as the limit needs", async () => {
    for (let i = 0; i < 5; i++) await stack.control.injectMail({ from: `n${i}@acme.example`, to: "evaluated@agents.example.com", subject: `n${i}` });
    await stack.control.clearRequests();
    const two = await getRuleEvaluations(grantId, { limit: 2, resolveNames: false, connection: connection() });
    expect(two.map((e) => e.input.fromAddress)).toEqual(["n4@acme.example", "n3@acme.example"]);
    const reads = (await stack.control.requests()).filter((r) => r.path.endsWith("/rule-evaluations"));
    // Under the harsh profile pages hold at most 2 (variance E4): still one page for two.
    expect(reads).toHaveLength(1);
  });

  it("is one clear error for an account that does not exist, and for a bad limit", async () => {
    await expect(getRuleEvaluations("no-such-grant", { connection: connection() })).rejects.toThrow(
      "getRuleEvaluations: Nylas has no account no-such-grant (deleted, or not a grant of this application)",
    );
    await expect(getRuleEvaluations(grantId, { limit: 0, connection: connection() })).rejects.toThrow("getRuleEvaluations: limit = 0: must be a whole number from 1 to 1000");
  });

  it("works from a program, waiting for the grant id", async () => {
    await recordRegistrations();
    const out = getRuleEvaluationsOutput(pulumi.output(grantId), { limit: 1, connection: connection() });
    const [e] = await new Promise<any[]>((resolve) => out.apply(resolve));
    expect(e.summary).toMatch(/^from n4@acme\.example: filed into "Clients\/Acme"/);
  });
});
