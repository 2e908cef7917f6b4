/** Pub/Sub and SNS channels: validation, ≤ 5 each, SNS verification, status, deliveries in the control log. */
import { gunzipSync } from "node:zlib";
import { createAccount, useHarness } from "./helpers";

const h = useHarness();

const TOPIC = "projects/acme-prod/topics/nylas-events";
const SNS = "arn:aws:sns:us-east-1:123456789012:nylas-events";
const ROLE = "arn:aws:iam::123456789012:role/nylas-publisher";
const pubsub = (body: unknown) => h.api("POST", "/v3/channels/pubsub", body);
const sns = (body: unknown) => h.api("POST", "/v3/channels/sns", body);
const channelLog = async () => ((await h.ctl("GET", "/deliveries")).body.deliveries as any[]).filter((d) => d.channel_id);

test("Pub/Sub: create 200 active; get; list; PUT; delete {status: success}; unknown id → 400 70001/70000", async () => {
  const r = await pubsub({ topic: TOPIC, trigger_types: ["message.created"], description: "events", encryption_key: "" });
  expect(r.status).toBe(200);
  const c = r.body.data;
  expect(c).toMatchObject({
    id: expect.any(String),
    topic: TOPIC,
    trigger_types: ["message.created"],
    description: "events",
    status: "active",
    compressed_delivery: false,
    notification_email_addresses: [],
    created_at: expect.any(Number),
    status_updated_at: expect.any(Number),
  });
  expect(c._kind).toBeUndefined();
  expect((await h.api("GET", `/v3/channels/pubsub/${c.id}`)).body.data).toEqual(c);
  expect((await h.api("GET", "/v3/channels/pubsub")).body.data).toEqual([c]);
  expect((await h.api("GET", "/v3/channels/sns")).body.data).toEqual([]);
  const u = await h.api("PUT", `/v3/channels/pubsub/${c.id}`, { trigger_types: ["message.created", "grant.created"], status: "pause", description: "" });
  expect(u.body.data).toMatchObject({ trigger_types: ["message.created", "grant.created"], status: "pause", description: "events" });
  expect((await h.api("PUT", `/v3/channels/pubsub/${c.id}`, { status: "failing" })).status).toBe(400);
  expect((await h.api("DELETE", `/v3/channels/pubsub/${c.id}`)).body).toEqual({ request_id: expect.any(String), data: { status: "success" } });

  const get = await h.api("GET", `/v3/channels/pubsub/${c.id}`);
  expect(get.status).toBe(400);
  expect(get.body.error).toEqual({ type: "70001", message: "destination.id.not.found : record not found" });
  const del = await h.api("DELETE", `/v3/channels/pubsub/${c.id}`);
  expect([del.status, del.body.error.type]).toEqual([400, "70000"]);
  expect((await h.api("PUT", `/v3/channels/pubsub/${c.id}`, { description: "x" })).body.error.type).toBe("70000");
  // a Pub/Sub id on the SNS path is unknown there
  const other = (await pubsub({ topic: TOPIC, trigger_types: ["message.created"] })).body.data;
  expect((await h.api("GET", `/v3/channels/sns/${other.id}`)).status).toBe(400);
  await h.ctl("POST", "/variance", { switches: { channelGone: "404" } });
  expect((await h.api("GET", `/v3/channels/pubsub/${c.id}`)).status).toBe(404);
});

test("validation with 70005 invalid.input.format errors", async () => {
  const cases: [unknown, RegExp][] = [
    [{ trigger_types: ["message.created"] }, /topic is required/],
    [{ topic: TOPIC }, /trigger_types is required/],
    [{ topic: TOPIC, trigger_types: [] }, /must not be empty/],
    [{ topic: TOPIC, trigger_types: ["message.exploded"] }, /unknown trigger_types/],
    [{ topic: "my-topic", trigger_types: ["message.created"] }, /projects\/<project-id>\/topics/],
    [{ topic: TOPIC, trigger_types: ["message.created"], notification_email_addresses: ["nope"] }, /invalid addresses/],
    [{ topic: TOPIC, trigger_types: ["message.created"], compressed_delivery: "yes" }, /boolean/],
  ];
  for (const [body, msg] of cases) {
    const r = await pubsub(body);
    expect(r.status).toBe(400);
    expect(r.body.error.type).toBe("70005");
    expect(r.body.error.message).toMatch(/^invalid\.input\.format : /);
    expect(r.body.error.message).toMatch(msg);
  }
  const snsCases: [unknown, RegExp][] = [
    [{ topic: SNS, trigger_types: ["message.created"] }, /role_arn is required/],
    [{ topic: TOPIC, role_arn: ROLE, trigger_types: ["message.created"] }, /must be an SNS topic ARN starting with arn:aws:sns:/],
    [{ topic: "arn:aws:sns:us-east-1:12345:t", role_arn: ROLE, trigger_types: ["message.created"] }, /not a valid SNS topic ARN/],
    [{ topic: SNS, role_arn: "arn:aws:iam::123456789012:user/bob", trigger_types: ["message.created"] }, /IAM role ARN/],
  ];
  for (const [body, msg] of snsCases) {
    const r = await sns(body);
    expect([r.status, r.body.error.type]).toEqual([400, "70005"]);
    expect(r.body.error.message).toMatch(msg);
  }
  expect((await h.api("GET", "/v3/channels/sns")).body.data).toEqual([]);
});

