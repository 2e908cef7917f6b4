import { CheckFailedError, type Engine } from "../../provider/offline/engine";
import { WebhookReceiver, type Delivery } from "../../emulator/receiver";
import { startStack, type TestStack } from "../harness/stack";
import { expectDestroyedTwice, expectRecreatedAfterOutOfBandDelete } from "../harness/matrix";
import { verifyWebhookSignature } from "../../provider/webhook-signature";
import { recordRegistrations } from "../harness/mocks";

describe("Webhook through the provider host", () => {
  let stack: TestStack;
  let engine: Engine;
  let receiver: WebhookReceiver;
  let accounts = 0;
  beforeAll(async () => {
    [stack, receiver] = await Promise.all([startStack(), WebhookReceiver.start()]);
    engine = stack.engine;
    await stack.api("POST", "/v3/connectors", { name: "nylas", provider: "nylas" });
  });
  afterAll(async () => {
    await stack.stop();
    await receiver.close();
  });

  const url = (p: string) => `${receiver.url}/hooks/${p}`;
  const webhooks = async () => (await stack.api("GET", "/v3/webhooks")).body.data as any[];
  const webhook = async (id: string) => (await stack.api("GET", `/v3/webhooks/${id}`)).body.data;
  const paths = async () => (await stack.control.requests()).map((r) => `${r.method} ${r.path}`);
  const strip = ({ __provider, ...rest }: Record<string, unknown>) => rest;
  /** Makes Nylas fire `grant.created` and returns the delivery that reached `path`. */
  const grantCreatedAt = async (path: string): Promise<Delivery> => {
    const email = `hook-${++accounts}@agents.example.com`;
    const r = await stack.api("POST", "/v3/connect/custom", { provider: "nylas", settings: { email } });
    expect(r.status).toBe(201);
    return receiver.waitFor((d) => d.path === path && d.rawBody.toString().includes(email));
  };

  it("runs the acceptance matrix: create, no-op, updates, refresh, drift, out-of-band delete, delete twice", async () => {
    const inputs = {
      webhookUrl: ` ${url("matrix")} `,
      triggerTypes: ["message.created", "grant.created", "message.created"],
      description: "  inbound mail ",
      notificationEmailAddresses: ["Ops@Example.com", "dev@example.com", "ops@example.com"],
    };
    const made = await engine.up("Webhook", "matrix", inputs);
    expect(made.op).toBe("create");
    expect(strip(made.outputs)).toEqual({
      webhookUrl: url("matrix"),
      triggerTypes: ["grant.created", "message.created"],
      description: "inbound mail",
      notificationEmailAddresses: ["dev@example.com", "ops@example.com"],
      compressedDelivery: false,
      status: "active",
      deliveryStatus: "active",
      webhookSecret: expect.stringMatching(/^[0-9a-f]{64}$/),
      createdAt: expect.any(Number),
    });
    const secret = made.outputs.webhookSecret as string;
    expect((await stack.control.state()).webhooks.find((w: any) => w.id === made.id)!.webhook_secret).toBe(secret);

    await stack.control.clearRequests();
    expect((await engine.up("Webhook", "matrix", inputs)).op).toBe("same");
    expect(await stack.control.requests()).toEqual([]);

    // In place: a PUT with only what changed; the secret is kept.
    await stack.control.clearRequests();
    const changed = { ...inputs, triggerTypes: ["grant.created", "grant.deleted", "message.created"], compressedDelivery: true };
    const updated = await engine.up("Webhook", "matrix", changed);
    expect(updated).toMatchObject({ op: "update", id: made.id });
    expect(await paths()).toEqual([`PUT /v3/webhooks/${made.id}`]);
    expect(updated.outputs).toMatchObject({ triggerTypes: ["grant.created", "grant.deleted", "message.created"], compressedDelivery: true, webhookSecret: secret });

    // The URL changes in place too (Nylas re-runs the challenge) — nothing about a webhook replaces it.
    const moved = await engine.up("Webhook", "matrix", { ...changed, webhookUrl: url("matrix-moved") });
    expect(moved).toMatchObject({ op: "update", id: made.id, replaces: [] });
    expect((await webhook(made.id)).webhook_url).toBe(url("matrix-moved"));
    expect(moved.outputs.webhookSecret).toBe(secret);
    const current = { ...changed, webhookUrl: url("matrix-moved") };

    // Removing description / notification addresses: Nylas cannot clear them, so no diff.
    expect((await engine.preview("Webhook", "matrix", { ...current, description: undefined, notificationEmailAddresses: undefined })).op).toBe("same");

    const fresh = await engine.refresh("Webhook", "matrix");
    expect(fresh.op).toBe("same");
    expect(fresh.outputs!.webhookSecret).toBe(secret); // reads never return it: kept from create

    // A colleague edits the description: refresh shows exactly that, up puts it back.
    const before = engine.get("Webhook", "matrix")!.outputs;
    await stack.api("PUT", `/v3/webhooks/${made.id}`, { description: "edited by hand" });
    const drift = await engine.refresh("Webhook", "matrix");
    expect(drift.op).toBe("update");
    expect(drift.outputs).toEqual({ ...before, description: "edited by hand" });
    await stack.control.clearRequests();
    expect((await engine.up("Webhook", "matrix", current)).op).toBe("update");
    expect(await paths()).toEqual([`PUT /v3/webhooks/${made.id}`]);
    expect((await webhook(made.id)).description).toBe("inbound mail");

    // Paused by hand while declared active: refresh sees it, up re-activates.
    await stack.api("PUT", `/v3/webhooks/${made.id}`, { status: "pause" });
    expect((await engine.refresh("Webhook", "matrix")).outputs).toMatchObject({ status: "pause", deliveryStatus: "pause" });
    expect((await engine.up("Webhook", "matrix", { ...current, status: "active" })).outputs).toMatchObject({ status: "active" });
    expect((await webhook(made.id)).status).toBe("active");

    // Deleted outside Pulumi: refresh drops it, the next up recreates it (with a new secret).
    const again = await expectRecreatedAfterOutOfBandDelete(engine, "Webhook", "matrix", current, (id) => stack.api("DELETE", `/v3/webhooks/${id}`));
    expect(again.outputs.webhookSecret).not.toBe(secret);
    await expectDestroyedTwice(engine, "Webhook", "matrix", async (id) => (await webhooks()).some((w) => w.id === id));
  });

  it("rotates the secret in place when secretVersion changes; the old secret stops signing", async () => {
    const inputs = { webhookUrl: url("rotate"), triggerTypes: ["grant.created"], secretVersion: 1 };
    const made = await engine.up("Webhook", "rotate", inputs);
    const oldSecret = made.outputs.webhookSecret as string;
    expect(made.outputs.secretVersion).toBe("1");
    const first = await grantCreatedAt("/hooks/rotate");
    expect(verifyWebhookSignature(first.rawBody, first.headers["x-nylas-signature"], oldSecret)).toBe(true);

    // 1 and "1" are the same version.
    expect((await engine.up("Webhook", "rotate", { ...inputs, secretVersion: "1" })).op).toBe("same");

    await stack.control.clearRequests();
    const rotated = await engine.up("Webhook", "rotate", { ...inputs, secretVersion: 2 });
    expect(rotated).toMatchObject({ op: "update", id: made.id });
    expect(await paths()).toEqual([`POST /v3/webhooks/rotate-secret/${made.id}`]);
    const newSecret = rotated.outputs.webhookSecret as string;
    expect(newSecret).toMatch(/^[0-9a-f]{64}$/);
    expect(newSecret).not.toBe(oldSecret);

    const second = await grantCreatedAt("/hooks/rotate");
    expect(verifyWebhookSignature(second.rawBody, second.headers["x-nylas-signature"], newSecret)).toBe(true);
    expect(verifyWebhookSignature(second.rawBody, second.headers["x-nylas-signature"], oldSecret)).toBe(false);

    // Kept through refresh and unrelated updates; removing secretVersion does not rotate.
    expect((await engine.refresh("Webhook", "rotate")).outputs!.webhookSecret).toBe(newSecret);
    const described = await engine.up("Webhook", "rotate", { ...inputs, secretVersion: 2, description: "d" });
    expect(described.outputs.webhookSecret).toBe(newSecret);
    expect((await engine.up("Webhook", "rotate", { webhookUrl: url("rotate"), triggerTypes: ["grant.created"], description: "d" })).op).toBe("same");
    await engine.destroy("Webhook", "rotate");
  });

  it("creates a paused webhook (Nylas creates it active, then it is paused)", async () => {
    const made = await engine.up("Webhook", "paused", { webhookUrl: url("paused"), triggerTypes: ["grant.created"], status: "pause" });
    expect(made.outputs).toMatchObject({ status: "pause", deliveryStatus: "pause" });
    expect((await webhook(made.id)).status).toBe("pause");
    expect((await engine.up("Webhook", "paused", { webhookUrl: url("paused"), triggerTypes: ["grant.created"], status: "pause" })).op).toBe("same");
    await engine.destroy("Webhook", "paused");
  });

  it("adopts an existing webhook by id and by URL, rotating its unknown secret once", async () => {
    const raw = (await stack.api("POST", "/v3/webhooks", { webhook_url: url("adopt-id"), trigger_types: ["grant.created"], description: "old" })).body.data;
    await stack.control.clearRequests();
    const byId = await engine.up("Webhook", "adopt-id", { webhookUrl: url("adopt-id"), triggerTypes: ["grant.created", "grant.deleted"], adopt: raw.id });
    expect(byId).toMatchObject({ op: "create", id: raw.id });
    expect(await paths()).toEqual([`GET /v3/webhooks/${raw.id}`, `PUT /v3/webhooks/${raw.id}`, `POST /v3/webhooks/rotate-secret/${raw.id}`]);
    expect(byId.outputs.webhookSecret).not.toBe(raw.webhook_secret);
    expect(byId.outputs.description).toBe("old"); // not declared: left as it is
    const d = await grantCreatedAt("/hooks/adopt-id");
    expect(verifyWebhookSignature(d.rawBody, d.headers["x-nylas-signature"], byId.outputs.webhookSecret as string)).toBe(true);
    expect((await engine.up("Webhook", "adopt-id", { webhookUrl: url("adopt-id"), triggerTypes: ["grant.created", "grant.deleted"], adopt: raw.id })).op).toBe("same");

    const raw2 = (await stack.api("POST", "/v3/webhooks", { webhook_url: url("adopt-url"), trigger_types: ["grant.created"] })).body.data;
    const byUrl = await engine.up("Webhook", "adopt-url", { webhookUrl: url("adopt-url"), triggerTypes: ["grant.created"], adopt: true });
    expect(byUrl.id).toBe(raw2.id);
    expect(byUrl.outputs.webhookSecret).not.toBe(raw2.webhook_secret);
    expect((await webhooks()).filter((w) => w.webhook_url === url("adopt-url"))).toHaveLength(1);

    const missing = await engine.up("Webhook", "adopt-missing", { webhookUrl: url("nobody"), triggerTypes: ["grant.created"], adopt: true }).catch((e) => e);
    expect(missing.message).toContain(`adopt: no existing Nylas Webhook with webhookUrl ${url("nobody")}; remove adopt to create one`);
    await engine.destroy("Webhook", "adopt-id");
    await engine.destroy("Webhook", "adopt-url");
  });

  it("does not duplicate a webhook whose create answer was lost, and ends up with a working secret", async () => {
    for (const fault of [{ kind: "commit-then-reset" as const }, { kind: "commit-then-status" as const, status: 504 }]) {
      const path = `ghost-${fault.kind}`;
      await stack.control.faults([{ method: "POST", path: "^/v3/webhooks$", times: 1, ...fault }]);
      const r = await engine.up("Webhook", path, { webhookUrl: url(path), triggerTypes: ["grant.created"] });
      const same = (await webhooks()).filter((w) => w.webhook_url === url(path));
      expect(same).toHaveLength(1);
      expect(r.id).toBe(same[0].id);
      const d = await grantCreatedAt(`/hooks/${path}`);
      expect(verifyWebhookSignature(d.rawBody, d.headers["x-nylas-signature"], r.outputs.webhookSecret as string)).toBe(true);
      await engine.destroy("Webhook", path);
    }
  });

  it("warns about an unknown trigger type instead of failing check", async () => {
    await stack.control.clearRequests();
    const before = engine.host.output.length;
    const p = await engine.preview("Webhook", "unknown-trigger", { webhookUrl: url("unknown"), triggerTypes: ["message.created", "message.telepathy"] });
    expect(p.op).toBe("create");
    expect(engine.host.output.slice(before).join("")).toContain(
      'warning: Nylas Webhook: triggerTypes "message.telepathy" is not a trigger type in the Nylas reference (e.g. "message.created", "grant.created"); sending it anyway — Nylas refuses names it does not know',
    );
    expect(await stack.control.requests()).toEqual([]);
    // This emulator, like Nylas, refuses it at create: one clear error, nothing recorded.
    const err = await engine.up("Webhook", "unknown-trigger", { webhookUrl: url("unknown"), triggerTypes: ["message.created", "message.telepathy"] }).catch((e) => e);
    expect(err.message).toMatch(/^creating Nylas Webhook \(webhookUrl .*\/hooks\/unknown\): 400 .*message\.telepathy/);
    expect(engine.get("Webhook", "unknown-trigger")).toBeUndefined();
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
      const err = await engine.up("Webhook", "bad", inputs).catch((e) => e);
      expect(err).toBeInstanceOf(CheckFailedError);
      expect(err.failures).toEqual(failures);
    }
    // http is fine for local endpoints.
    for (const local of ["http://localhost:8080/h", "http://127.0.0.1/h", "http://[::1]:9/h"]) {
      expect((await engine.preview("Webhook", "local", { webhookUrl: local, triggerTypes: ["message.created"] })).op).toBe("create");
    }
    expect(await stack.control.requests()).toEqual([]);
  });

  it("never puts the API key or the webhook secret in state or in the serialized provider", async () => {
    const made = await engine.up("Webhook", "secrets", { webhookUrl: url("secrets"), triggerTypes: ["grant.created"], secretVersion: "a" });
    const rotated = await engine.up("Webhook", "secrets", { webhookUrl: url("secrets"), triggerTypes: ["grant.created"], secretVersion: "b" });
    await engine.refresh("Webhook", "secrets");
    const s = engine.get("Webhook", "secrets")!;
    expect(s.secretOutputs).toContain("webhookSecret");
    const everything = [engine.stateJson(), await engine.providerText("Webhook"), engine.host.output.join("")].join("\n");
    for (const plain of [stack.emulator.apiKey, made.outputs.webhookSecret as string, rotated.outputs.webhookSecret as string]) {
      expect(everything).not.toContain(plain);
    }
    await engine.destroy("Webhook", "secrets");
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
