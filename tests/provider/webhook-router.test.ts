import { createHmac } from "node:crypto";
import { gzipSync } from "node:zlib";
import { createWebhookRouter, grantIdOf, type RoutedDelivery } from "../../provider/webhook-router";

/** One shared webhook, many mailboxes: each delivery verified once and handed to its grant's handler. */

const SECRET = "shared-secret-1";
const sign = (body: Buffer | string, secret = SECRET) => createHmac("sha256", secret).update(body).digest("hex");
const notification = (type: string, object: Record<string, unknown>) =>
  JSON.stringify({ specversion: "1.0", type, source: "/nylas/emulator", id: `n-${Math.random()}`, time: 1, data: { application_id: "app", object } });

describe("createWebhookRouter", () => {
  const seen: Record<string, RoutedDelivery[]> = { g1: [], g2: [] };
  const unrouted: unknown[] = [];
  const route = createWebhookRouter({
    secrets: [SECRET, "next-secret"],
    mailboxes: { g1: (d) => void seen.g1.push(d), g2: (d) => void seen.g2.push(d) },
    unrouted: (n) => void unrouted.push(n),
  });
  beforeEach(() => {
    seen.g1.length = 0;
    seen.g2.length = 0;
    unrouted.length = 0;
  });

  it("hands each mailbox only its own mail", async () => {
    const a = notification("message.created", { id: "m1", grant_id: "g1" });
    const b = notification("message.created", { id: "m2", grant_id: "g2" });
    expect(await route(a, { "x-nylas-signature": sign(a) })).toEqual({ status: 200, routed: true, grantId: "g1", type: "message.created" });
    expect(await route(b, { "X-Nylas-Signature": sign(b) })).toEqual({ status: 200, routed: true, grantId: "g2", type: "message.created" });
    expect(seen.g1.map((d) => d.notification.data.object.id)).toEqual(["m1"]);
    expect(seen.g2.map((d) => d.notification.data.object.id)).toEqual(["m2"]);
  });

  it("accepts either secret during a rotation, refuses any other signature with 401 and calls no handler", async () => {
    const a = notification("message.created", { id: "m1", grant_id: "g1" });
    expect((await route(a, { "x-nylas-signature": sign(a, "next-secret") })).status).toBe(200);
    const bad = await route(a, { "x-nylas-signature": sign(a, "someone-else") });
    expect(bad).toMatchObject({ status: 401, routed: false });
    expect(await route(a, {})).toMatchObject({ status: 401 });
    expect(seen.g1).toHaveLength(1);
  });

  it("verifies gzip deliveries on the compressed bytes, then routes", async () => {
    const gz = gzipSync(Buffer.from(notification("message.created", { id: "m3", grant_id: "g2" })));
    expect(await route(gz, { "x-nylas-signature": sign(gz), "content-encoding": "gzip" })).toMatchObject({ status: 200, routed: true, grantId: "g2" });
  });

  it("answers 200 for mail of a grant without a handler (no retries from Nylas) and reports it unrouted", async () => {
    const other = notification("message.created", { id: "m4", grant_id: "someone-elses" });
    expect(await route(other, { "x-nylas-signature": sign(other) })).toEqual({ status: 200, routed: false, grantId: "someone-elses", type: "message.created" });
    expect(unrouted).toHaveLength(1);
  });

  it("answers 400 for a signed body that is not JSON", async () => {
    expect(await route("not json", { "x-nylas-signature": sign("not json") })).toMatchObject({ status: 400, routed: false });
  });

  it("needs a secret", () => {
    expect(() => createWebhookRouter({ secrets: [""], mailboxes: {} })).toThrow("createWebhookRouter: secrets must hold the webhook's signing secret");
  });
});

describe("grantIdOf", () => {
  const n = (type: string, data: Record<string, unknown>) => ({ specversion: "1.0", type, source: "", id: "", time: 0, data: data as never });
  it("reads the grant of message objects, grant events, and a top-level grant_id", () => {
    expect(grantIdOf(n("message.created", { object: { grant_id: "g1", id: "m" } }))).toBe("g1");
    expect(grantIdOf(n("grant.updated", { object: { id: "g2" } }))).toBe("g2");
    expect(grantIdOf(n("folder.created", { grant_id: "g3", object: {} }))).toBe("g3");
    expect(grantIdOf(n("message.created", { object: { id: "m" } }))).toBeUndefined();
  });
});
