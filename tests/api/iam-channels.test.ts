import { fakeNylas, ok, webhookGone, type FakeNylas } from "../harness/fake-nylas";

/**
 * The IAM collections and the notification channels against a scripted Nylas (Nylas IAM and notification
 * channels; variance I2, I4, I7, I13, N3): which credential is sent, where the one-time secret sits, sparse
 * PATCH answers, binding filters, gone channels.
 */

let nylas: FakeNylas | undefined;
afterEach(async () => {
  await nylas?.close();
  nylas = undefined;
});

const principal = { id: "p1", organization_id: "o1", name: "agent", description: "", status: "active", roles: [], direct_permissions: ["messages.read"], resource_binding: { type: "grant", id: "g1" }, created_at: 1 };
const credential = { id: "c1", principal_id: "p1", type: "api_key", name: "key", status: "active", expires_at: 1799193600, created_at: 1 };
const CREDS = "/v3/iam/principals/p1/credentials";

describe("IAM", () => {
  it("sends the IAM API key, never the application key; without one, a clear error and no request", async () => {
    nylas = fakeNylas({ "GET /v3/iam/principals/p1": ok(principal) }, { iamApiKey: "iam-key" });
    await nylas.api.iamPrincipals.get("p1");
    expect(nylas.seen[0].headers.authorization).toBe("Bearer iam-key");
    await nylas.close();
    nylas = fakeNylas({ "GET /v3/iam/principals/p1": ok(principal) });
    await expect(nylas.api.iamPrincipals.get("p1")).rejects.toThrow(/^no Nylas IAM API key: .*nylas:iamApiKey.*NYLAS_IAM_API_KEY$/);
    expect(nylas.seen).toEqual([]);
  });

  it.each([
    ["data.secret (inferred)", { status: 201, body: { request_id: "r", data: { ...credential, secret: "k-data" } } }, "k-data"],
    ["data.api_key", { status: 200, body: { request_id: "r", data: { ...credential, api_key: "k-api" } } }, "k-api"],
    ["a top-level secret beside data", { status: 201, body: { request_id: "r", data: credential, secret: "k-top" } }, "k-top"],
  ])("a credential create answering the secret in %s: the secret is returned, and kept out of the credential", async (_label, reply, secret) => {
    nylas = fakeNylas({ [`POST ${CREDS}`]: reply }, { iamApiKey: "iam-key" });
    const r = await nylas.api.iamCredentials("p1").createWithSecret({ name: "key", expires_at: credential.expires_at });
    expect(r.secret).toBe(secret);
    expect(JSON.stringify(r.credential)).not.toContain(secret);
    expect(r.credential).toMatchObject({ id: "c1", name: "key", expires_at: credential.expires_at });
  });

  it("a credential create answering no secret: the unusable key is deleted again and the create fails clearly", async () => {
    nylas = fakeNylas({ [`POST ${CREDS}`]: ok(credential), [`DELETE ${CREDS}/c1`]: { body: { request_id: "r" } } }, { iamApiKey: "iam-key" });
    await expect(nylas.api.iamCredentials("p1").createWithSecret({ name: "key", expires_at: 1 })).rejects.toThrow(
      "no secret in the answer (looked for data.secret, data.api_key, data.key and a top-level secret or api_key); the credential c1 could not be used and was deleted again",
    );
    expect(nylas.calls()).toEqual([`POST ${CREDS}`, `DELETE ${CREDS}/c1`]);
  });

  it("a sparse PATCH answer (only what was sent) is read back; a full one is not", async () => {
    nylas = fakeNylas(
      { "PATCH /v3/iam/principals/p1": ok({ name: "renamed", updated_at: 2 }), "GET /v3/iam/principals/p1": ok({ ...principal, name: "renamed" }) },
      { iamApiKey: "iam-key" },
    );
    expect(await nylas.api.iamPrincipals.update("p1", { name: "renamed" })).toMatchObject({ name: "renamed", roles: [], resource_binding: { type: "grant", id: "g1" } });
    expect(nylas.calls()).toEqual(["PATCH /v3/iam/principals/p1", "GET /v3/iam/principals/p1"]);
    await nylas.close();
    nylas = fakeNylas({ "PATCH /v3/iam/principals/p1": ok({ ...principal, name: "renamed" }) }, { iamApiKey: "iam-key" });
    await nylas.api.iamPrincipals.update("p1", { name: "renamed" });
    expect(nylas.calls()).toEqual(["PATCH /v3/iam/principals/p1"]);
  });

  it("principals on a binding: filtered by Nylas when the binding has an id, else by type here; several of a name are an error", async () => {
    const org = { ...principal, id: "p2", resource_binding: { type: "organization" } }; // id left out (variance I7)
    nylas = fakeNylas(
      { "GET /v3/iam/principals": (r) => ok(r.query.resource_binding_id ? [principal, { ...principal, id: "p3" }] : [principal, org], {}) },
      { iamApiKey: "iam-key" },
    );
    expect((await nylas.api.iamPrincipals.boundTo({ type: "organization" })).map((p) => p.id)).toEqual(["p2"]);
    await expect(nylas.api.iamPrincipals.findByName("agent", { type: "grant", id: "g1" })).rejects.toThrow('several Nylas IAM principals on grant g1 are named "agent" (p1, p3)');
    expect((await nylas.api.iamPrincipals.findByName("agent", { type: "grant", id: "g1" }, new Set(["p1"])))?.id).toBe("p3");
    expect(nylas.seen.find((r) => r.query.resource_binding_id)?.query).toMatchObject({ resource_binding_type: "grant", resource_binding_id: "g1", limit: "200" });
  });

  it("a credential of a principal that is gone is gone (404)", async () => {
    nylas = fakeNylas({}, { iamApiKey: "iam-key" });
    expect(await nylas.api.iamCredentials("p1").get("c1")).toBeUndefined();
    await expect(nylas.api.iamCredentials("p1").remove("c1")).resolves.toBeUndefined();
  });
});