test("at most 5 per kind per application", async () => {
  for (let i = 0; i < 5; i++) expect((await pubsub({ topic: `${TOPIC}-${i}`, trigger_types: ["message.created"] })).status).toBe(200);
  const sixth = await pubsub({ topic: TOPIC, trigger_types: ["message.created"] });
  expect(sixth.status).toBe(400);
  expect(sixth.body.error.message).toMatch(/at most 5 Pub\/Sub channels/);
  // the SNS quota is separate
  expect((await sns({ topic: SNS, role_arn: ROLE, trigger_types: ["message.created"] })).status).toBe(200);
});

test("SNS create publishes connector.verification; an unreachable topic fails the create (400) and nothing is made", async () => {
  const r = await sns({ topic: SNS, role_arn: ROLE, trigger_types: ["grant.created"], compressed_delivery: true });
  expect(r.status).toBe(200);
  expect(r.body.data).toMatchObject({ topic: SNS, role_arn: ROLE, status: "active", compressed_delivery: true });
  let log = await channelLog();
  expect(log).toHaveLength(1);
  expect(log[0]).toMatchObject({ channel_id: r.body.data.id, channel_type: "sns", topic: SNS, trigger: "connector.verification", status: 200 });
  expect(log[0].attributes).toEqual({ trigger_type: "connector.verification", content_encoding: "gzip+base64" });
  const payload = JSON.parse(gunzipSync(Buffer.from(log[0].message, "base64")).toString("utf8"));
  expect(payload).toMatchObject({ type: "connector.verification", data: { object: { topic: SNS, role_arn: ROLE } } });

  const bad = "arn:aws:sns:eu-west-1:123456789012:locked";
  await h.ctl("POST", "/channels/topics", { topic: bad, reachable: false, message: "AccessDenied: not authorized to perform sns:Publish" });
  const refused = await sns({ topic: bad, role_arn: ROLE, trigger_types: ["grant.created"] });
  expect(refused.status).toBe(400);
  expect(refused.body.error.type).toBe("70005");
  expect(refused.body.error.message).toMatch(/unable\.verify\.sns_topic .*AccessDenied/);
  expect((await h.api("GET", "/v3/channels/sns")).body.data).toHaveLength(1);
  // moving the existing channel to the locked topic is verified too
  expect((await h.api("PUT", `/v3/channels/sns/${r.body.data.id}`, { topic: bad })).status).toBe(400);
  await h.ctl("POST", "/channels/topics", { topic: bad, reachable: true });
  expect((await h.api("PUT", `/v3/channels/sns/${r.body.data.id}`, { topic: bad })).body.data.topic).toBe(bad);
  log = await channelLog();
  expect(log.map((d) => [d.topic, d.status])).toEqual([
    [SNS, 200],
    [bad, 0],
    [bad, 0],
    [bad, 200],
  ]);
});

test("matching events are published to active channels; paused ones get nothing", async () => {
  const ps = (await pubsub({ topic: TOPIC, trigger_types: ["grant.created"] })).body.data;
  const sn = (await sns({ topic: SNS, role_arn: ROLE, trigger_types: ["message.created"] })).body.data;
  const zipped = (await pubsub({ topic: `${TOPIC}-gz`, trigger_types: ["grant.created"], compressed_delivery: true })).body.data;
  await h.ctl("DELETE", "/deliveries");
  const g = await createAccount(h, "ch@agents.example.com");
  let log = await channelLog();
  expect(log.map((d) => [d.channel_id, d.trigger])).toEqual([
    [ps.id, "grant.created"],
    [zipped.id, "grant.created"],
  ]);
  expect(log[0].attributes).toEqual({ trigger_type: "grant.created" });
  expect(JSON.parse(log[0].message)).toMatchObject({ specversion: "1.0", type: "grant.created", data: { object: { grant_id: g.id } } });
  expect(log[1].attributes.content_encoding).toBe("gzip");
  expect(JSON.parse(gunzipSync(Buffer.from(log[1].message, "base64")).toString()).data.object.grant_id).toBe(g.id);

  await h.api("PUT", `/v3/channels/pubsub/${ps.id}`, { status: "pause" });
  await h.ctl("POST", `/channels/${zipped.id}/status`, { status: "failed" });
  await h.ctl("DELETE", "/deliveries");
  await createAccount(h, "ch2@agents.example.com");
  await h.ctl("POST", "/inbound", { from: "a@b.example", to: "ch@agents.example.com", body: "x" });
  log = await channelLog();
  expect(log.map((d) => [d.channel_id, d.trigger, d.channel_type])).toEqual([[sn.id, "message.created", "sns"]]);
  expect((await h.api("GET", `/v3/channels/pubsub/${zipped.id}`)).body.data.status).toBe("failed");
});

test("variance: SNS verification failure leaves the channel failing (L8); the Pub/Sub list spells pause 'paused' (L9)", async () => {
  await h.ctl("POST", "/variance", { switches: { snsVerificationFailure: "created-failing", pubsubListStatus: "paused" } });
  await h.ctl("POST", "/channels/topics", { topic: SNS, reachable: false });
  const r = await sns({ topic: SNS, role_arn: ROLE, trigger_types: ["message.created"] });
  expect(r.status).toBe(200);
  expect(r.body.data.status).toBe("failing");
  const ps = (await pubsub({ topic: TOPIC, trigger_types: ["message.created"] })).body.data;
  await h.api("PUT", `/v3/channels/pubsub/${ps.id}`, { status: "pause" });
  expect((await h.api("GET", "/v3/channels/pubsub")).body.data[0].status).toBe("paused");
  expect((await h.api("GET", `/v3/channels/pubsub/${ps.id}`)).body.data.status).toBe("pause");
});
