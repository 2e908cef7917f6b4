import { CheckFailedError } from "../../provider/offline/engine";
import type { Delivery } from "../../emulator/receiver";
import { runMatrix } from "../harness/matrix";
import { useStack } from "../harness/stack";
import { verifyWebhookSignature } from "../../provider/webhook-signature";
import { recordRegistrations } from "../harness/mocks";
import { webhookMatrix } from "./matrices/webhook";

describe("Webhook through the provider host", () => {
  const stack = useStack({ receiver: true });
  let accounts = 0;
  beforeAll(async () => {
    await stack.api("POST", "/v3/connectors", { name: "nylas", provider: "nylas" });
  });
  runMatrix(webhookMatrix, () => stack);

  const url = (p: string) => `${stack.receiver.url}/hooks/${p}`;
  const webhooks = async () => (await stack.api("GET", "/v3/webhooks")).body.data as any[];
  const webhook = async (id: string) => (await stack.api("GET", `/v3/webhooks/${id}`)).body.data;
  const paths = async () => (await stack.control.requests()).map((r) => `${r.method} ${r.path}`);
  const strip = ({ __provider, ...rest }: Record<string, unknown>) => rest;
  /** Makes Nylas fire `grant.created` and returns the delivery that reached `path`. */
  const grantCreatedAt = async (path: string): Promise<Delivery> => {
    const email = `hook-${++accounts}@agents.example.com`;
    const r = await stack.api("POST", "/v3/connect/custom", { provider: "nylas", settings: { email } });
    expect(r.status).toBe(201);
    return stack.receiver.waitFor((d) => d.path === path && d.rawBody.toString().includes(email));
  };

  it("rotates the secret in place when secretVersion changes; the old secret stops signing", async () => {
    const inputs = { webhookUrl: url("rotate"), triggerTypes: ["grant.created"], secretVersion: 1 };
    const made = await stack.engine.up("Webhook", "rotate", inputs);
    const oldSecret = made.outputs.webhookSecret as string;
    expect(made.outputs.secretVersion).toBe("1");
    const first = await grantCreatedAt("/hooks/rotate");
    expect(verifyWebhookSignature(first.rawBody, first.headers["x-nylas-signature"], oldSecret)).toBe(true);

    // 1 and "1" are the same version.
    expect((await stack.engine.up("Webhook", "rotate", { ...inputs, secretVersion: "1" })).op).toBe("same");

    await stack.control.clearRequests();
    const rotated = await stack.engine.up("Webhook", "rotate", { ...inputs, secretVersion: 2 });
    expect(rotated).toMatchObject({ op: "update", id: made.id });
    expect(await paths()).toEqual([`POST /v3/webhooks/rotate-secret/${made.id}`]);
    const newSecret = rotated.outputs.webhookSecret as string;
    expect(newSecret).toMatch(/^[0-9a-f]{64}$/);
    expect(newSecret).not.toBe(oldSecret);

    const second = await grantCreatedAt("/hooks/rotate");
    expect(verifyWebhookSignature(second.rawBody, second.headers["x-nylas-signature"], newSecret)).toBe(true);
    expect(verifyWebhookSignature(second.rawBody, second.headers["x-nylas-signature"], oldSecret)).toBe(false);

    // Kept through refresh and unrelated updates; removing secretVersion does not rotate.
    expect((await stack.engine.refresh("Webhook", "rotate")).outputs!.webhookSecret).toBe(newSecret);
    const described = await stack.engine.up("Webhook", "rotate", { ...inputs, secretVersion: 2, description: "d" });
    expect(described.outputs.webhookSecret).toBe(newSecret);
    expect((await stack.engine.up("Webhook", "rotate", { webhookUrl: url("rotate"), triggerTypes: ["grant.created"], description: "d" })).op).toBe("same");
    await stack.engine.destroy("Webhook", "rotate");
  });

  it("creates a paused webhook (Nylas creates it active, then it is paused)", async () => {
    const made = await stack.engine.up("Webhook", "paused", { webhookUrl: url("paused"), triggerTypes: ["grant.created"], status: "pause" });
    expect(made.outputs).toMatchObject({ status: "pause", deliveryStatus: "pause" });
    expect((await webhook(made.id)).status).toBe("pause");
    expect((await stack.engine.up("Webhook", "paused", { webhookUrl: url("paused"), triggerTypes: ["grant.created"], status: "pause" })).op).toBe("same");
    await stack.engine.destroy("Webhook", "paused");
  });

  it("adopts an existing webhook by id and by URL, rotating its unknown secret once", async () => {
    const raw = (await stack.api("POST", "/v3/webhooks", { webhook_url: url("adopt-id"), trigger_types: ["grant.created"], description: "old" })).body.data;
    await stack.control.clearRequests();
    const byId = await stack.engine.up("Webhook", "adopt-id", { webhookUrl: url("adopt-id"), triggerTypes: ["grant.created", "grant.deleted"], adopt: raw.id });
    expect(byId).toMatchObject({ op: "create", id: raw.id });
    expect(await paths()).toEqual([`GET /v3/webhooks/${raw.id}`, `PUT /v3/webhooks/${raw.id}`, `POST /v3/webhooks/rotate-secret/${raw.id}`]);
    expect(byId.outputs.webhookSecret).not.toBe(raw.webhook_secret);
    expect(byId.outputs.description).toBe("old"); // not declared: left as it is
    const d = await grantCreatedAt("/hooks/adopt-id");
    expect(verifyWebhookSignature(d.rawBody, d.headers["x-nylas-signature"], byId.outputs.webhookSecret as string)).toBe(true);
    expect((await stack.engine.up("Webhook", "adopt-id", { webhookUrl: url("adopt-id"), triggerTypes: ["grant.created", "grant.deleted"], adopt: raw.id })).op).toBe("same");

    const raw2 = (await stack.api("POST", "/v3/webhooks", { webhook_url: url("adopt-url"), trigger_types: ["grant.created"] })).body.data;
    const byUrl = await stack.engine.up("Webhook", "adopt-url", { webhookUrl: url("adopt-url"), triggerTypes: ["grant.created"], adopt: true });
    expect(byUrl.id).toBe(raw2.id);
    expect(byUrl.outputs.webhookSecret).not.toBe(raw2.webhook_secret);
    expect((await webhooks()).filter((w) => w.webhook_url === url("adopt-url"))).toHaveLength(1);

    const missing = await stack.engine.up("Webhook", "adopt-missing", { webhookUrl: url("nobody"), triggerTypes: ["grant.created"], adopt: true }).catch((e) => e);
    expect(missing.message).toContain(`adopt: no existing Nylas Webhook with webhookUrl ${url("nobody")}; remove adopt to create one`);
    await stack.engine.destroy("Webhook", "adopt-id");
    await stack.engine.destroy("Webhook", "adopt-url");
  });

  it("warns about an unknown trigger type instead of failing check", async () => {
    await stack.control.clearRequests();
    const before = stack.engine.host.output.length;
    const p = await stack.engine.preview("Webhook", "unknown-trigger", { webhookUrl: url("unknown"), triggerTypes: ["message.created", "message.telepathy"] });
    expect(p.op).toBe("create");
    expect(stack.engine.host.output.slice(before).join("")).toContain(
      'warning: Nylas Webhook: triggerTypes "message.telepathy" is not a trigger type in the Nylas reference (e.g. "message.created", "grant.created"); sending it anyway — Nylas refuses names it does not know',
    );
    expect(await stack.control.requests()).toEqual([]);
    // This emulator, like Nylas, refuses it at create: one clear error, nothing recorded.
    const err = await stack.engine.up("Webhook", "unknown-trigger", { webhookUrl: url("unknown"), triggerTypes: ["message.created", "message.telepathy"] }).catch((e) => e);
    expect(err.message).toMatch(/^creating Nylas Webhook \(webhookUrl .*\/hooks\/unknown\): 400 .*message\.telepathy/);
    expect(stack.engine.get("Webhook", "unknown-trigger")).toBeUndefined();
  });

  it("refuses bad input in check with zero API calls and one clear message", async () => {
    await stack.control.clearRequests();
    const cases: Array<[Record<string, unknown>, { property: string; reason: string }[]]> = [
      [
        { webhookUrl: "http://example.com/hook", triggerTypes: ["message.created"] },
        [
          {
            property: "webhookUrl",
            reason:
              'webhookUrl = "http://example.com/hook": must be an https:// URL (http:// is allowed only for localhost, 127.0.0.1 and [::1]); Nylas delivers only over https to a public host',
          },
        ],
      ],
      [
        { webhookUrl: "ftp://example.com/hook", triggerTypes: ["message.created"] },
        [{ property: "webhookUrl", reason: 'webhookUrl = "ftp://example.com/hook": must be an https:// URL (http:// is allowed only for localhost, 127.0.0.1 and [::1]); ftp: is not allowed' }],
      ],
      [
        { webhookUrl: "example.com/hook", triggerTypes: ["message.created"] },
        [{ property: "webhookUrl", reason: 'webhookUrl = "example.com/hook": must be an https:// URL (http:// is allowed only for localhost, 127.0.0.1 and [::1]); this is not a URL' }],
      ],
      [
        { webhookUrl: "https://example.com/hook", triggerTypes: [] },
        [{ property: "triggerTypes", reason: 'triggerTypes = []: must list at least one trigger, like ["message.created"]' }],
      ],
      [
        { webhookUrl: "https://example.com/hook", triggerTypes: ["message created"] },
        [{ property: "triggerTypes[0]", reason: 'triggerTypes[0] = "message created": must be a trigger name like "message.created" (letters, digits, "_", "." and "-")' }],
      ],
      [
        { webhookUrl: "https://example.com/hook", triggerTypes: ["message.created"], status: "failed" },
        [{ property: "status", reason: 'status = "failed": must be one of "active", "pause"' }],
      ],
      [
        { webhookUrl: "https://example.com/hook", triggerTypes: ["message.created"], notificationEmailAddresses: ["ops"] },
        [{ property: "notificationEmailAddresses[0]", reason: 'notificationEmailAddresses[0] = "ops": must be an email address like agent@agents.example.com' }],
      ],
      [
        { webhookUrl: "https://example.com/hook", triggerTypes: ["message.created"], description: "" },
        [{ property: "description", reason: 'description = "": must not be empty (Nylas cannot clear a description: remove the property to leave it as it is)' }],
      ],
      [
        { webhookUrl: "https://example.com/hook", triggerTypes: ["message.created"], compressedDelivery: "yes" },
        [{ property: "compressedDelivery", reason: 'compressedDelivery = "yes": must be true or false' }],
      ],
      [
        { webhookUrl: "https://example.com/hook", triggerTypes: ["message.created"], callbackUrl: "https://x" },
        [{ property: "callbackUrl", reason: "callbackUrl: unknown property; allowed: webhookUrl, triggerTypes, description, notificationEmailAddresses, compressedDelivery, status, secretVersion" }],
      ],
    ];
    for (const [inputs, failures] of cases) {
      const err = await stack.engine.up("Webhook", "bad", inputs).catch((e) => e);
      expect(err).toBeInstanceOf(CheckFailedError);
      expect(err.failures).toEqual(failures);
    }
    // http is fine for local endpoints.
    for (const local of ["http://localhost:8080/h", "http://127.0.0.1/h", "http://[::1]:9/h"]) {
      expect((await stack.engine.preview("Webhook", "local", { webhookUrl: local, triggerTypes: ["message.created"] })).op).toBe("create");
    }
    expect(await stack.control.requests()).toEqual([]);
  });

  it("never puts the API key or the webhook secret in state or in the serialized provider", async () => {
    const made = await stack.engine.up("Webhook", "secrets", { webhookUrl: url("secrets"), triggerTypes: ["grant.created"], secretVersion: "a" });
    const rotated = await stack.engine.up("Webhook", "secrets", { webhookUrl: url("secrets"), triggerTypes: ["grant.created"], secretVersion: "b" });
    await stack.engine.refresh("Webhook", "secrets");
    const s = stack.engine.get("Webhook", "secrets")!;
    expect(s.secretOutputs).toContain("webhookSecret");
    const everything = [stack.engine.stateJson(), await stack.engine.providerText("Webhook"), stack.engine.host.output.join("")].join("\n");
    for (const plain of [stack.emulator.apiKey, made.outputs.webhookSecret as string, rotated.outputs.webhookSecret as string]) {
      expect(everything).not.toContain(plain);
    }
    await stack.engine.destroy("Webhook", "secrets");
  });
});

describe("the Webhook class (Pulumi mocks)", () => {
  it("registers the fixed type token and marks webhookSecret as a secret output", async () => {
    const { requests } = await recordRegistrations(() => ({ webhookSecret: "s" }));
    const { Webhook } = await import("../../provider/resources/webhook");
    const w = new Webhook("hook", { webhookUrl: "https://agent.example.com/hook", triggerTypes: ["message.created"] });
    await new Promise((r) => w.urn.apply(r));
    expect(requests.map((r) => r.getType())).toEqual(["pulumi-nodejs:dynamic/nylas:Webhook"]);
    expect(requests[0].getAdditionalsecretoutputsList()).toEqual(["webhookSecret"]);
  });
});
