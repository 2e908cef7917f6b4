import { createHmac } from "node:crypto";
import { gunzipSync, gzipSync } from "node:zlib";
import { useStack } from "../harness/stack";
import { parseWebhookBody, verifyWebhookSignature } from "../../provider/webhook-signature";
import * as pkg from "../../provider";

const SECRET = "3f1c9a0e5b7d2c4a8e6f0b1d3c5a7e9f2b4d6c8a0e1f3b5d7c9a2e4f6b8d0c1a";
const sign = (body: Buffer | string, secret = SECRET) => createHmac("sha256", secret).update(body).digest("hex");

describe("verifyWebhookSignature", () => {
  const body = Buffer.from(JSON.stringify({ specversion: "1.0", type: "message.created", id: "n1", data: { object: { id: "m1" } } }));

  it("accepts the lower-case hex HMAC-SHA256 of the raw bytes, also upper-case, as a string body or a one-element header array", () => {
    const sig = sign(body);
    expect(verifyWebhookSignature(body, sig, SECRET)).toBe(true);
    expect(verifyWebhookSignature(body, sig.toUpperCase(), SECRET)).toBe(true);
    expect(verifyWebhookSignature(body, ` ${sig} `, SECRET)).toBe(true);
    expect(verifyWebhookSignature(body.toString("utf8"), sig, SECRET)).toBe(true);
    expect(verifyWebhookSignature(body, [sig], SECRET)).toBe(true);
    expect(verifyWebhookSignature(new Uint8Array(body), sig, SECRET)).toBe(true);
  });

  it("refuses a tampered body, another secret, and missing or garbled headers — without throwing", () => {
    const sig = sign(body);
    const tampered = Buffer.from(body.toString().replace("m1", "m2"));
    expect(verifyWebhookSignature(tampered, sig, SECRET)).toBe(false);
    expect(verifyWebhookSignature(body, sig, SECRET.replace(/^3/, "4"))).toBe(false);
    expect(verifyWebhookSignature(body, sign(body, "other"), SECRET)).toBe(false);
    for (const bad of [undefined, "", "not-hex", sig.slice(0, 63), sig + "0", sig.slice(0, 62) + "zz", `sha256=${sig}`, [], [sig, sig]]) {
      expect(verifyWebhookSignature(body, bad as string | string[] | undefined, SECRET)).toBe(false);
    }
    expect(verifyWebhookSignature(body, sig, "")).toBe(false);
    expect(verifyWebhookSignature({} as unknown as Buffer, sig, SECRET)).toBe(false);
  });

  it("checks a compressed delivery on the gzip bytes as received, and parseWebhookBody gunzips it", () => {
    const zipped = gzipSync(body);
    const sig = sign(zipped);
    expect(verifyWebhookSignature(zipped, sig, SECRET)).toBe(true);
    expect(verifyWebhookSignature(gunzipSync(zipped), sig, SECRET)).toBe(false); // verify before gunzipping
    expect(parseWebhookBody(zipped, { "Content-Encoding": "gzip" })).toMatchObject({ type: "message.created", id: "n1" });
    expect(parseWebhookBody(body, { "content-type": "application/json" })).toMatchObject({ type: "message.created" });
    expect(parseWebhookBody(body.toString())).toMatchObject({ id: "n1" });
  });

  it("is exported by the package", () => {
    expect(pkg.verifyWebhookSignature).toBe(verifyWebhookSignature);
    expect(pkg.parseWebhookBody).toBe(parseWebhookBody);
  });
});

describe("verifyWebhookSignature against the emulator's real deliveries", () => {
  const stack = useStack({ receiver: true });

  it("verifies plain and gzip deliveries of grant.created with the webhookSecret output", async () => {
    const plain = await stack.engine.up("Webhook", "plain", { webhookUrl: `${stack.receiver.url}/hooks/plain`, triggerTypes: ["grant.created"] });
    const zipped = await stack.engine.up("Webhook", "zipped", { webhookUrl: `${stack.receiver.url}/hooks/zipped`, triggerTypes: ["grant.created"], compressedDelivery: true });
    const account = await stack.engine.up("AgentAccount", "sig", { email: "sig@agents.example.com" });

    const d1 = await stack.receiver.waitFor((d) => d.path === "/hooks/plain");
    expect(d1.headers["content-encoding"]).toBeUndefined();
    expect(verifyWebhookSignature(d1.rawBody, d1.headers["x-nylas-signature"], plain.outputs.webhookSecret as string)).toBe(true);
    expect(verifyWebhookSignature(d1.rawBody, d1.headers["x-nylas-signature"], zipped.outputs.webhookSecret as string)).toBe(false);
    const tampered = Buffer.from(d1.rawBody.toString().replace("sig@agents", "evil@agents"));
    expect(tampered.equals(d1.rawBody)).toBe(false);
    expect(verifyWebhookSignature(tampered, d1.headers["x-nylas-signature"], plain.outputs.webhookSecret as string)).toBe(false);
    const n1 = parseWebhookBody(d1.rawBody, d1.headers);
    expect(n1.type).toBe("grant.created");
    expect(n1.data.object).toMatchObject({ grant_id: account.id, email: "sig@agents.example.com" });

    const d2 = await stack.receiver.waitFor((d) => d.path === "/hooks/zipped");
    expect(d2.headers["content-encoding"]).toBe("gzip");
    expect(verifyWebhookSignature(d2.rawBody, d2.headers["x-nylas-signature"], zipped.outputs.webhookSecret as string)).toBe(true);
    expect(verifyWebhookSignature(gunzipSync(d2.rawBody), d2.headers["x-nylas-signature"], zipped.outputs.webhookSecret as string)).toBe(false);
    const n2 = parseWebhookBody(d2.rawBody, d2.headers);
    expect(n2.type).toBe("grant.created");
    expect(n2.data.object).toMatchObject({ grant_id: account.id });
    await stack.engine.destroyAll();
  });
});
