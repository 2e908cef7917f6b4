import { z } from "zod";
import { fakeNylas, ok, webhookGone, type FakeNylas } from "../harness/fake-nylas";

/** Sparse write answers of webhooks and lists (Nylas API v3 conventions "Write answers can be sparse", variance W2, W3). */

let nylas: FakeNylas | undefined;
afterEach(async () => {
  await nylas?.close();
  nylas = undefined;
});

const hook = { id: "w1", webhook_url: "https://h.example/n", trigger_types: ["message.created"], status: "active", created_at: 1 };

describe("webhooks", () => {
  it.each([
    ["the full destination (spec)", ok({ ...hook, webhook_secret: "s-full" }), "s-full"],
    ["only data.webhook_secret, no id", ok({ webhook_secret: "s-min" }), "s-min"],
    ["the secret at the top level (the CLI's fallback)", { body: { request_id: "r", webhook_secret: "s-top" } }, "s-top"],
  ])("rotate-secret answering %s: reads the secret, the id from the path", async (_label, answer, secret) => {
    nylas = fakeNylas({ "POST /v3/webhooks/rotate-secret/w1": answer });
    expect(await nylas.api.webhooks.rotateSecret("w1")).toBe(secret);
  });

  it("rotate-secret of a webhook gone (400 record not found) is NotFound; an answer without any secret is a clear error", async () => {
    nylas = fakeNylas({ "POST /v3/webhooks/rotate-secret/w1": webhookGone, "POST /v3/webhooks/rotate-secret/w2": ok({ id: "w2" }) });
    await expect(nylas.api.webhooks.rotateSecret("w1")).rejects.toMatchObject({ name: "NylasNotFoundError" });
    await expect(nylas.api.webhooks.rotateSecret("w2")).rejects.toThrow("webhook_secret: missing from data and from the answer");
  });

  it("a create answer without the secret: one rotation supplies it", async () => {
    nylas = fakeNylas({ "POST /v3/webhooks": ok(hook), "POST /v3/webhooks/rotate-secret/w1": ok({ webhook_secret: "s-new" }) });
    expect((await nylas.api.webhooks.create({ webhook_url: hook.webhook_url, trigger_types: hook.trigger_types })).webhook_secret).toBe("s-new");
  });

  it("finds a webhook by URL; several at one URL is an error naming them", async () => {
    nylas = fakeNylas({ "GET /v3/webhooks": ok([hook, { ...hook, id: "w2", webhook_url: "https://h.example/o" }, { ...hook, id: "w3", webhook_url: "https://h.example/o" }]) });
    expect((await nylas.api.webhooks.findByUrl(hook.webhook_url))?.id).toBe("w1");
    await expect(nylas.api.webhooks.findByUrl("https://h.example/o")).rejects.toThrow("several Nylas webhooks use https://h.example/o (w2, w3)");
  });
});

describe("lists", () => {
  const list = { id: "l1", name: "blocked", type: "domain", items_count: 3, created_at: 1 };

  it("a PUT answering only {name} is read back", async () => {
    nylas = fakeNylas({ "PUT /v3/lists/l1": ok({ name: "renamed" }), "GET /v3/lists/l1": ok({ ...list, name: "renamed" }) });
    expect(await nylas.api.lists.update("l1", { name: "renamed" })).toEqual({ ...list, name: "renamed" });
  });

  it("adds items in batches of 1,000, safe to retry, and reads a sparse answer ({id, items_count}) back once, after the last batch", async () => {
    let fails = 1;
    nylas = fakeNylas({
      "POST /v3/lists/l1/items": (r) => (fails-- > 0 ? { status: 503 } : ok({ id: "l1", items_count: r.body.items.length })),
      "GET /v3/lists/l1": ok({ ...list, items_count: 2500 }),
    });
    const values = Array.from({ length: 2500 }, (_, i) => `d${i}.example`);
    const batches: number[] = [];
    expect(await nylas.api.lists.addItems("l1", values, (b) => batches.push(b.length))).toMatchObject({ id: "l1", items_count: 2500 });
    expect(batches).toEqual([1000, 1000, 500]);
    // The 503 was retried (adding twice is harmless); one GET at the end.
    expect(nylas.calls()).toEqual(["POST /v3/lists/l1/items", "POST /v3/lists/l1/items", "POST /v3/lists/l1/items", "POST /v3/lists/l1/items", "GET /v3/lists/l1"]);
    expect(await nylas.api.lists.removeItems("l1", [])).toBeUndefined();
  });
});

describe("the client", () => {
  it("accepts a 202 (an Agent Account send queued) and retries a full queue's 429 after its Retry-After", async () => {
    let queued = 0;
    nylas = fakeNylas({
      "POST /v3/grants/g1/messages/send": () => (queued++ === 0 ? { status: 429, body: { error: { type: "rate_limit_error", message: "send queue full" } }, headers: { "retry-after": "1" } } : { status: 202, body: { request_id: "r", data: { id: "m1", thread_id: "t1" } } }),
    });
    const started = Date.now();
    const sent = await nylas.client.exchange({ method: "POST", path: "/v3/grants/g1/messages/send", body: { to: [{ email: "x@y.example" }] }, data: z.looseObject({ id: z.string() }) });
    expect(sent).toMatchObject({ status: 202, value: { id: "m1" } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(nylas.calls()).toEqual(["POST /v3/grants/g1/messages/send", "POST /v3/grants/g1/messages/send"]);
  });
});
