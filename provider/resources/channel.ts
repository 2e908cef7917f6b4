import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { ChannelKind, ChannelWire } from "../api";
import type { Channels } from "../api/channels";
import { NylasValidationError } from "../client";
import { PartialCreateError, type Context, type ResourceDefinition } from "../lifecycle";
import {
  DESTINATION_COMPUTED,
  destinationChanges,
  destinationInputs,
  destinationOutputs,
  destinationWire,
  unknownTriggersWarning,
  type DestinationArgs,
  type DestinationOutputs,
} from "../notifications";
import { NylasResource } from "./base";

/**
 * Nylas notification channels (developer.nylas.com/docs/v3/notifications/pubsub-channel/ and …/sns-channel/):
 * `PubSubChannel` publishes each subscribed event to a Google Cloud Pub/Sub topic, `SnsChannel` to an Amazon
 * SNS topic through a role Nylas assumes — beside (or instead of) webhooks, with the same triggers and
 * payloads, and like them application-wide. Up to 5 of each kind per application.
 * API: `ctx.api.pubsubChannels` / `ctx.api.snsChannels` (POST /v3/channels/{pubsub|sns} — SNS first
 * publishes a `connector.verification` event to prove the role —, PUT with only the changed fields,
 * DELETE; gone is a 400 "record not found" or a 404). Neither has a secret: Pub/Sub's `encryption_key`
 * appears only in cURL samples, undocumented, so it is not modelled.
 */

// ------------------------------------------------------------------------------------ input schema

/** Google Cloud: project ids 6–30 of a-z 0-9 -, from a letter, not ending in -; topic ids 3–255, from a letter, not `goog…`. */
const PUBSUB_PROJECT = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const PUBSUB_TOPIC_ID = /^[A-Za-z][A-Za-z0-9._~+%-]{2,254}$/;
const PUBSUB_RULE = "must be a Pub/Sub topic name projects/<project-id>/topics/<topic-id>";

function pubsubTopicProblem(s: string): string | undefined {
  const m = /^projects\/([^/]*)\/topics\/([^/]*)$/.exec(s);
  if (!m) return `${PUBSUB_RULE}, like projects/my-project/topics/nylas-events`;
  if (!PUBSUB_PROJECT.test(m[1])) return `${PUBSUB_RULE}; the project id "${m[1]}" must be 6–30 lower-case letters, digits and hyphens, starting with a letter`;
  if (!PUBSUB_TOPIC_ID.test(m[2]) || m[2].startsWith("goog")) {
    return `${PUBSUB_RULE}; the topic id "${m[2]}" must be 3–255 letters, digits and - _ . ~ + %, starting with a letter (not "goog")`;
  }
  return undefined;
}

/** `arn:aws:sns:<region>:<12-digit account>:<topic>` — Nylas takes only ARNs of the `aws` partition. */
const SNS_TOPIC = /^arn:aws:sns:([^:]*):([^:]*):(.*)$/;
const SNS_RULE = "must be an SNS topic ARN arn:aws:sns:<region>:<account-id>:<topic-name>";
const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const ACCOUNT_ID = /^\d{12}$/;
const SNS_TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}(\.fifo)?$/;

function snsTopicProblem(s: string): string | undefined {
  if (!s.startsWith("arn:aws:sns:")) return `${SNS_RULE}; Nylas accepts only ARNs starting with arn:aws:sns:`;
  const m = SNS_TOPIC.exec(s);
  if (!m) return `${SNS_RULE}, like arn:aws:sns:us-east-1:123456789012:nylas-events`;
  if (!AWS_REGION.test(m[1])) return `${SNS_RULE}; "${m[1]}" is not an AWS region like us-east-1`;
  if (!ACCOUNT_ID.test(m[2])) return `${SNS_RULE}; the account id "${m[2]}" must be 12 digits`;
  if (!SNS_TOPIC_NAME.test(m[3])) return `${SNS_RULE}; the topic name "${m[3]}" must be 1–256 letters, digits, - and _ (optionally ending in .fifo)`;
  return undefined;
}

/** `arn:aws:iam::<12-digit account>:role/<optional path/>name`. */
const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\x21-\x7e]+\/)*([\w+=,.@-]{1,64})$/;
const ROLE_RULE = "must be an IAM role ARN arn:aws:iam::<account-id>:role/<role-name>, like arn:aws:iam::123456789012:role/nylas-publisher";

const checked = (problem: (s: string) => string | undefined, what: string) =>
  z
    .string({ error: `must be a string: ${what}` })
    .trim()
    .superRefine((s, ctx) => {
      const p = problem(s);
      if (p) ctx.addIssue({ code: "custom", message: p });
    });

const pubsubSchema = z.strictObject({
  topic: checked(pubsubTopicProblem, PUBSUB_RULE),
  ...destinationInputs(),
});

const snsSchema = z.strictObject({
  topic: checked(snsTopicProblem, SNS_RULE),
  roleArn: checked((s) => (ROLE_ARN.test(s) ? undefined : ROLE_RULE), ROLE_RULE),
  ...destinationInputs(),
});