describe("channels", () => {
  const channel = { id: "ch1", topic: "projects/acme-agents/topics/t", trigger_types: ["message.created"], status: "active", compressed_delivery: false, created_at: 1 };

  it("a gone channel — 400 record not found (documented) or 404 — reads as none and deletes as done", async () => {
    nylas = fakeNylas({
      "GET /v3/channels/pubsub/ch1": { status: 400, body: { request_id: "r", error: { type: "70001", message: "destination.id.not.found : record not found" } } },
      "DELETE /v3/channels/pubsub/ch1": webhookGone,
    });
    expect(await nylas.api.pubsubChannels.get("ch1")).toBeUndefined();
    await expect(nylas.api.pubsubChannels.remove("ch1")).resolves.toBeUndefined();
    expect(await nylas.api.snsChannels.get("nope")).toBeUndefined(); // 404
    await expect(nylas.api.pubsubChannels.update("ch1", { description: "x" })).rejects.toMatchObject({ name: "NylasNotFoundError" });
  });

  it("a PUT answering only what changed is read back, with the application key", async () => {
    nylas = fakeNylas({ "PUT /v3/channels/sns/ch1": ok({ id: "ch1", description: "d" }), "GET /v3/channels/sns/ch1": ok({ ...channel, description: "d" }) }, { iamApiKey: "iam-key" });
    expect(await nylas.api.snsChannels.update("ch1", { description: "d" })).toMatchObject({ topic: channel.topic, description: "d" });
    expect(nylas.seen.map((r) => r.headers.authorization)).toEqual(["Bearer app-key", "Bearer app-key"]);
  });

  it("finds a channel by topic; several on one topic are an error naming them", async () => {
    nylas = fakeNylas({ "GET /v3/channels/pubsub": ok([channel, { ...channel, id: "ch2", topic: "projects/acme-agents/topics/u" }, { ...channel, id: "ch3", topic: "projects/acme-agents/topics/u" }]) });
    expect((await nylas.api.pubsubChannels.findByTopic(channel.topic))?.id).toBe("ch1");
    await expect(nylas.api.pubsubChannels.findByTopic("projects/acme-agents/topics/u")).rejects.toThrow("several Nylas Pub/Sub channels publish to projects/acme-agents/topics/u (ch2, ch3)");
  });
});
