import { z } from "zod";
import type { NylasClient } from "../client";
import { Collection } from "./base";

/**
 * `/v3/channels/pubsub` and `/v3/channels/sns` (Nylas notification channels:
 * developer.nylas.com/docs/v3/notifications/): notification channels beside webhooks, application-wide, one
 * unpaged list each; PUT with only the changed fields. A channel that no longer exists answers 400 "record
 * not found" (documented) or 404, like a webhook. SNS proves the role and topic on create by publishing
 * `connector.verification`.
 */

export type ChannelKind = "pubsub" | "sns";

export const channelWire = z.looseObject({
  id: z.string(),
  topic: z.string().nullish(),
  role_arn: z.string().nullish(),
  trigger_types: z.array(z.string()).nullish(),
  description: z.string().nullish(),
  notification_email_addresses: z.array(z.string()).nullish(),
  compressed_delivery: z.boolean().nullish(),
  status: z.string().nullish(),
  created_at: z.number().nullish(),
});
export type ChannelWire = z.infer<typeof channelWire>;

const NOUNS: Record<ChannelKind, string> = { pubsub: "Pub/Sub channel", sns: "SNS channel" };

export class Channels extends Collection<typeof channelWire> {
  constructor(client: NylasClient, readonly kind: ChannelKind) {
    super(client, {
      noun: NOUNS[kind],
      plural: `${NOUNS[kind]}s`,
      all: `/v3/channels/${kind}`,
      one: `/v3/channels/${kind}/{id}`,
      idField: "id",
      wire: channelWire,
      paging: "unpaged",
      updateVerb: "PUT",
      gone: "404 or 400 not found",
      // Only a whole channel is taken as the answer (the webhook-like PUT may answer what changed).
      readBack: (answer) => ["topic", "trigger_types", "status"].some((f) => answer[f] === undefined),
    });
  }

  /** The channel publishing to `topic`; several are an error. */
  async findByTopic(topic: string): Promise<ChannelWire | undefined> {
    return this.findOne(await this.list(), (c) => (c.topic ?? "").trim() === topic, `publish to ${topic}`);
  }
}
