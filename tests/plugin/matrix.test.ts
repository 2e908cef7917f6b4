import { CheckFailedError, secret, type Engine } from "../../provider/offline/engine";
import { WebhookReceiver } from "../../emulator/receiver";
import { startStack, type TestStack } from "../harness/stack";
import { expectDestroyedTwice, expectRecreatedAfterOutOfBandDelete } from "../harness/matrix";

/**
 * The acceptance matrix through the native plugin, for every resource type: the plugin is started the
 * way Pulumi's Node.js language host starts it and driven over gRPC as the engine drives it (Check →
 * Diff → Create/Update/replace, Read for refresh, Delete). Each resource's steps run in order against
 * one stack; the closing steps are the ones the dynamic matrices share (tests/harness/matrix.ts). What
 * only the plugin can do is asserted along the way: the detailed diff (`pulumi preview --diff`), and
 * secrets marked by the plugin itself.
 */

let stack: TestStack;
let engine: Engine;
let receiver: WebhookReceiver;
beforeAll(async () => {
  [stack, receiver] = await Promise.all([startStack({ frontDoor: "plugin" }), WebhookReceiver.start()]);
  engine = stack.engine;
});
afterAll(async () => {
  await stack.stop();
  await receiver.close();
});

const get = async (path: string) => (await stack.api("GET", path)).body.data;
const noCalls = async (fn: () => Promise<unknown>) => {
  await stack.control.clearRequests();
  await fn();
  expect(await stack.control.requests()).toEqual([]);
};

describe("Policy", () => {
  const inputs = { name: " matrix ", limits: { limitCountDailyEmailSent: 500, limitInboxRetentionPeriod: 90 }, spamDetection: { spamSensitivity: 1.5 } };
  let id = "";

  it("creates, normalising as Nylas does", async () => {
    const made = await engine.up("Policy", "matrix", inputs);
    expect(made.op).toBe("create");
    expect(made.outputs).toMatchObject({ name: "matrix", limits: { limitCountDailyEmailSent: 500, limitInboxRetentionPeriod: 90 }, spamDetection: { spamSensitivity: 1.5 } });
    id = made.id;
    expect((await get(`/v3/policies/${id}`)).limits.limit_count_daily_email_sent).toBe(500);
  });

  it("sees no change in the same inputs, without an API call", async () => {
    await noCalls(async () => expect((await engine.up("Policy", "matrix", inputs)).op).toBe("same"));
  });

  it("updates in place with a detailed diff down to the changed limit", async () => {
    const next = { ...inputs, limits: { limitCountDailyEmailSent: 50, limitInboxRetentionPeriod: 90 } };
    expect((await engine.preview("Policy", "matrix", next)).op).toBe("update");
    expect(await engine.diff("Policy", "matrix", next)).toMatchObject({ diffs: ["limits"], replaces: [], detailedDiff: { "limits.limitCountDailyEmailSent": "UPDATE" } });
    const r = await engine.up("Policy", "matrix", { ...next, spamDetection: undefined });
    expect(r).toMatchObject({ op: "update", id });
    expect(r.diff!.detailedDiff).toEqual({ "limits.limitCountDailyEmailSent": "UPDATE", spamDetection: "DELETE" });
    expect((await get(`/v3/policies/${id}`)).limits.limit_count_daily_email_sent).toBe(50);
  });

  it("refreshes to no change, then sees drift made by hand, and up puts it back", async () => {
    const declared = { name: "matrix", limits: { limitCountDailyEmailSent: 50, limitInboxRetentionPeriod: 90 } };
    expect((await engine.refresh("Policy", "matrix")).op).toBe("same");
    await stack.api("PUT", `/v3/policies/${id}`, { limits: { limit_count_daily_email_sent: 9, limit_inbox_retention_period: 90 } });
    const drift = await engine.refresh("Policy", "matrix");
    expect(drift.op).toBe("update");
    expect(drift.outputs!.limits).toEqual({ limitCountDailyEmailSent: 9, limitInboxRetentionPeriod: 90 });
    expect((await engine.diff("Policy", "matrix", declared))!.detailedDiff).toEqual({ "limits.limitCountDailyEmailSent": "UPDATE" });
    expect((await engine.up("Policy", "matrix", declared)).op).toBe("update");
    expect((await get(`/v3/policies/${id}`)).limits.limit_count_daily_email_sent).toBe(50);
  });

  it("drops a policy deleted outside Pulumi at refresh and recreates it; destroy deletes, and deleting again succeeds", async () => {
    const declared = { name: "matrix", limits: { limitCountDailyEmailSent: 50, limitInboxRetentionPeriod: 90 } };
    await expectRecreatedAfterOutOfBandDelete(engine, "Policy", "matrix", declared, (old) => stack.api("DELETE", `/v3/policies/${old}`));
    await expectDestroyedTwice(engine, "Policy", "matrix", async (i) => (await stack.api("GET", `/v3/policies/${i}`)).status === 200);
  });

  it("refuses bad input in Check with one message naming the field, before any call", async () => {
    await noCalls(async () => {
      const err = await engine.up("Policy", "bad", { name: "bad", spamDetection: { spamSensitivity: 9 } }).catch((e) => e);
      expect(err).toBeInstanceOf(CheckFailedError);
      expect(err.failures).toEqual([{ property: "spamDetection.spamSensitivity", reason: "spamDetection.spamSensitivity = 9: must be from 0.1 to 5.0 (higher flags more mail as spam)" }]);
    });
  });
});

