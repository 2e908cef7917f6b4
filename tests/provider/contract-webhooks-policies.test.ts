import { WebhookReceiver } from "../../emulator/receiver";
import type { CheckFailedError, Engine } from "../../provider/offline/engine";
import { outputContaining } from "../harness/output";
import { startStack, type TestStack } from "../harness/stack";

/**
 * Webhooks and policies as Nylas answers them (Nylas API v3 Webhooks and Policies; variance N1, N2, W3,
 * R3, L11; -1 as unbounded in the retention order).
 * Each test fails on main: it treated only a 404 as gone (a gone webhook answers 400 "record not
 * found"), required a whole webhook in the rotate-secret answer, counted `contact.created` and
 * `message.opened.truncated` as known triggers, and refused `-1` for the daily counts and retention.
 */
describe("webhooks and policies (contract)", () => {
  let stack: TestStack;
  let engine: Engine;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    [stack, receiver] = await Promise.all([startStack({ emulator: { varianceSwitches: { webhookGoneOnWrite: "400", webhookGoneOnRead: "400" } } }), WebhookReceiver.start()]);
    engine = stack.engine;
  });
  afterAll(async () => {
    await stack.stop();
    await receiver.close();
  });
  const url = (p: string) => `${receiver.url}/contract/${p}`;

  it("a webhook deleted outside Pulumi (400 'record not found'): update says it is gone, refresh drops it, delete succeeds", async () => {
    const inputs = { webhookUrl: url("gone"), triggerTypes: ["message.created"] };
    const made = await engine.up("Webhook", "gone", inputs);
    expect((await stack.api("DELETE", `/v3/webhooks/${made.id}`)).status).toBe(200);
    const update = await engine.up("Webhook", "gone", { ...inputs, description: "changed" }).catch((e) => e);
    expect(update.message).toContain(`updating Nylas Webhook ${made.id}: it no longer exists (deleted outside Pulumi?) — run \`pulumi refresh\``);
    expect(update.message).toContain("record not found");
    await engine.destroy("Webhook", "gone");
    expect(engine.get("Webhook", "gone")).toBeUndefined();
    const again = await engine.up("Webhook", "gone", inputs);
    await stack.api("DELETE", `/v3/webhooks/${again.id}`);
    expect((await engine.refresh("Webhook", "gone")).op).toBe("delete");
  });

  it.each(["minimal", "top-level"] as const)("rotates the secret when rotate-secret answers %s (secret only, no id)", async (form) => {
    await stack.control.variance({ switches: { rotateSecretAnswer: form } });
    try {
      const inputs = { webhookUrl: url(`rotate-${form}`), triggerTypes: ["message.created"], secretVersion: 1 };
      const made = await engine.up("Webhook", `rotate-${form}`, inputs);
      const rotated = await engine.up("Webhook", `rotate-${form}`, { ...inputs, secretVersion: 2 });
      expect(rotated.op).toBe("update");
      const stored = (await stack.control.state()).webhooks.find((w: any) => w.id === made.id);
      expect(stored).toBeDefined();
      expect(rotated.outputs.webhookSecret).toBe(stored!.webhook_secret);
      expect(rotated.outputs.webhookSecret).not.toBe(made.outputs.webhookSecret);
      await engine.destroy("Webhook", `rotate-${form}`);
    } finally {
      await stack.control.variance({ profile: stack.profile, switches: { webhookGoneOnWrite: "400", webhookGoneOnRead: "400" } });
    }
  });

  it.each(["contact.created", "message.opened.truncated"])("warns that %s is not a documented trigger (only the CLI lists it)", async (trigger) => {
    const mark = engine.host.output.length;
    expect((await engine.preview("Webhook", `t-${trigger}`, { webhookUrl: url(trigger), triggerTypes: [trigger] })).op).toBe("create");
    const warning = `warning: Nylas Webhook: triggerTypes "${trigger}" is not a trigger type in the Nylas reference`;
    expect(await outputContaining(engine, mark, warning)).toContain(warning);
  });

  it("accepts -1 (unlimited) for both daily counts and both retention periods, and keeps Nylas's -1 in state", async () => {
    const limits = { limitCountDailyMessageReceived: -1, limitCountDailyEmailSent: -1, limitInboxRetentionPeriod: -1, limitSpamRetentionPeriod: -1, limitStorageTotal: -1 };
    const made = await engine.up("Policy", "unlimited", { name: "unlimited", limits });
    expect(made.outputs.limits).toEqual(limits);
    expect((await stack.api("GET", `/v3/policies/${made.id}`)).body.data.limits).toMatchObject({
      limit_count_daily_message_received: -1,
      limit_count_daily_email_sent: -1,
      limit_inbox_retention_period: -1,
      limit_spam_retention_period: -1,
    });
    expect((await engine.refresh("Policy", "unlimited")).op).toBe("same");
    await engine.destroy("Policy", "unlimited");
  });

  it("applies 'inbox retention > spam retention' to finite values only", async () => {
    const failures = async (limits: Record<string, number>) =>
      ((await engine.preview("Policy", "retention", { name: "r", limits }).catch((e) => e)) as CheckFailedError).failures ?? [];
    expect(await failures({ limitInboxRetentionPeriod: -1, limitSpamRetentionPeriod: 30 })).toEqual([]);
    expect(await failures({ limitInboxRetentionPeriod: 30, limitSpamRetentionPeriod: -1 })).toEqual([]);
    expect(await failures({ limitInboxRetentionPeriod: 10, limitSpamRetentionPeriod: 30 })).toEqual([
      { property: "limits.limitSpamRetentionPeriod", reason: "limits.limitSpamRetentionPeriod = 30: limitInboxRetentionPeriod must be greater than limitSpamRetentionPeriod" },
    ]);
    expect(await failures({ limitCountDailyEmailSent: -2 })).toEqual([
      { property: "limits.limitCountDailyEmailSent", reason: "limits.limitCountDailyEmailSent = -2: must be a whole number of messages per day ≥ 0, or -1 for unlimited" },
    ]);
  });
});
