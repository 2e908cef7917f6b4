import { type Engine } from "../../provider/offline/engine";
import { outputContaining } from "../harness/output";
import { type TestStack, useStack } from "../harness/stack";
import { checkFailures as stackCheckFailures, expectCheckCases, type CheckFailure } from "../harness/check";
import { expectDestroyedTwice, expectRecreatedAfterOutOfBandDelete } from "../harness/matrix";

/**
 * The acceptance matrix of a notification channel (PubSubChannel, SnsChannel) through the provider
 * host, written once for both kinds; each kind's test file runs it and adds what is its own.
 */
export interface ChannelKind {
  type: "PubSubChannel" | "SnsChannel";
  path: "pubsub" | "sns";
  /** Inputs that name a valid destination, distinct per `tag`. */
  destination(tag: string): Record<string, unknown>;
}

export interface ChannelSuite {
  stack(): TestStack;
  engine(): Engine;
  /** The channel as Nylas has it. */
  channel(id: string): Promise<any>;
  channels(): Promise<any[]>;
  /** Makes Nylas fire `grant.created` (a new Agent Account) and returns the account's email. */
  fireGrantCreated(): Promise<string>;
}

export function channelSuite(kind: ChannelKind): ChannelSuite {
  const stack = useStack();
  let accounts = 0;
  beforeAll(async () => {
    await stack.api("POST", "/v3/connectors", { name: "nylas", provider: "nylas" });
  });
  return {
    stack: () => stack,
    engine: () => stack.engine,
    channel: async (id) => (await stack.api("GET", `/v3/channels/${kind.path}/${id}`)).body.data,
    channels: async () => (await stack.api("GET", `/v3/channels/${kind.path}`)).body.data as any[],
    async fireGrantCreated() {
      const email = `${kind.path}-${++accounts}@agents.example.com`;
      const r = await stack.api("POST", "/v3/connect/custom", { provider: "nylas", settings: { email } });
      expect(r.status).toBe(201);
      return email;
    },
  };
}