export type PubSubChannelInputs = z.infer<typeof pubsubSchema>;
export type SnsChannelInputs = z.infer<typeof snsSchema>;
type ChannelInputs = PubSubChannelInputs & { roleArn?: string };

export interface ChannelOutputs extends DestinationOutputs {
  [key: string]: unknown;
  topic: string;
  /** SNS only: the role Nylas assumes to publish. */
  roleArn?: string;
}

// ------------------------------------------------------------------------------------- mapping

function toWire(inputs: ChannelInputs): Record<string, unknown> {
  return { topic: inputs.topic, ...(inputs.roleArn !== undefined ? { role_arn: inputs.roleArn } : {}), ...destinationWire(inputs) };
}

function toOutputs(c: ChannelWire, olds?: Partial<ChannelOutputs>): ChannelOutputs {
  return {
    topic: (c.topic ?? olds?.topic ?? "").trim(),
    ...(c.role_arn ? { roleArn: c.role_arn.trim() } : olds?.roleArn ? { roleArn: olds.roleArn } : {}),
    ...destinationOutputs(c),
  };
}

function changes(olds: Partial<ChannelOutputs>, news: ChannelInputs): Record<string, unknown> {
  return {
    ...(news.topic !== olds.topic ? { topic: news.topic } : {}),
    ...(news.roleArn !== undefined && news.roleArn !== olds.roleArn ? { role_arn: news.roleArn } : {}),
    ...destinationChanges(olds, news),
  };
}

// ------------------------------------------------------------------------------------- lifecycle

const KINDS: Record<ChannelKind, { type: string; label: string; schema: z.ZodObject<z.ZodRawShape>; api: (ctx: Context) => Channels }> = {
  pubsub: { type: "PubSubChannel", label: "Pub/Sub", schema: pubsubSchema, api: (ctx) => ctx.api.pubsubChannels },
  sns: { type: "SnsChannel", label: "SNS", schema: snsSchema, api: (ctx) => ctx.api.snsChannels },
};

/** Why a channel does not deliver, when it does not: said at create and at refresh. */
function deliveryWarning(kind: ChannelKind, id: string, outs: ChannelOutputs): string | undefined {
  if (outs.deliveryStatus !== "failing" && outs.deliveryStatus !== "failed") return undefined;
  const fix =
    kind === "sns"
      ? `the role ${outs.roleArn ?? "(roleArn)"} must trust Nylas's web identity (sts:AssumeRoleWithWebIdentity) and allow sns:Publish on ${outs.topic}`
      : `the topic ${outs.topic} must grant Nylas's publishing identity the Pub/Sub Publisher role`;
  return `${KINDS[kind].label} channel ${id} is ${outs.deliveryStatus}: Nylas cannot publish to its topic — ${fix}${outs.deliveryStatus === "failed" ? "; once fixed, set status \"active\" to restart it" : ""}`;
}

function channelDefinition(kind: ChannelKind): ResourceDefinition<ChannelInputs, ChannelOutputs> {
  const { type, schema, api } = KINDS[kind];
  return {
    type,
    inputs: schema,
    // Everything updates in place through PUT (a new SNS topic or role is verified again).
    replaceOnChange: [],
    computed: [...DESTINATION_COMPUTED],
    describe: (i) => `topic ${i.topic}`,

    warnings(inputs) {
      const unknown = unknownTriggersWarning(inputs.triggerTypes);
      return unknown ? [unknown] : [];
    },

    async create(ctx, inputs) {
      let c: ChannelWire;
      try {
        c = await api(ctx).create(toWire(inputs));
      } catch (e) {
        // SNS verifies on create: say what the role needs, beside Nylas's own words.
        if (kind === "sns" && e instanceof NylasValidationError && /verif/i.test(e.apiMessage)) {
          e.message += ` — Nylas publishes a connector.verification event to the topic on create: the role ${inputs.roleArn} must trust Nylas's web identity (sts:AssumeRoleWithWebIdentity) and allow sns:Publish on ${inputs.topic}`;
        }
        throw e;
      }
      const outs = toOutputs(c);
      const warning = deliveryWarning(kind, c.id, outs);
      if (warning) ctx.warn(`Nylas ${type}: ${warning}`);
      // New channels are always active; pausing is an update.
      if (inputs.status === "pause") {
        try {
          return { id: c.id, outs: toOutputs(await api(ctx).update(c.id, { status: "pause" }), outs) };
        } catch (e) {
          throw new PartialCreateError(c.id, outs, e as Error);
        }
      }
      return { id: c.id, outs };
    },

    async find(ctx, inputs) {
      const c = await api(ctx).findByTopic(inputs.topic);
      return c && { id: c.id, outs: toOutputs(c) };
    },

    async read(ctx, id, olds) {
      const c = await api(ctx).get(id);
      if (!c) return undefined;
      const outs = toOutputs(c, olds);
      const warning = deliveryWarning(kind, id, outs);
      if (warning) ctx.warn(`Nylas ${type}: ${warning}`);
      return outs;
    },

    async update(ctx, id, olds, news) {
      const body = changes(olds, news);
      if (!Object.keys(body).length) {
        const { adopt: _adopt, ...kept } = olds;
        return kept as ChannelOutputs;
      }
      return toOutputs(await api(ctx).update(id, body), olds);
    },

    async delete(ctx, id) {
      await api(ctx).remove(id);
    },
  };
}