describe("List", () => {
  it("creates, updates items in place, replaces on a type change, and is gone after destroy", async () => {
    const made = await engine.up("List", "matrix", { name: "matrix", type: "domain", items: ["Spam.Example", "phish.example", "spam.example"] });
    expect(made.outputs).toMatchObject({ name: "matrix", type: "domain", items: ["phish.example", "spam.example"], itemsCount: 2 });
    await noCalls(async () => expect((await engine.up("List", "matrix", { name: "matrix", type: "domain", items: ["phish.example", "SPAM.example"] })).op).toBe("same"));
    const updated = await engine.up("List", "matrix", { name: "matrix", type: "domain", items: ["junk.example", "spam.example"] });
    expect(updated).toMatchObject({ op: "update", id: made.id });
    // Items are a sorted set: [phish, spam] → [junk, spam] changes one element.
    expect(updated.diff!.detailedDiff).toEqual({ "items[0]": "UPDATE" });
    const replaced = await engine.up("List", "matrix", { name: "matrix", type: "tld", items: ["xyz"] });
    expect(replaced.op).toBe("replace");
    expect(replaced.diff).toMatchObject({ replaces: ["type"], deleteBeforeReplace: false, detailedDiff: { type: "UPDATE_REPLACE" } });
    expect((await stack.api("GET", `/v3/lists/${made.id}`)).status).toBe(404);
    expect((await engine.refresh("List", "matrix")).op).toBe("same");
    await expectDestroyedTwice(engine, "List", "matrix", async (i) => (await stack.api("GET", `/v3/lists/${i}`)).status === 200);
  });
});

describe("Rule", () => {
  it("creates with an in_list condition, updates in place with paths into match, and is gone after destroy", async () => {
    const list = await engine.up("List", "rule-list", { name: "rule-list", type: "domain", items: ["spam.example"] });
    const inputs = { name: "block listed", match: { conditions: [{ field: "from.domain", operator: "in_list", value: [list.id] }] }, actions: [{ type: "block" }] };
    const made = await engine.up("Rule", "matrix", inputs);
    expect(made.outputs).toMatchObject({ name: "block listed", match: { conditions: [{ field: "from.domain", operator: "in_list", value: [list.id] }] }, actions: [{ type: "block" }] });
    await noCalls(async () => expect((await engine.up("Rule", "matrix", inputs)).op).toBe("same"));
    const next = { ...inputs, priority: 3, match: { conditions: [{ field: "from.domain", operator: "is", value: "Spam.Example" }] } };
    const updated = await engine.up("Rule", "matrix", next);
    expect(updated).toMatchObject({ op: "update", id: made.id });
    // Nylas filled in a priority (10) when none was set: declaring 3 changes it.
    expect(updated.diff!.detailedDiff).toEqual({ priority: "UPDATE", "match.conditions[0].operator": "UPDATE", "match.conditions[0].value": "UPDATE" });
    expect(await get(`/v3/rules/${made.id}`)).toMatchObject({ priority: 3 });
    expect((await engine.refresh("Rule", "matrix")).op).toBe("same");
    await expectRecreatedAfterOutOfBandDelete(engine, "Rule", "matrix", next, (i) => stack.api("DELETE", `/v3/rules/${i}`));
    await expectDestroyedTwice(engine, "Rule", "matrix", async (i) => (await stack.api("GET", `/v3/rules/${i}`)).status === 200);
    await engine.destroy("List", "rule-list");
  });
});