/** The cases every channel kind passes. */
export function channelMatrix(kind: ChannelKind, suite: ChannelSuite): void {
  const paths = async () => (await suite.stack().control.requests()).map((r) => `${r.method} ${r.path}`);
  const strip = ({ __provider, ...rest }: Record<string, unknown>) => rest;
  const topicOf = (tag: string) => String(kind.destination(tag).topic).trim();
  const deliveriesTo = async (id: string) => (await suite.stack().control.channelDeliveries()).filter((d) => d.channel_id === id);

  it("runs the acceptance matrix: create, no-op, updates, refresh, drift, out-of-band delete, delete twice", async () => {
    const engine = suite.engine();
    const stack = suite.stack();
    const inputs = {
      ...kind.destination("matrix"),
      triggerTypes: ["message.created", "grant.created", "message.created"],
      description: "  agent events ",
      notificationEmailAddresses: ["Ops@Example.com", "ops@example.com"],
    };
    const made = await engine.up(kind.type, "matrix", inputs);
    expect(made.op).toBe("create");
    const destination = Object.fromEntries(Object.entries(kind.destination("matrix")).map(([k, v]) => [k, String(v).trim()]));
    expect(strip(made.outputs)).toEqual({
      ...destination,
      triggerTypes: ["grant.created", "message.created"],
      description: "agent events",
      notificationEmailAddresses: ["ops@example.com"],
      compressedDelivery: false,
      status: "active",
      deliveryStatus: "active",
      createdAt: expect.any(Number),
    });

    // Every subscribed event of every grant is published to the topic (the emulator logs it).
    const email = await suite.fireGrantCreated();
    const published = (await deliveriesTo(made.id)).filter((d) => d.trigger === "grant.created");
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ topic: destination.topic, attributes: { trigger_type: "grant.created" }, status: 200 });
    expect(published[0].message).toContain(email);

    await stack.control.clearRequests();
    expect((await engine.up(kind.type, "matrix", inputs)).op).toBe("same");
    expect(await stack.control.requests()).toEqual([]);

    // In place: one PUT with only what changed.
    await stack.control.clearRequests();
    const changed = { ...inputs, triggerTypes: ["grant.created", "grant.deleted"], compressedDelivery: true };
    const updated = await engine.up(kind.type, "matrix", changed);
    expect(updated).toMatchObject({ op: "update", id: made.id });
    expect(await paths()).toEqual([`PUT /v3/channels/${kind.path}/${made.id}`]);
    expect(updated.outputs).toMatchObject({ triggerTypes: ["grant.created", "grant.deleted"], compressedDelivery: true });
    expect(await suite.channel(made.id)).toMatchObject({ trigger_types: ["grant.created", "grant.deleted"], compressed_delivery: true });

    // The topic changes in place too: nothing about a channel replaces it.
    const moved = { ...changed, ...kind.destination("matrix-moved") };
    const r = await engine.up(kind.type, "matrix", moved);
    expect(r).toMatchObject({ op: "update", id: made.id, replaces: [] });
    expect((await suite.channel(made.id)).topic).toBe(topicOf("matrix-moved"));

    // Removing description / notification addresses: Nylas cannot clear them, so no diff.
    expect((await engine.preview(kind.type, "matrix", { ...moved, description: undefined, notificationEmailAddresses: undefined })).op).toBe("same");
    expect((await engine.refresh(kind.type, "matrix")).op).toBe("same");

    // A colleague edits the description: refresh shows exactly that, up puts it back.
    const before = engine.get(kind.type, "matrix")!.outputs;
    await stack.api("PUT", `/v3/channels/${kind.path}/${made.id}`, { description: "edited by hand" });
    const drift = await engine.refresh(kind.type, "matrix");
    expect(drift.op).toBe("update");
    expect(drift.outputs).toEqual({ ...before, description: "edited by hand" });
    await stack.control.clearRequests();
    expect((await engine.up(kind.type, "matrix", moved)).op).toBe("update");
    expect(await paths()).toEqual([`PUT /v3/channels/${kind.path}/${made.id}`]);
    expect((await suite.channel(made.id)).description).toBe("agent events");

    // Paused by hand while declared active: refresh sees it, up restarts it.
    await stack.api("PUT", `/v3/channels/${kind.path}/${made.id}`, { status: "pause" });
    expect((await engine.refresh(kind.type, "matrix")).outputs).toMatchObject({ status: "pause", deliveryStatus: "pause" });
    expect((await engine.up(kind.type, "matrix", { ...moved, status: "active" })).outputs).toMatchObject({ status: "active" });
    expect((await suite.channel(made.id)).status).toBe("active");

    // Failing at Nylas: still delivering, so it reads as active; refresh says why it fails.
    await stack.control.setChannelStatus(made.id, "failing");
    const mark = engine.host.output.length;
    expect((await engine.refresh(kind.type, "matrix")).outputs).toMatchObject({ status: "active", deliveryStatus: "failing" });
    const failing = `channel ${made.id} is failing: Nylas cannot publish to its topic`;
    expect(await outputContaining(engine, mark, failing)).toContain(failing);

    const again = await expectRecreatedAfterOutOfBandDelete(engine, kind.type, "matrix", moved, (id) => stack.api("DELETE", `/v3/channels/${kind.path}/${id}`));
    expect(again.outputs.deliveryStatus).toBe("active");
    await expectDestroyedTwice(engine, kind.type, "matrix", async (id) => (await suite.channels()).some((c) => c.id === id));
  });

  it("creates a paused channel (Nylas creates it active, then it is paused)", async () => {
    const engine = suite.engine();
    const inputs = { ...kind.destination("paused"), triggerTypes: ["grant.created"], status: "pause" };
    const made = await engine.up(kind.type, "paused", inputs);
    expect(made.outputs).toMatchObject({ status: "pause", deliveryStatus: "pause" });
    expect((await suite.channel(made.id)).status).toBe("pause");
    await suite.fireGrantCreated();
    expect((await deliveriesTo(made.id)).filter((d) => d.trigger === "grant.created")).toEqual([]);
    expect((await engine.up(kind.type, "paused", inputs)).op).toBe("same");
    await engine.destroy(kind.type, "paused");
  });

  it("adopts an existing channel by id and by topic", async () => {
    const engine = suite.engine();
    const stack = suite.stack();
    const wire = (tag: string) => {
      const d = kind.destination(tag);
      return { topic: d.topic, ...(d.roleArn ? { role_arn: d.roleArn } : {}), trigger_types: ["grant.created"] };
    };
    const raw = (await stack.api("POST", `/v3/channels/${kind.path}`, { ...wire("adopt-id"), description: "old" })).body.data;
    await stack.control.clearRequests();
    const byId = await engine.up(kind.type, "adopt-id", { ...kind.destination("adopt-id"), triggerTypes: ["grant.created", "grant.deleted"], adopt: raw.id });
    expect(byId).toMatchObject({ op: "create", id: raw.id });
    expect(await paths()).toEqual([`GET /v3/channels/${kind.path}/${raw.id}`, `PUT /v3/channels/${kind.path}/${raw.id}`]);
    expect(byId.outputs.description).toBe("old"); // not declared: left as it is
    expect((await engine.up(kind.type, "adopt-id", { ...kind.destination("adopt-id"), triggerTypes: ["grant.created", "grant.deleted"], adopt: raw.id })).op).toBe("same");

    const raw2 = (await stack.api("POST", `/v3/channels/${kind.path}`, wire("adopt-topic"))).body.data;
    const byTopic = await engine.up(kind.type, "adopt-topic", { ...kind.destination("adopt-topic"), triggerTypes: ["grant.created"], adopt: true });
    expect(byTopic.id).toBe(raw2.id);
    expect((await suite.channels()).filter((c) => c.topic === raw2.topic)).toHaveLength(1);

    const missing = await engine.up(kind.type, "adopt-missing", { ...kind.destination("nobody"), triggerTypes: ["grant.created"], adopt: true }).catch((e) => e);
    expect(missing.message).toContain(`adopt: no existing Nylas ${kind.type} with topic ${topicOf("nobody")}; remove adopt to create one`);
    await engine.destroy(kind.type, "adopt-id");
    await engine.destroy(kind.type, "adopt-topic");
  });

  it("does not duplicate a channel whose create answer was lost", async () => {
    const engine = suite.engine();
    const stack = suite.stack();
    for (const fault of [{ kind: "commit-then-reset" as const }, { kind: "commit-then-status" as const, status: 504 }]) {
      const tag = `ghost-${fault.kind}`;
      await stack.control.faults([{ method: "POST", path: `^/v3/channels/${kind.path}$`, times: 1, ...fault }]);
      const r = await engine.up(kind.type, tag, { ...kind.destination(tag), triggerTypes: ["grant.created"] });
      const same = (await suite.channels()).filter((c) => c.topic === topicOf(tag));
      expect(same.map((c) => c.id)).toEqual([r.id]);
      await engine.destroy(kind.type, tag);
    }
  });

  it("warns about an unknown trigger type in check (the shared webhook list), with zero API calls", async () => {
    const engine = suite.engine();
    const stack = suite.stack();
    await stack.control.clearRequests();
    const mark = engine.host.output.length;
    const p = await engine.preview(kind.type, "unknown-trigger", { ...kind.destination("unknown"), triggerTypes: ["message.telepathy"] });
    expect(p.op).toBe("create");
    const unknown = `warning: Nylas ${kind.type}: triggerTypes "message.telepathy" is not a trigger type in the Nylas reference`;
    expect(await outputContaining(engine, mark, unknown)).toContain(unknown);
    expect(await stack.control.requests()).toEqual([]);
  });

  it("refuses bad shared inputs in check with zero API calls and one clear message each", async () => {
    const stack = suite.stack();
    await stack.control.clearRequests();
    const ok = { ...kind.destination("bad"), triggerTypes: ["message.created"] };
    const cases: Array<[Record<string, unknown>, { property: string; reason: string }[]]> = [
      [{ ...ok, triggerTypes: [] }, [{ property: "triggerTypes", reason: 'triggerTypes = []: must list at least one trigger, like ["message.created"]' }]],
      [{ ...ok, triggerTypes: ["message.create"] }, [{ property: "triggerTypes[0]", reason: 'triggerTypes[0] = "message.create": is not a Nylas trigger type; did you mean "message.created"? (trigger names are lower-case with dots)' }]],
      [{ ...ok, status: "failed" }, [{ property: "status", reason: 'status = "failed": must be one of "active", "pause"' }]],
      [{ ...ok, notificationEmailAddresses: ["ops"] }, [{ property: "notificationEmailAddresses[0]", reason: 'notificationEmailAddresses[0] = "ops": must be an email address like agent@agents.example.com' }]],
      [{ ...ok, description: "" }, [{ property: "description", reason: 'description = "": must not be empty (Nylas cannot clear a description: remove the property to leave it as it is)' }]],
      [{ ...ok, compressedDelivery: "yes" }, [{ property: "compressedDelivery", reason: 'compressedDelivery = "yes": must be true or false' }]],
      [{ ...ok, encryptionKey: "k" }, [{ property: "encryptionKey", reason: expect.stringMatching(/^encryptionKey: unknown property; allowed: topic, /) as unknown as string }]],
    ];
    await expectCheckCases(stack, kind.type, cases);
  });
}

/** Runs `inputs` through check and returns the failures (which must exist), with zero API calls. */
export const checkFailures = (suite: ChannelSuite, type: string, inputs: Record<string, unknown>): Promise<CheckFailure[]> => stackCheckFailures(suite.stack(), type, inputs);
