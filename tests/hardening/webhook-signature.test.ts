import { createHmac } from "node:crypto";
import { gzipSync } from "node:zlib";
import { useStack } from "../harness/stack";
import { parseWebhookBody, verifyWebhookSignature } from "../../provider/webhook-signature";

/**
 * What tests/provider/webhook-signature.test.ts does not cover yet: that the comparison really is
 * constant-time (crypto.timingSafeEqual on equal-length digests, never `===` on strings), and real
 * gzip deliveries of message.created after a secret rotation.
 */
// The module object itself (not a TypeScript namespace copy), so a spy sees the helper's calls.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const crypto: typeof import("node:crypto") = require("node:crypto");

describe("verifyWebhookSignature is timing-safe", () => {
  const secret = "whsec-sentinel-0123456789abcdef";
  const body = gzipSync(Buffer.from(JSON.stringify({ type: "message.created", id: "n1" })));
  const good = createHmac("sha256", secret).update(body).digest("hex");
  afterEach(() => jest.restoreAllMocks());

  it("compares the digests with crypto.timingSafeEqual, for a right and a wrong signature alike", () => {
    const spy = jest.spyOn(crypto, "timingSafeEqual");
    const wrong = good.replace(/^./, (c) => (c === "0" ? "1" : "0")); // differs in the first byte
    expect(verifyWebhookSignature(body, good, secret)).toBe(true);
    expect(verifyWebhookSignature(body, wrong, secret)).toBe(false);
    expect(spy).toHaveBeenCalledTimes(2);
    for (const [a, b] of spy.mock.calls) {
      expect(Buffer.isBuffer(a) && Buffer.isBuffer(b)).toBe(true);
      expect((a as Buffer).length).toBe(32);
      expect((b as Buffer).length).toBe(32);
    }
  });

  it("refuses a malformed header before comparing anything (its length says nothing about the secret)", () => {
    const spy = jest.spyOn(crypto, "timingSafeEqual");
    for (const h of [good.slice(0, 10), `${good}00`, "z".repeat(64), ""]) expect(verifyWebhookSignature(body, h, secret)).toBe(false);
    expect(spy).not.toHaveBeenCalled();
  });
});

describe("verifyWebhookSignature on real gzip deliveries after a rotation", () => {
  const stack = useStack({ receiver: true });

  it("verifies message.created with the rotated secret only, then gunzips it", async () => {
    await stack.api("POST", "/v3/connectors", { name: "nylas", provider: "nylas" });
    const inputs = { webhookUrl: `${stack.receiver.url}/sig/zipped`, triggerTypes: ["message.created"], compressedDelivery: true };
    const first = await stack.engine.up("Webhook", "zipped", { ...inputs, secretVersion: "1" });
    const rotated = await stack.engine.up("Webhook", "zipped", { ...inputs, secretVersion: "2" });
    const oldSecret = first.outputs.webhookSecret as string;
    const newSecret = rotated.outputs.webhookSecret as string;
    expect(newSecret).not.toBe(oldSecret);
    const account = await stack.engine.up("AgentAccount", "inbox", { email: "inbox@agents.example.com" });
    const sent = await stack.control.injectMail({ from: "customer@outside.example", to: "inbox@agents.example.com", subject: "Sentinel subject 42", body: "hello" });
    expect(sent.data).toHaveLength(1);
    const d = await stack.receiver.waitFor((x) => x.path === "/sig/zipped");
    expect(d.headers["content-encoding"]).toBe("gzip");
    expect(verifyWebhookSignature(d.rawBody, d.headers["x-nylas-signature"], newSecret)).toBe(true);
    expect(verifyWebhookSignature(d.rawBody, d.headers["x-nylas-signature"], oldSecret)).toBe(false);
    const n = parseWebhookBody(d.rawBody, d.headers);
    expect(n.type).toBe("message.created");
    expect(n.data.object).toMatchObject({ grant_id: account.id, subject: "Sentinel subject 42" });
    await stack.engine.destroyAll();
  });
});