describe("Workspace and DefaultWorkspace", () => {
  it("creates a workspace, updates it, replaces it on a domain change (old one deleted first)", async () => {
    const policy = await engine.up("Policy", "ws-policy", { name: "ws-policy" });
    const made = await engine.up("Workspace", "matrix", { name: "Matrix", domain: "Matrix.Example.com", policyId: policy.id });
    expect(made.outputs).toMatchObject({ name: "Matrix", domain: "matrix.example.com", policyId: policy.id, autoGroup: false });
    await noCalls(async () => expect((await engine.up("Workspace", "matrix", { name: "Matrix", domain: "matrix.example.com", policyId: policy.id })).op).toBe("same"));
    const renamed = await engine.up("Workspace", "matrix", { name: "Renamed", domain: "matrix.example.com", policyId: policy.id });
    expect(renamed).toMatchObject({ op: "update", id: made.id });
    expect(renamed.diff!.detailedDiff).toEqual({ name: "UPDATE" });
    await stack.control.clearRequests();
    const moved = await engine.up("Workspace", "matrix", { name: "Renamed", domain: "moved.example.com", policyId: policy.id });
    expect(moved.op).toBe("replace");
    expect(moved.diff).toMatchObject({ replaces: ["domain"], deleteBeforeReplace: true, detailedDiff: { domain: "UPDATE_REPLACE" } });
    const writes = (await stack.control.requests()).filter((q) => q.method !== "GET").map((q) => `${q.method} ${q.path}`);
    expect(writes).toEqual([`DELETE /v3/workspaces/${made.id}`, "POST /v3/workspaces"]);
    expect((await engine.refresh("Workspace", "matrix")).op).toBe("same");
    await expectDestroyedTwice(engine, "Workspace", "matrix", async (i) => (await stack.api("GET", `/v3/workspaces/${i}`)).status === 200);
    await engine.destroy("Policy", "ws-policy");
  });

  it("adopts the default workspace, attaches a policy, and puts back what it had on destroy", async () => {
    const policy = await engine.up("Policy", "dw-policy", { name: "dw-policy" });
    const made = await engine.up("DefaultWorkspace", "default", { policyId: policy.id });
    expect(made.outputs).toMatchObject({ policyId: policy.id, originalRuleIds: [] });
    expect((await get(`/v3/workspaces/${made.id}`)).policy_id).toBe(policy.id);
    await noCalls(async () => expect((await engine.up("DefaultWorkspace", "default", { policyId: policy.id })).op).toBe("same"));
    expect((await engine.refresh("DefaultWorkspace", "default")).op).toBe("same");
    await engine.destroy("DefaultWorkspace", "default");
    expect((await get(`/v3/workspaces/${made.id}`)).policy_id ?? undefined).toBe(made.outputs.originalPolicyId);
    await engine.destroy("Policy", "dw-policy");
  });
});

describe("Domain", () => {
  it("creates with its DNS records, renames in place, replaces on an address change, deletes", async () => {
    const made = await engine.up("Domain", "matrix", { name: "Matrix", domainAddress: "Mail.Matrix.EXAMPLE" });
    expect(made.outputs).toMatchObject({ name: "Matrix", domainAddress: "mail.matrix.example", region: "us", verifiedMx: false });
    expect((made.outputs.dnsRecords as any[]).map((r) => r.type)).toEqual(["ownership", "mx", "spf", "dkim", "feedback"]);
    await noCalls(async () => expect((await engine.up("Domain", "matrix", { name: "Matrix", domainAddress: "mail.matrix.example" })).op).toBe("same"));
    const renamed = await engine.up("Domain", "matrix", { name: "Renamed", domainAddress: "mail.matrix.example" });
    expect(renamed).toMatchObject({ op: "update", id: made.id });
    expect(renamed.diff!.detailedDiff).toEqual({ name: "UPDATE" });
    const moved = await engine.up("Domain", "matrix", { name: "Renamed", domainAddress: "mail2.matrix.example" });
    expect(moved.diff).toMatchObject({ replaces: ["domainAddress"], deleteBeforeReplace: true, detailedDiff: { domainAddress: "UPDATE_REPLACE" } });
    expect(moved.id).not.toBe(made.id);
    expect((await engine.refresh("Domain", "matrix")).op).toBe("same");
    await engine.destroy("Domain", "matrix");
    expect((await stack.control.state()).domains.map((d: any) => d.id)).not.toContain(moved.id);
  });
});

