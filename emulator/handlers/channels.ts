/**
 * `/v3/channels/pubsub…` and `/v3/channels/sns…`
 * (developer.nylas.com/docs/reference/api/pubsub-notifications/, …/amazon-sns-notifications/):
 * application-wide notification channels beside webhooks. No cloud is reachable, so every publish (and SNS's
 * `connector.verification` test event on create) is recorded in the control API's delivery log instead.
 */
import { randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";
import { App, publicFields } from "../app";
import { ApiError, notFound } from "../errors";
import type { Router } from "../router";
import { buildNotification, isTriggerType } from "../webhook-delivery";
import { Body, bodyObject, has, isEmail, isObject, now } from "../validate";
import type { Variance } from "../variance";

export type ChannelKind = "pubsub" | "sns";
export const CHANNEL_KINDS: readonly ChannelKind[] = ["pubsub", "sns"];
export const MAX_CHANNELS_PER_KIND = 5;
export type ChannelStatus = "active" | "pause" | "failing" | "failed";

export interface ChannelRec {
  id: string;
  description?: string;
  trigger_types: string[];
  topic: string;
  role_arn?: string;
  notification_email_addresses: string[];
  compressed_delivery: boolean;
  encryption_key?: string;
  status: ChannelStatus;
  status_updated_at: number;
  created_at: number;
  updated_at: number;
  _kind: ChannelKind;
  [k: string]: unknown;
}

const LABEL: Record<ChannelKind, string> = { pubsub: "Pub/Sub", sns: "SNS" };

/** Google Cloud naming: project ids 6–30 chars, topic ids 3–255 starting with a letter. */
const PUBSUB_TOPIC_RE = /^projects\/[a-z][a-z0-9-]{4,28}[a-z0-9]\/topics\/[A-Za-z][A-Za-z0-9._~+%-]{2,254}$/;
/** `arn:aws:sns:<region>:<12-digit account>:<topic name>` (`.fifo` topics allowed). */
const SNS_TOPIC_RE = /^arn:aws:sns:[a-z]{2}(-[a-z]+)+-\d:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;
/** `arn:aws:iam::<12-digit account>:role/<optional path/>name`. */
const ROLE_ARN_RE = /^arn:aws:iam::\d{12}:role\/([\x21-\x7e]+\/)*[\w+=,.@-]{1,64}$/;

// Channel errors use numeric-string types, as in Nylas's spec: create 70005, get 70001, update/delete 70000.
const invalid = (detail: string): ApiError => new ApiError(400, "70005", `invalid.input.format : ${detail}`);

/** Topics the control API marked unreachable: publishes fail, SNS create verification fails. */
const unreachable = new WeakMap<App, Map<string, string>>();
function unreachableTopics(app: App): Map<string, string> {
  let m = unreachable.get(app);
  if (!m) {
    unreachable.set(app, (m = new Map()));
    app.resetHooks.push(() => m!.clear());
  }
  return m;
}

export function setTopicReachable(app: App, topic: string, reachable: boolean, message?: string): void {
  const m = unreachableTopics(app);
  if (reachable) m.delete(topic);
  else m.set(topic, message ?? "AccessDenied: the role could not be assumed or is not allowed to publish to the topic");
}

export function publicChannel(c: ChannelRec): Record<string, unknown> {
  return publicFields(c);
}

function readTriggers(b: Body, required: boolean): string[] | undefined {
  if (!has(b, "trigger_types") || b.trigger_types === null) {
    if (required) throw invalid("trigger_types is required");
    return undefined;
  }
  const v = b.trigger_types;
  if (!Array.isArray(v) || v.some((t) => typeof t !== "string")) throw invalid("trigger_types must be an array of strings");
  if (v.length === 0) {
    if (required) throw invalid("trigger_types must not be empty");
    return undefined;
  }
  const unknown = (v as string[]).filter((t) => !isTriggerType(t));
  if (unknown.length) throw invalid(`unknown trigger_types: ${unknown.join(", ")}`);
  return [...new Set(v as string[])];
}

function readString(b: Body, k: string): string | undefined {
  if (!has(b, k) || b[k] === null) return undefined;
  if (typeof b[k] !== "string") throw invalid(`${k} must be a string`);
  return b[k] as string;
}

function readTopic(kind: ChannelKind, b: Body, required: boolean): string | undefined {
  const topic = readString(b, "topic")?.trim();
  if (!topic) {
    if (required) throw invalid("topic is required");
    return undefined;
  }
  if (kind === "pubsub" && !PUBSUB_TOPIC_RE.test(topic))
    throw invalid(`topic must be a Pub/Sub topic name projects/<project-id>/topics/<topic-id>, got ${topic}`);
  if (kind === "sns") {
    if (!topic.startsWith("arn:aws:sns:")) throw invalid(`topic must be an SNS topic ARN starting with arn:aws:sns:, got ${topic}`);
    if (!SNS_TOPIC_RE.test(topic)) throw invalid(`topic is not a valid SNS topic ARN (arn:aws:sns:<region>:<account-id>:<topic>): ${topic}`);
  }
  return topic;
}

function readRoleArn(b: Body, required: boolean): string | undefined {
  const arn = readString(b, "role_arn")?.trim();
  if (!arn) {
    if (required) throw invalid("role_arn is required");
    return undefined;
  }
  if (!ROLE_ARN_RE.test(arn)) throw invalid(`role_arn must be an IAM role ARN arn:aws:iam::<account-id>:role/<role-name>, got ${arn}`);
  return arn;
}

function readEmails(b: Body): string[] | undefined {
  if (!has(b, "notification_email_addresses") || b.notification_email_addresses === null) return undefined;
  const v = b.notification_email_addresses;
  if (!Array.isArray(v) || v.some((e) => typeof e !== "string")) throw invalid("notification_email_addresses must be an array of strings");
  const bad = (v as string[]).filter((e) => !isEmail(e));
  if (bad.length) throw invalid(`notification_email_addresses contains invalid addresses: ${bad.join(", ")}`);
  return v as string[];
}

function readBool(b: Body, k: string): boolean | undefined {
  if (!has(b, k) || b[k] === null) return undefined;
  if (typeof b[k] !== "boolean") throw invalid(`${k} must be a boolean`);
  return b[k] as boolean;
}

/** Publish one notification to a channel's topic and record it in the delivery log. */
function publish(app: App, c: ChannelRec, trigger: string, object: unknown): { ok: boolean; error?: string } {
  const n = buildNotification(trigger, app.meta.application_id, object);
  const json = JSON.stringify(n);
  const attributes: Record<string, string> = { trigger_type: trigger };
  let message = json;
  if (c.compressed_delivery) {
    // Pub/Sub: gzip (attribute content_encoding: gzip); SNS: gzip then base64 (gzip+base64). Both are
    // logged as base64, since a log line is text.
    message = gzipSync(Buffer.from(json, "utf8")).toString("base64");
    attributes.content_encoding = c._kind === "sns" ? "gzip+base64" : "gzip";
  }
  const error = unreachableTopics(app).get(c.topic);
  app.deliverer.record({
    id: n.id,
    channel_id: c.id,
    channel_type: c._kind,
    topic: c.topic,
    trigger,
    attributes,
    message,
    status: error === undefined ? 200 : 0,
    error,
    ts: Date.now(),
  });
  return error === undefined ? { ok: true } : { ok: false, error };
}

export function registerChannels(r: Router, app: App): void {
  const col = app.store.col<ChannelRec>("channels");

  app.publishers.push((trigger, object) => {
    for (const c of col.values())
      if ((c.status === "active" || c.status === "failing") && c.trigger_types.includes(trigger)) publish(app, c, trigger, object);
  });

  /**
   * SNS proves the role and topic on create by publishing `connector.verification` [docs]. A failure
   * refuses the create (400), or (variance L8) leaves the channel `failing`.
   */
  const verify = (c: ChannelRec, v: Variance): ChannelRec => {
    if (c._kind !== "sns") return c;
    const res = publish(app, c, "connector.verification", { channel_id: c.id, topic: c.topic, role_arn: c.role_arn });
    if (res.ok) return c;
    if (v.snsVerificationFailure === "created-failing") return { ...c, status: "failing", status_updated_at: now() };
    throw new ApiError(400, "70005", `unable.verify.sns_topic : publishing the connector.verification event to ${c.topic} failed: ${res.error}`);
  };

  for (const kind of CHANNEL_KINDS) {
    const base = `/v3/channels/${kind}`;
    const requireChannel = (id: string, type: "70000" | "70001", v: Variance): ChannelRec => {
      const c = col.get(id);
      if (c && c._kind === kind) return c;
      if (v.channelGone === "404") throw notFound(`${LABEL[kind]} channel not found: ${id}`); // variance N3
      throw new ApiError(400, type, "destination.id.not.found : record not found");
    };

    r.get(base, (ctx) => {
      const data = col.all().filter((c) => c._kind === kind).map(publicChannel);
      // variance L9: the Pub/Sub list schema spells a paused channel "paused".
      if (kind === "pubsub" && ctx.variance.pubsubListStatus === "paused") for (const c of data) if (c.status === "pause") c.status = "paused";
      return { body: { data } };
    });

    r.post(base, (ctx) => {
      if (ctx.body !== undefined && !isObject(ctx.body)) throw invalid("request body must be a JSON object");
      const b = bodyObject(ctx.body);
      const trigger_types = readTriggers(b, true)!;
      const topic = readTopic(kind, b, true)!;
      const role_arn = kind === "sns" ? readRoleArn(b, true) : undefined;
      const existing = col.all().filter((c) => c._kind === kind).length;
      if (existing >= MAX_CHANNELS_PER_KIND)
        throw new ApiError(
          400,
          "70005",
          `limit.exceeded : an application can have at most ${MAX_CHANNELS_PER_KIND} ${LABEL[kind]} channels (contact Nylas Support for more)`,
        );
      const t = now();
      const c: ChannelRec = {
        id: randomUUID(),
        description: readString(b, "description"),
        trigger_types,
        topic,
        role_arn,
        notification_email_addresses: readEmails(b) ?? [],
        compressed_delivery: readBool(b, "compressed_delivery") ?? false,
        encryption_key: kind === "pubsub" ? readString(b, "encryption_key") : undefined,
        status: "active",
        status_updated_at: t,
        created_at: t,
        updated_at: t,
        _kind: kind,
      };
      const made = app.store.put("channels", verify(c, ctx.variance));
      return { body: { data: publicChannel(made) } };
    });

    r.get(`${base}/:id`, (ctx) => ({ body: { data: publicChannel(requireChannel(ctx.params.id, "70001", ctx.variance)) } }));

    r.put(`${base}/:id`, (ctx) => {
      const cur = requireChannel(ctx.params.id, "70000", ctx.variance);
      const b = bodyObject(ctx.body);
      // As for webhooks, empty fields ("", [], null) do not overwrite stored ones.
      const next: ChannelRec = { ...cur };
      const triggers = readTriggers(b, false);
      if (triggers) next.trigger_types = triggers;
      const topic = readTopic(kind, b, false);
      if (topic) next.topic = topic;
      if (kind === "sns") {
        const role = readRoleArn(b, false);
        if (role) next.role_arn = role;
      }
      const description = readString(b, "description");
      if (description) next.description = description;
      const emails = readEmails(b);
      if (emails && emails.length) next.notification_email_addresses = emails;
      const compressed = readBool(b, "compressed_delivery");
      if (compressed !== undefined) next.compressed_delivery = compressed;
      if (kind === "pubsub") {
        const key = readString(b, "encryption_key");
        if (key) next.encryption_key = key;
      }
      const status = readString(b, "status");
      if (status) {
        if (status !== "active" && status !== "pause") throw invalid("status must be one of: active, pause");
        next.status = status;
      }
      // A new topic or role is proven again, as on create (inferred).
      const t = now();
      if (next.status !== cur.status) next.status_updated_at = t;
      const proven = next.topic !== cur.topic || next.role_arn !== cur.role_arn ? verify(next, ctx.variance) : next;
      const saved = app.store.put<ChannelRec>("channels", { ...proven, updated_at: t });
      return { body: { data: publicChannel(saved) } };
    });

    r.delete(`${base}/:id`, (ctx) => {
      const c = requireChannel(ctx.params.id, "70000", ctx.variance);
      app.store.del("channels", c.id);
      return { body: { data: { status: "success" } } };
    });
  }
}
