/** Webhooks: challenge, CRUD, secrets, signed (and gzip) deliveries, retries. */
import * as http from "node:http";
import { gunzipSync } from "node:zlib";
import { createAccount, hmacHex, useHarness } from "./helpers";
import { WebhookReceiver } from "../../emulator/receiver";
import { until } from "../harness/wait";

const h = useHarness();
let rcv: WebhookReceiver;
beforeEach(async () => {
  rcv = await WebhookReceiver.start();
});
afterEach(() => rcv.close());

const create = (url: string, extra: Record<string, unknown> = {}) =>
  h.api("POST", "/v3/webhooks", { webhook_url: url, trigger_types: ["grant.created"], ...extra });

describe("challenge", () => {
  test("success: GET ?challenge= echoed → 200 with a 64-hex secret, status active", async () => {
    const r = await create(`${rcv.url}/hook`, { description: "d", notification_email_addresses: ["ops@example.com"] });
    expect(r.status).toBe(200);
    expect(r.body.data).toMatchObject({
      id: expect.any(String),
      webhook_url: `${rcv.url}/hook`,
      trigger_types: ["grant.created"],
      status: "active",
      description: "d",
      notification_email_addresses: ["ops@example.com"],
      compressed_delivery: false,
      created_at: expect.any(Number),
      status_updated_at: expect.any(Number),
    });
    expect(r.body.data.webhook_secret).toMatch(/^[0-9a-f]{64}$/);
    const challenge = rcv.challenges[0];
    expect(challenge?.url).toMatch(/^\/hook\?challenge=[0-9a-f]+$/);
    // GET never returns the secret
    const got = await h.api("GET", `/v3/webhooks/${r.body.data.id}`);
    expect(got.body.data.webhook_secret).toBeUndefined();
    const list = await h.api("GET", "/v3/webhooks");
    expect(list.body.data).toHaveLength(1);
    expect(list.body.data[0].webhook_secret).toBeUndefined();
  });

  test("failure: wrong body, non-200, unreachable → 400 and nothing created", async () => {
    rcv.challenge = "wrong";
    let r = await create(`${rcv.url}/a`);
    expect(r.status).toBe(400);
    expect(r.body.error.type).toBe("invalid_request_error");
    expect(r.body.error.message).toMatch(/challenge/);
    rcv.challenge = 500;
    r = await create(`${rcv.url}/b`);
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/HTTP 500/);
    r = await create("http://127.0.0.1:1/unreachable");
    expect(r.status).toBe(400);
    expect((await h.api("GET", "/v3/webhooks")).body.data).toEqual([]);
  });

  test("challenge can be disabled through the config", async () => {
    await h.control.config({ webhookChallenge: false });
    const r = await create("http://127.0.0.1:1/never-called");
    expect(r.status).toBe(200);
  });

  test("re-activating a paused webhook re-runs the challenge", async () => {
    const w = (await create(`${rcv.url}/p`)).body.data;
    let r = await h.api("PUT", `/v3/webhooks/${w.id}`, { status: "pause" });
    expect(r.body.data.status).toBe("pause");
    rcv.challenge = "wrong";
    r = await h.api("PUT", `/v3/webhooks/${w.id}`, { status: "active" });
    expect(r.status).toBe(400);
    expect((await h.api("GET", `/v3/webhooks/${w.id}`)).body.data.status).toBe("pause");
    rcv.challenge = "echo";
    r = await h.api("PUT", `/v3/webhooks/${w.id}`, { status: "active" });
    expect(r.status).toBe(200);
    expect(r.body.data.status).toBe("active");
    expect(rcv.challenges).toHaveLength(3);
  });
});

