import { recordRegistrations } from "../harness/mocks";
import { channelMatrix, channelSuite, checkFailures, type ChannelKind } from "./channel-matrix";

const PUBSUB: ChannelKind = {
  type: "PubSubChannel",
  path: "pubsub",
  destination: (tag) => ({ topic: ` projects/acme-agents/topics/nylas-${tag} ` }),
};

describe("PubSubChannel through the provider host", () => {
  const suite = channelSuite(PUBSUB);
  channelMatrix(PUBSUB, suite);

  it("refuses a topic that is not a Pub/Sub topic name, saying which part is wrong", async () => {
    const failures = async (topic: unknown) => checkFailures(suite, "PubSubChannel", { topic, triggerTypes: ["message.created"] });
    expect(await failures("nylas-events")).toEqual([
      { property: "topic", reason: 'topic = "nylas-events": must be a Pub/Sub topic name projects/<project-id>/topics/<topic-id>, like projects/my-project/topics/nylas-events' },
    ]);
    expect(await failures("projects/Acme/topics/events")).toEqual([
      { property: "topic", reason: 'topic = "projects/Acme/topics/events": must be a Pub/Sub topic name projects/<project-id>/topics/<topic-id>; the project id "Acme" must be 6–30 lower-case letters, digits and hyphens, starting with a letter' },
    ]);
    expect(await failures("projects/acme-agents/topics/googevents")).toEqual([
      { property: "topic", reason: 'topic = "projects/acme-agents/topics/googevents": must be a Pub/Sub topic name projects/<project-id>/topics/<topic-id>; the topic id "googevents" must be 3–255 letters, digits and - _ . ~ + %, starting with a letter (not "goog")' },
    ]);
    expect(await failures(undefined)).toEqual([{ property: "topic", reason: "topic = missing: must be a string: must be a Pub/Sub topic name projects/<project-id>/topics/<topic-id>" }]);
    expect(await failures("arn:aws:sns:us-east-1:123456789012:events")).toHaveLength(1);
  });

  it("compressed delivery: gzip with the content_encoding attribute", async () => {
    const engine = suite.engine();
    const made = await engine.up("PubSubChannel", "gzip", { ...PUBSUB.destination("gzip"), triggerTypes: ["grant.created"], compressedDelivery: true });
    await suite.fireGrantCreated();
    const d = (await suite.stack().control.channelDeliveries()).filter((x) => x.channel_id === made.id);
    expect(d.map((x) => x.attributes)).toEqual([{ trigger_type: "grant.created", content_encoding: "gzip" }]);
    await engine.destroy("PubSubChannel", "gzip");
  });
});

describe("the PubSubChannel class (Pulumi mocks)", () => {
  it("registers the fixed type token, with no secret outputs (Pub/Sub channels have no documented secret)", async () => {
    const { requests } = await recordRegistrations();
    const { PubSubChannel } = await import("../../provider/resources/channel");
    const c = new PubSubChannel("c", { topic: "projects/acme-agents/topics/t", triggerTypes: ["message.created"] });
    await new Promise((r) => c.urn.apply(r));
    expect(requests.map((r) => r.getType())).toEqual(["pulumi-nodejs:dynamic/nylas:PubSubChannel"]);
    expect(requests[0].getAdditionalsecretoutputsList()).toEqual([]);
  });
});
