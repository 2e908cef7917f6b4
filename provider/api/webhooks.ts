import { z } from "zod";
import { NylasResponseShapeError, type NylasClient } from "../client";
import { Collection } from "./base";

/**
 * `/v3/webhooks` (Nylas API v3 Webhooks): one unpaged list; PUT with only the changed fields. A webhook that no
 * longer exists answers 404 or — as documented for PUT, DELETE and rotate-secret — 400 "record not
 * found". The secret comes only from create and rotate-secret.
 */

export const webhookWire = z.looseObject({
  id: z.string(),
  webhook_url: z.string(),
  trigger_types: z.array(z.string()),
  description: z.string().nullish(),
  notification_email_addresses: z.array(z.string()).nullish(),
  compressed_delivery: z.boolean().nullish(),
  status: z.string().nullish(),
  webhook_secret: z.string().nullish(),
  created_at: z.number().nullish(),
});
export type WebhookWire = z.infer<typeof webhookWire>;

/** rotate-secret: the secret in `data` (spec) or beside it (the CLI's fallback); the id may be left out. */
const rotatedWire = z.looseObject({
  data: z.looseObject({ webhook_secret: z.string().nullish() }).nullish(),
  webhook_secret: z.string().nullish(),
});

export class Webhooks extends Collection<typeof webhookWire> {
  constructor(client: NylasClient) {
    super(client, {
      noun: "webhook",
      plural: "webhooks",
      all: "/v3/webhooks",
      one: "/v3/webhooks/{id}",
      idField: "id",
      wire: webhookWire,
      paging: "unpaged",
      updateVerb: "PUT",
      listedReads: true,
      gone: "404 or 400 not found",
    });
  }

  /** Creates a webhook (Nylas first runs the challenge against its URL); the answer carries its secret. */
  override async create(body: Record<string, unknown>): Promise<WebhookWire> {
    const w = await super.create(body);
    // A create answer without the secret leaves one way to learn it: mint a new one.
    return w.webhook_secret ? w : { ...w, webhook_secret: await this.rotateSecret(w.id) };
  }

  /** The webhook at `url`; several are an error. */
  async findByUrl(url: string): Promise<WebhookWire | undefined> {
    return this.findOne(await this.list(), (w) => w.webhook_url.trim() === url, `use ${url}`);
  }

  /**
   * A new secret; the old one stops signing at once. Repeating it only rotates again, so it is retried
   * like an update.
   */
  async rotateSecret(id: string): Promise<string> {
    const r = await this.call({ method: "POST", path: "/v3/webhooks/rotate-secret/{id}", params: { id }, answer: rotatedWire, idempotent: true });
    const secret = r.data?.webhook_secret || r.webhook_secret;
    if (!secret) throw new NylasResponseShapeError("POST", `/v3/webhooks/rotate-secret/${id}`, ["webhook_secret: missing from data and from the answer"]);
    return secret;
  }
}