describe("CRUD and validation", () => {
  test("validation errors", async () => {
    const bad = [
      { trigger_types: ["grant.created"] },
      { webhook_url: `${rcv.url}/x` },
      { webhook_url: `${rcv.url}/x`, trigger_types: [] },
      { webhook_url: `${rcv.url}/x`, trigger_types: ["grant.exploded"] },
      // names outside the spec's create enum are not known triggers (variance L11)
      { webhook_url: `${rcv.url}/x`, trigger_types: ["contact.created"] },
      { webhook_url: `${rcv.url}/x`, trigger_types: ["message.opened.truncated"] },
      { webhook_url: `${rcv.url}/x`, trigger_types: ["message.created.truncated"] },
      { webhook_url: "ftp://example.com/x", trigger_types: ["grant.created"] },
      { webhook_url: "not a url", trigger_types: ["grant.created"] },
      { webhook_url: `${rcv.url}/x`, trigger_types: ["grant.created"], notification_email_addresses: ["nope"] },
    ];
    for (const b of bad) {
      const r = await h.api("POST", "/v3/webhooks", b);
      expect([b, r.status]).toEqual([b, 400]);
    }
  });

  test("PUT partial (empty fields ignored), status enum, duplicate URL, rotate-secret, DELETE", async () => {
    const w = (await create(`${rcv.url}/c`, { description: "keep" })).body.data;
    let r = await h.api("PUT", `/v3/webhooks/${w.id}`, { trigger_types: ["message.created", "grant.deleted"], description: "" });
    expect(r.status).toBe(200);
    expect(r.body.data).toMatchObject({ trigger_types: ["message.created", "grant.deleted"], description: "keep" });
    expect(r.body.data.webhook_secret).toBeUndefined();
    expect((await h.api("PUT", `/v3/webhooks/${w.id}`, { status: "inactive" })).status).toBe(400);
    expect((await h.api("PUT", `/v3/webhooks/${w.id}`, { trigger_types: ["nope.nope"] })).status).toBe(400);
    expect((await create(`${rcv.url}/c`)).status).toBe(400); // one webhook per endpoint
    const rot = await h.api("POST", `/v3/webhooks/rotate-secret/${w.id}`);
    expect(rot.status).toBe(200);
    expect(rot.body.data.webhook_secret).toMatch(/^[0-9a-f]{64}$/);
    expect(rot.body.data.webhook_secret).not.toBe(w.webhook_secret);
    const del = await h.api("DELETE", `/v3/webhooks/${w.id}`);
    expect(del.status).toBe(200);
    expect(del.body).toEqual({ request_id: expect.any(String), data: { status: "success" } });
    // gone: GET 404; PUT, DELETE and rotate-secret the spec's 400 "record not found"
    expect((await h.api("GET", `/v3/webhooks/${w.id}`)).status).toBe(404);
    const recordNotFound = { type: "70000", message: "destination.id.not.found : record not found" };
    for (const [method, path] of [
      ["PUT", `/v3/webhooks/${w.id}`],
      ["DELETE", `/v3/webhooks/${w.id}`],
      ["POST", `/v3/webhooks/rotate-secret/${w.id}`],
    ]) {
      const gone = await h.api(method, path, method === "PUT" ? { description: "x" } : undefined);
      expect([method, gone.status, gone.body.error]).toEqual([method, 400, recordNotFound]);
    }
  });

  test("mock-payload and send-test-event (signed with mock-webhook-secret)", async () => {
    const mock = await h.api("POST", "/v3/webhooks/mock-payload", { trigger_type: "message.created" });
    expect(mock.status).toBe(200);
    expect(mock.body.data).toMatchObject({ specversion: "1.0", type: "message.created", data: { object: { object: "message" } } });
    expect((await h.api("POST", "/v3/webhooks/mock-payload", { trigger_type: "x.y" })).status).toBe(400);
    const t = await h.api("POST", "/v3/webhooks/send-test-event", { trigger_type: "grant.created", webhook_url: `${rcv.url}/test` });
    expect(t.status).toBe(200);
    expect(t.body).toEqual({ request_id: expect.any(String), data: "success" });
    const got = await rcv.waitFor((d) => d.path === "/test");
    expect(got.headers["x-nylas-signature"]).toBe(hmacHex("mock-webhook-secret", got.rawBody));
    expect(got.json.type).toBe("grant.created");
  });
});