describe("AgentAccount", () => {
  const PW1 = "Str0ngAppPassword-One";
  const PW2 = "An0ther-AppPassword-Two";

  it("creates with a secret app password, changes it in place, replaces on an email change, deletes", async () => {
    const inputs = { email: " Matrix@Agents.Example.com ", name: "Matrix Agent", appPassword: secret(PW1) };
    const made = await engine.up("AgentAccount", "matrix", inputs);
    expect(made.outputs).toMatchObject({ email: "matrix@agents.example.com", name: "Matrix Agent", grantId: made.id, appPasswordHash: expect.stringMatching(/^scrypt\$/) });
    // The plugin itself marked these secret: the engine strips nothing for it and re-marks nothing.
    const s = engine.get("AgentAccount", "matrix")!;
    expect(s.secretInputs).toContain("appPassword");
    expect(s.secretOutputs).toContain("appPasswordHash");
    await noCalls(async () => expect((await engine.up("AgentAccount", "matrix", inputs)).op).toBe("same"));
    const changed = await engine.up("AgentAccount", "matrix", { ...inputs, appPassword: secret(PW2) });
    expect(changed).toMatchObject({ op: "update", id: made.id });
    expect(changed.diff!.detailedDiff).toEqual({ appPassword: "UPDATE" });
    expect((await engine.refresh("AgentAccount", "matrix")).op).toBe("same");
    await stack.control.clearRequests();
    const moved = await engine.up("AgentAccount", "matrix", { ...inputs, email: "matrix2@agents.example.com", appPassword: secret(PW2) });
    expect(moved.diff).toMatchObject({ replaces: ["email"], deleteBeforeReplace: true, detailedDiff: { email: "UPDATE_REPLACE" } });
    const writes = (await stack.control.requests()).filter((q) => q.method !== "GET").map((q) => `${q.method} ${q.path}`);
    expect(writes).toEqual([`DELETE /v3/grants/${made.id}`, "POST /v3/connect/custom"]);
    await expectRecreatedAfterOutOfBandDelete(engine, "AgentAccount", "matrix", { ...inputs, email: "matrix2@agents.example.com", appPassword: secret(PW2) }, (i) =>
      stack.api("DELETE", `/v3/grants/${i}`),
    );
    await expectDestroyedTwice(engine, "AgentAccount", "matrix", async (i) => (await stack.api("GET", `/v3/grants/${i}`)).status === 200);
  });
});

describe("Webhook", () => {
  it("creates with a secret webhookSecret, updates in place, rotates the secret, deletes", async () => {
    const inputs = { webhookUrl: `${receiver.url}/plugin-matrix`, triggerTypes: ["message.created", "grant.created"] };
    const made = await engine.up("Webhook", "matrix", inputs);
    const secretValue = made.outputs.webhookSecret as string;
    expect(secretValue).toMatch(/^[0-9a-f]{64}$/);
    expect(engine.get("Webhook", "matrix")!.secretOutputs).toEqual(["webhookSecret"]);
    await noCalls(async () => expect((await engine.up("Webhook", "matrix", { ...inputs, triggerTypes: ["grant.created", "message.created"] })).op).toBe("same"));
    const updated = await engine.up("Webhook", "matrix", { ...inputs, description: "inbound" });
    expect(updated).toMatchObject({ op: "update", id: made.id, outputs: { description: "inbound", webhookSecret: secretValue } });
    expect(updated.diff!.detailedDiff).toEqual({ description: "ADD" });
    const rotated = await engine.up("Webhook", "matrix", { ...inputs, description: "inbound", secretVersion: 2 });
    expect(rotated.outputs.webhookSecret).not.toBe(secretValue);
    expect((await engine.refresh("Webhook", "matrix")).op).toBe("same");
    expect(engine.get("Webhook", "matrix")!.outputs.webhookSecret).toBe(rotated.outputs.webhookSecret);
    await expectDestroyedTwice(engine, "Webhook", "matrix", async (i) => (await stack.api("GET", `/v3/webhooks/${i}`)).status === 200);
  });
});
