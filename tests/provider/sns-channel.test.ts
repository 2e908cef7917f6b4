import { recordRegistrations } from "../harness/mocks";
import { outputContaining } from "../harness/output";
import { channelMatrix, channelSuite, checkFailures, type ChannelKind } from "./channel-matrix";

const ROLE = "arn:aws:iam::123456789012:role/nylas-publisher";
const SNS: ChannelKind = {
  type: "SnsChannel",
  path: "sns",
  destination: (tag) => ({ topic: `arn:aws:sns:us-east-1:123456789012:nylas-${tag}`, roleArn: ROLE }),
};

describe("SnsChannel through the provider host", () => {
  const suite = channelSuite(SNS);
  channelMatrix(SNS, suite);

  it("Nylas proves the role on create by publishing connector.verification to the topic", async () => {
    const engine = suite.engine();
    const made = await engine.up("SnsChannel", "verified", { ...SNS.destination("verified"), triggerTypes: ["grant.created"] });
    const d = (await suite.stack().control.channelDeliveries()).filter((x) => x.channel_id === made.id);
    expect(d.map((x) => [x.trigger, x.topic, x.status])).toEqual([["connector.verification", SNS.destination("verified").topic, 200]]);
    // A new role is proven again.
    await engine.up("SnsChannel", "verified", { ...SNS.destination("verified"), roleArn: "arn:aws:iam::123456789012:role/other-publisher", triggerTypes: ["grant.created"] });
    const after = (await suite.stack().control.channelDeliveries()).filter((x) => x.channel_id === made.id);
    expect(after.map((x) => x.trigger)).toEqual(["connector.verification", "connector.verification"]);
    await engine.destroy("SnsChannel", "verified");
  });

  it("a role Nylas cannot assume: one clear error saying what the role needs (or, where Nylas creates it failing, a warning)", async () => {
    const engine = suite.engine();
    const stack = suite.stack();
    const topic = SNS.destination("denied").topic as string;
    await stack.control.setTopicReachable(topic, false, "AccessDenied: not authorized to perform sts:AssumeRoleWithWebIdentity");
    const inputs = { ...SNS.destination("denied"), triggerTypes: ["grant.created"] };
    const mark = engine.host.output.length;
    // variance L8: a 400 on create, or the channel created with status failing.
    const r = await engine.up("SnsChannel", "denied", inputs).catch((e) => e);
    const hint = `the role ${ROLE} must trust Nylas's web identity (sts:AssumeRoleWithWebIdentity) and allow sns:Publish on ${topic}`;
    if (stack.profile === "default") {
      expect(r.message).toMatch(/^creating Nylas SnsChannel \(topic arn:aws:sns:us-east-1:123456789012:nylas-denied\): 400 70005 from POST \/v3\/channels\/sns: unable\.verify\.sns_topic/);
      expect(r.message).toContain(`Nylas publishes a connector.verification event to the topic on create: ${hint}`);
      expect(engine.get("SnsChannel", "denied")).toBeUndefined();
      expect((await suite.channels()).filter((c) => c.topic === topic)).toEqual([]);
    } else {
      expect(r.outputs).toMatchObject({ status: "active", deliveryStatus: "failing" });
      const failing = `SNS channel ${r.id} is failing: Nylas cannot publish to its topic — ${hint}`;
      expect(await outputContaining(engine, mark, failing)).toContain(failing);
      await engine.destroy("SnsChannel", "denied");
    }
    await stack.control.setTopicReachable(topic, true);
  });

  it("refuses topic and role ARNs Nylas would refuse, saying which part is wrong", async () => {
    const failures = async (extra: Record<string, unknown>) => checkFailures(suite, "SnsChannel", { ...SNS.destination("bad"), triggerTypes: ["message.created"], ...extra });
    const RULE = "must be an SNS topic ARN arn:aws:sns:<region>:<account-id>:<topic-name>";
    expect(await failures({ topic: "arn:aws-cn:sns:cn-north-1:123456789012:t" })).toEqual([
      { property: "topic", reason: `topic = "arn:aws-cn:sns:cn-north-1:123456789012:t": ${RULE}; Nylas accepts only ARNs starting with arn:aws:sns:` },
    ]);
    expect(await failures({ topic: "arn:aws:sns:useast:123456789012:t" })).toEqual([{ property: "topic", reason: `topic = "arn:aws:sns:useast:123456789012:t": ${RULE}; "useast" is not an AWS region like us-east-1` }]);
    expect(await failures({ topic: "arn:aws:sns:us-east-1:1234:t" })).toEqual([{ property: "topic", reason: `topic = "arn:aws:sns:us-east-1:1234:t": ${RULE}; the account id "1234" must be 12 digits` }]);
    expect(await failures({ topic: "arn:aws:sns:us-east-1:123456789012:my topic" })).toEqual([
      { property: "topic", reason: `topic = "arn:aws:sns:us-east-1:123456789012:my topic": ${RULE}; the topic name "my topic" must be 1–256 letters, digits, - and _ (optionally ending in .fifo)` },
    ]);
    expect(await failures({ roleArn: "arn:aws:iam::123456789012:user/bob" })).toEqual([
      { property: "roleArn", reason: 'roleArn = "arn:aws:iam::123456789012:user/bob": must be an IAM role ARN arn:aws:iam::<account-id>:role/<role-name>, like arn:aws:iam::123456789012:role/nylas-publisher' },
    ]);
    expect(await failures({ roleArn: undefined })).toEqual([
      { property: "roleArn", reason: "roleArn = missing: must be a string: must be an IAM role ARN arn:aws:iam::<account-id>:role/<role-name>, like arn:aws:iam::123456789012:role/nylas-publisher" },
    ]);
    // Role paths and FIFO topics are fine.
    expect((await suite.engine().preview("SnsChannel", "ok", { topic: "arn:aws:sns:eu-west-2:123456789012:events.fifo", roleArn: "arn:aws:iam::123456789012:role/svc/nylas", triggerTypes: ["message.created"] })).op).toBe("create");
  });

  it("compressed delivery: gzip then base64, with the content_encoding attribute", async () => {
    const engine = suite.engine();
    const made = await engine.up("SnsChannel", "gzip", { ...SNS.destination("gzip"), triggerTypes: ["grant.created"], compressedDelivery: true });
    await suite.fireGrantCreated();
    const d = (await suite.stack().control.channelDeliveries()).filter((x) => x.channel_id === made.id && x.trigger === "grant.created");
    expect(d.map((x) => x.attributes)).toEqual([{ trigger_type: "grant.created", content_encoding: "gzip+base64" }]);
    await engine.destroy("SnsChannel", "gzip");
  });
});

describe("the SnsChannel class (Pulumi mocks)", () => {
  it("registers the fixed type token, with no secret outputs (an SNS channel has no secret)", async () => {
    const { requests } = await recordRegistrations();
    const { SnsChannel } = await import("../../provider/resources/channel");
    const c = new SnsChannel("c", { topic: "arn:aws:sns:us-east-1:123456789012:t", roleArn: ROLE, triggerTypes: ["message.created"] });
    await new Promise((r) => c.urn.apply(r));
    expect(requests.map((r) => r.getType())).toEqual(["pulumi-nodejs:dynamic/nylas:SnsChannel"]);
    expect(requests[0].getAdditionalsecretoutputsList()).toEqual([]);
  });
});