describe("deliveries", () => {
  test("grant.created is POSTed with a valid x-nylas-signature over the raw body", async () => {
    const w = (await create(`${rcv.url}/events`, { trigger_types: ["grant.created", "grant.updated", "grant.deleted"] })).body.data;
    const g = await createAccount(h, "hook@agents.example.com");
    const got = await rcv.waitFor((r) => r.method === "POST");
    expect(got.headers["content-type"]).toBe("application/json");
    expect(got.headers["x-nylas-signature"]).toBe(hmacHex(w.webhook_secret, got.rawBody));
    expect(got.json).toMatchObject({
      specversion: "1.0",
      type: "grant.created",
      source: "/nylas/emulator",
      id: expect.any(String),
      time: expect.any(Number),
      webhook_delivery_attempt: 1,
      data: { application_id: expect.any(String), object: { grant_id: g.id, provider: "nylas", email: "hook@agents.example.com" } },
    });
    await h.api("PATCH", `/v3/grants/${g.id}`, { name: "n" });
    await h.api("DELETE", `/v3/grants/${g.id}`);
    await rcv.waitFor((r) => r.json?.type === "grant.deleted");
    expect(rcv.deliveries.map((p) => p.json.type)).toEqual(["grant.created", "grant.updated", "grant.deleted"]);
    // a duplicate create (existing grant returned) fires nothing
    await createAccount(h, "hook2@agents.example.com");
    await h.api("POST", "/v3/connect/custom", { provider: "nylas", settings: { email: "hook2@agents.example.com" } });
    await h.control.settleDeliveries();
    expect(rcv.deliveries.filter((p) => p.json.type === "grant.created")).toHaveLength(2);
  });

  test("after rotate-secret deliveries are signed with the new secret", async () => {
    const w = (await create(`${rcv.url}/r`)).body.data;
    const rot = (await h.api("POST", `/v3/webhooks/rotate-secret/${w.id}`)).body.data;
    await createAccount(h, "rot@agents.example.com");
    const got = await rcv.waitFor((r) => r.method === "POST");
    expect(got.headers["x-nylas-signature"]).toBe(hmacHex(rot.webhook_secret, got.rawBody));
    expect(got.headers["x-nylas-signature"]).not.toBe(hmacHex(w.webhook_secret, got.rawBody));
  });

  test("compressed_delivery: gzip body, Content-Encoding: gzip, signature over the compressed bytes", async () => {
    const w = (await create(`${rcv.url}/gz`, { compressed_delivery: true })).body.data;
    await createAccount(h, "gz@agents.example.com");
    const got = await rcv.waitFor((r) => r.method === "POST");
    expect(got.headers["content-encoding"]).toBe("gzip");
    expect(got.headers["x-nylas-signature"]).toBe(hmacHex(w.webhook_secret, got.rawBody));
    expect(JSON.parse(gunzipSync(got.rawBody).toString("utf8")).type).toBe("grant.created");
  });

  test("paused or unsubscribed webhooks get nothing", async () => {
    const w = (await create(`${rcv.url}/paused`)).body.data;
    await create(`${rcv.url}/other`, { trigger_types: ["message.created"] });
    await h.api("PUT", `/v3/webhooks/${w.id}`, { status: "pause" });
    await createAccount(h, "quiet@agents.example.com");
    expect(await h.control.settleDeliveries()).toEqual([]);
    expect(rcv.deliveries).toHaveLength(0);
  });

  test("retries 503/429 up to 3 attempts, not 400; the deliveries log records each attempt", async () => {
    await create(`${rcv.url}/retry`);
    rcv.postStatuses = [503, 429, 503];
    await createAccount(h, "retry@agents.example.com");
    await h.control.settleDeliveries(); // every attempt made: a fourth would be here now
    expect(rcv.deliveries.map((p) => p.json.webhook_delivery_attempt)).toEqual([1, 2, 3]);
    const ids = new Set(rcv.deliveries.map((p) => p.json.id));
    expect(ids.size).toBe(1); // same notification id on every attempt
    const log = (await h.control.deliveries());
    expect(log.map((d: any) => [d.trigger, d.attempt, d.status])).toEqual([
      ["grant.created", 1, 503],
      ["grant.created", 2, 429],
      ["grant.created", 3, 503],
    ]);

    rcv.clear();
    rcv.postStatuses = [400];
    await createAccount(h, "noretry@agents.example.com");
    await h.control.settleDeliveries();
    expect(rcv.deliveries).toHaveLength(1);
  });

  test("delivery does not block the API response", async () => {
    // a receiver that accepts the connection and never answers
    const sockets: import("node:net").Socket[] = [];
    const hang = http.createServer(() => undefined);
    hang.on("connection", (s) => sockets.push(s));
    await new Promise<void>((r) => hang.listen(0, "127.0.0.1", r));
    await h.control.config({ webhookChallenge: false });
    await create(`http://127.0.0.1:${(hang.address() as import("node:net").AddressInfo).port}/hang`);
    await createAccount(h, "fast@agents.example.com");
    // The API answered while the delivery is still unanswered: no attempt has finished…
    expect(await h.control.deliveries()).toEqual([]);
    // …and it is in flight (its connection reaches the endpoint, which never answers).
    await until(() => sockets.length > 0, "the delivery to connect");
    expect(sockets.length).toBe(1);
    sockets.forEach((s) => s.destroy());
    await new Promise<void>((r) => hang.close(() => r()));
  });
});