export const pubsubChannelDefinition = channelDefinition("pubsub") as unknown as ResourceDefinition<PubSubChannelInputs, ChannelOutputs>;
export const snsChannelDefinition = channelDefinition("sns") as unknown as ResourceDefinition<SnsChannelInputs, ChannelOutputs>;

// ------------------------------------------------------------------------------------- resources

/** What both channel kinds take. */
export interface ChannelArgs extends DestinationArgs {
  /**
   * Gzip each message (Pub/Sub: attribute `content_encoding: gzip`; SNS: gzip then base64,
   * `content_encoding: gzip+base64`; Nylas strongly recommends it for SNS, whose messages hold at most
   * 256 KB). @default false. Updates in place.
   */
  compressedDelivery?: pulumi.Input<boolean>;
  /**
   * `active` or `pause`. Unset: left as Nylas has it (new channels are active). Setting `active`
   * restarts a paused, failing or failed channel. Updates in place.
   */
  status?: pulumi.Input<"active" | "pause">;
  /** Take over an existing channel instead of creating one: its id, or `true` to find it by `topic`. */
  adopt?: pulumi.Input<string | boolean>;
}

export interface PubSubChannelArgs extends ChannelArgs {
  /**
   * The Google Cloud Pub/Sub topic, `projects/<project-id>/topics/<topic-id>`. The topic must grant
   * Nylas's publishing identity the Pub/Sub Publisher role (see Nylas's Pub/Sub setup guide). Updates
   * in place.
   */
  topic: pulumi.Input<string>;
}

export interface SnsChannelArgs extends ChannelArgs {
  /** The Amazon SNS topic ARN, `arn:aws:sns:<region>:<account-id>:<topic-name>`. Updates in place. */
  topic: pulumi.Input<string>;
  /**
   * The IAM role Nylas assumes to publish, `arn:aws:iam::<account-id>:role/<role-name>`: it must trust
   * Nylas's web identity (`sts:AssumeRoleWithWebIdentity`) and allow `sns:Publish` on `topic`. Nylas
   * proves both on create (and when either changes) by publishing a `connector.verification` event.
   * Updates in place.
   */
  roleArn: pulumi.Input<string>;
}

const CHANNEL_OUTPUTS = ["description", "notificationEmailAddresses", "status", "deliveryStatus", "createdAt"];

abstract class ChannelResource extends NylasResource {
  declare readonly topic: pulumi.Output<string>;
  declare readonly triggerTypes: pulumi.Output<string[]>;
  declare readonly description: pulumi.Output<string | undefined>;
  declare readonly notificationEmailAddresses: pulumi.Output<string[] | undefined>;
  declare readonly compressedDelivery: pulumi.Output<boolean>;
  /** `active` or `pause` (`failing` reads as `active`). */
  declare readonly status: pulumi.Output<string>;
  /** Nylas's status: `active`, `pause`, `failing` or `failed`. */
  declare readonly deliveryStatus: pulumi.Output<string>;
  /** Unix seconds. */
  declare readonly createdAt: pulumi.Output<number>;
}

/**
 * A Nylas Pub/Sub notification channel: every subscribed event of every grant of the application is
 * published to a Google Cloud Pub/Sub topic (route by `data.object.grant_id`).
 *
 * @example
 * const events = new nylas.PubSubChannel("events", {
 *   topic: "projects/acme-agents/topics/nylas-events",
 *   triggerTypes: ["message.created", "message.bounced"],
 *   compressedDelivery: true,
 * });
 */
export class PubSubChannel extends ChannelResource {
  constructor(name: string, args: PubSubChannelArgs, opts?: pulumi.CustomResourceOptions) {
    super("PubSubChannel", name, args, CHANNEL_OUTPUTS, opts);
  }
}

/**
 * A Nylas Amazon SNS notification channel: every subscribed event of every grant of the application is
 * published to an SNS topic, through a role Nylas assumes; each message carries `trigger_type` as a
 * message attribute (for subscription filter policies).
 *
 * @example
 * const events = new nylas.SnsChannel("events", {
 *   topic: "arn:aws:sns:us-east-1:123456789012:nylas-events",
 *   roleArn: "arn:aws:iam::123456789012:role/nylas-publisher",
 *   triggerTypes: ["message.created"],
 *   compressedDelivery: true, // SNS messages hold at most 256 KB
 * });
 */
export class SnsChannel extends ChannelResource {
  declare readonly roleArn: pulumi.Output<string>;

  constructor(name: string, args: SnsChannelArgs, opts?: pulumi.CustomResourceOptions) {
    super("SnsChannel", name, args, CHANNEL_OUTPUTS, opts);
  }
}
