import { isDeepStrictEqual } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { WebhookWire } from "../api";
import { PartialCreateError, type ResourceDefinition } from "../lifecycle";
import { editDistance, emailAddress, oneOf } from "../schema";
import { NylasResource } from "./base";

/**
 * Nylas webhook: Nylas POSTs a signed notification to `webhookUrl` for each subscribed trigger
 * (`message.created`, `grant.created`, …). The HMAC key `webhookSecret` is returned only when the
 * webhook is created or its secret rotated, so it is kept as a secret output across updates and reads.
 * API: `ctx.api.webhooks` (POST /v3/webhooks — the URL must answer Nylas's challenge —, PUT
 * /v3/webhooks/{id} with only the changed fields, POST /v3/webhooks/rotate-secret/{id}, DELETE).
 * Receivers verify deliveries with `verifyWebhookSignature` (../webhook-signature.ts).
 */

// ------------------------------------------------------------------------------------ input schema

/**
 * The trigger names Nylas documents: the spec's create/update enum, plus the Node SDK's truncated and
 * intelligence variants. A name outside this list is a warning, not an error (Nylas adds triggers over
 * time) — among them `contact.created` and `message.opened.truncated`, which only the CLI (and skills)
 * list: neither the spec nor the Node SDK has them.
 */
export const WEBHOOK_TRIGGER_TYPES: readonly string[] = [
  "calendar.created", "calendar.updated", "calendar.deleted",
  "event.created", "event.updated", "event.deleted",
  "grant.created", "grant.updated", "grant.deleted", "grant.expired", "grant.imap_sync_completed",
  "message.send_success", "message.send_failed", "message.bounce_detected",
  "message.created", "message.created.cleaned", "message.opened", "message.opened.legacy", "message.updated",
  "message.link_clicked", "message.link_clicked.legacy",
  "thread.replied", "thread.replied.legacy",
  "contact.updated", "contact.deleted",
  "folder.created", "folder.updated", "folder.deleted",
  "booking.created", "booking.pending", "booking.rescheduled", "booking.cancelled", "booking.reminder",
  "message.deleted",
  "message.transactional.bounced", "message.transactional.complaint", "message.transactional.delivered", "message.transactional.rejected",
  "message.bounced", "message.complaint", "message.delivered", "message.rejected",
  "notetaker.created", "notetaker.updated", "notetaker.deleted", "notetaker.meeting_state", "notetaker.media",
  // Node SDK
  "message.created.truncated", "message.updated.truncated", "message.intelligence.order", "message.intelligence.tracking",
];
const KNOWN_TRIGGERS = new Set(WEBHOOK_TRIGGER_TYPES);

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);
const URL_RULE = "must be an https:// URL (http:// is allowed only for localhost, 127.0.0.1 and [::1])";

function urlProblem(s: string): string | undefined {
  if (/\s/.test(s)) return `${URL_RULE}; it contains spaces (write them as %20)`;
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return `${URL_RULE}; this is not a URL`;
  }
  if (u.protocol === "https:") return u.hostname ? undefined : `${URL_RULE}; it has no host`;
  if (u.protocol === "http:") return LOCAL_HOSTS.has(u.hostname) ? undefined : `${URL_RULE}; Nylas delivers only over https to a public host`;
  return `${URL_RULE}; ${u.protocol.replace(/:$/, "")}: is not allowed`;
}

const webhookUrl = () =>
  z
    .string({ error: `must be a string: ${URL_RULE}` })
    .trim()
    .superRefine((s, ctx) => {
      const problem = urlProblem(s);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    });

const TRIGGER_SYNTAX = /^[A-Za-z0-9_.-]+$/;

const triggerTypes = () =>
  z
    .array(
      z
        .string({ error: 'each trigger must be a string like "message.created"' })
        .trim()
        .regex(TRIGGER_SYNTAX, { error: 'must be a trigger name like "message.created" (letters, digits, "_", "." and "-")' }),
      { error: 'must be a list of trigger names like ["message.created"]' },
    )
    .min(1, { error: 'must list at least one trigger, like ["message.created"]' })
    .superRefine((xs, ctx) => {
      // A near miss of a known trigger is a typo Nylas would refuse at create; a name far from all of
      // them may be one Nylas added after this release, so it is only warned about (see warnings).
      xs.forEach((t, i) => {
        const meant = KNOWN_TRIGGERS.has(t) || !TRIGGER_SYNTAX.test(t) ? undefined : nearestTrigger(t);
        if (meant) ctx.addIssue({ code: "custom", path: [i], message: `is not a Nylas trigger type; did you mean "${meant}"? (trigger names are lower-case with dots)` });
      });
    })
    .transform((xs) => [...new Set(xs)].sort());

/** The known trigger `t` most likely means: the same name in another case or with `_`/`-` for `.`, or ≤ 2 edits away. */
function nearestTrigger(t: string): string | undefined {
  const n = t.toLowerCase().replace(/[_-]/g, ".");
  if (KNOWN_TRIGGERS.has(n)) return n;
  let best: { name: string; d: number } | undefined;
  for (const k of WEBHOOK_TRIGGER_TYPES) {
    const d = editDistance(n, k);
    if (d <= 2 && (!best || d < best.d)) best = { name: k, d };
  }
  return best?.name;
}

const inputSchema = z.strictObject({
  webhookUrl: webhookUrl(),
  triggerTypes: triggerTypes(),
  description: z
    .string({ error: "must be a string" })
    .trim()
    .min(1, { error: "must not be empty (Nylas cannot clear a description: remove the property to leave it as it is)" })
    .max(1024, { error: "must be at most 1024 characters" })
    .optional(),
  notificationEmailAddresses: z
    .array(emailAddress(), { error: "must be a list of email addresses" })
    .min(1, { error: "must list at least one address (Nylas cannot clear the list: remove the property to leave it as it is)" })
    .transform((xs) => [...new Set(xs)].sort())
    .optional(),
  compressedDelivery: z.boolean({ error: "must be true or false" }).default(false),
  status: oneOf(["active", "pause"] as const).optional(),
  secretVersion: z
    .union([z.string(), z.number()], { error: "must be a string or a number (change it to rotate the secret)" })
    .transform((v) => String(v).trim())
    .optional(),
});

export type WebhookInputs = z.infer<typeof inputSchema>;

export interface WebhookOutputs {
  [key: string]: unknown;
  webhookUrl: string;
  triggerTypes: string[];
  description?: string;
  notificationEmailAddresses?: string[];
  compressedDelivery: boolean;
  /** `active` or `pause` — a `failing` webhook (still delivering) counts as `active`; see `deliveryStatus`. */
  status: string;
  /** Nylas's own status: `active`, `pause`, `failing` or `failed`. */
  deliveryStatus: string;
  secretVersion?: string;
  /** HMAC-SHA256 key of the `x-nylas-signature` header; from create / rotate-secret only. */
  webhookSecret?: string;
  createdAt?: number;
}

// ------------------------------------------------------------------------------------- mapping

function toWire(inputs: WebhookInputs): Record<string, unknown> {
  return {
    webhook_url: inputs.webhookUrl,
    trigger_types: inputs.triggerTypes,
    ...(inputs.description !== undefined ? { description: inputs.description } : {}),
    ...(inputs.notificationEmailAddresses !== undefined ? { notification_email_addresses: inputs.notificationEmailAddresses } : {}),
    compressed_delivery: inputs.compressedDelivery,
  };
}

function toOutputs(w: WebhookWire, webhookSecret: string | undefined, secretVersion: string | undefined): WebhookOutputs {
  const emails = [...new Set((w.notification_email_addresses ?? []).map((e) => e.trim().toLowerCase()))].sort();
  const status = w.status ?? "active";
  return {
    webhookUrl: w.webhook_url,
    triggerTypes: [...new Set(w.trigger_types)].sort(),
    ...(w.description ? { description: w.description } : {}),
    ...(emails.length ? { notificationEmailAddresses: emails } : {}),
    compressedDelivery: w.compressed_delivery ?? false,
    // `failing` still delivers: it is what `active` asks for. `failed` stopped, so `active` re-enables it.
    status: status === "failing" ? "active" : status,
    deliveryStatus: status,
    ...(secretVersion !== undefined ? { secretVersion } : {}),
    ...(webhookSecret ? { webhookSecret } : {}),
    ...(w.created_at ? { createdAt: w.created_at } : {}),
  };
}

/** PUT body with only what differs (Nylas ignores empty fields, so clearing is not possible). */
function changes(olds: Partial<WebhookOutputs>, news: WebhookInputs): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (news.webhookUrl !== olds.webhookUrl) body.webhook_url = news.webhookUrl;
  if (!isDeepStrictEqual(news.triggerTypes, olds.triggerTypes)) body.trigger_types = news.triggerTypes;
  if (news.description !== undefined && news.description !== olds.description) body.description = news.description;
  if (news.notificationEmailAddresses !== undefined && !isDeepStrictEqual(news.notificationEmailAddresses, olds.notificationEmailAddresses)) {
    body.notification_email_addresses = news.notificationEmailAddresses;
  }
  if (news.compressedDelivery !== (olds.compressedDelivery ?? false)) body.compressed_delivery = news.compressedDelivery;
  if (news.status !== undefined && news.status !== olds.status) body.status = news.status;
  return body;
}

// ------------------------------------------------------------------------------------- lifecycle

export const webhookDefinition: ResourceDefinition<WebhookInputs, WebhookOutputs> = {
  type: "Webhook",
  inputs: inputSchema,
  // Everything updates in place (the URL too, through PUT; Nylas re-runs the challenge).
  replaceOnChange: [],
  // Unset: Nylas's values are kept (description and emails cannot be cleared; status is `active`).
  // secretVersion: removing it does not rotate.
  computed: ["description", "notificationEmailAddresses", "status", "secretVersion"],
  secretOutputs: ["webhookSecret"],
  describe: (i) => `webhookUrl ${i.webhookUrl}`,

  warnings(inputs) {
    const out: string[] = [];
    const unknown = (inputs.triggerTypes ?? []).filter((t) => !KNOWN_TRIGGERS.has(t));
    if (unknown.length) {
      out.push(
        `triggerTypes ${unknown.map((t) => `"${t}"`).join(", ")} ${unknown.length > 1 ? "are not trigger types" : "is not a trigger type"} ` +
          `in the Nylas reference (e.g. "message.created", "grant.created"); sending it anyway — Nylas refuses names it does not know`,
      );
    }
    const host = typeof inputs.webhookUrl === "string" ? hostOf(inputs.webhookUrl) : undefined;
    if (host && /(^|\.)ngrok(-free)?\.(io|app|dev)$/.test(host)) {
      out.push(`webhookUrl: Nylas blocks ngrok URLs (${host}); use another tunnel or a public endpoint`);
    }
    return out;
  },

  async create(ctx, inputs) {
    // Nylas answers the challenge GET to webhookUrl before it mints the secret.
    const w = await ctx.api.webhooks.create(toWire(inputs));
    const outs = toOutputs(w, w.webhook_secret ?? undefined, inputs.secretVersion);
    // New webhooks are always active; pausing is an update.
    if (inputs.status === "pause") {
      try {
        return { id: w.id, outs: toOutputs(await ctx.api.webhooks.update(w.id, { status: "pause" }), outs.webhookSecret, inputs.secretVersion) };
      } catch (e) {
        throw new PartialCreateError(w.id, outs, e as Error);
      }
    }
    return { id: w.id, outs };
  },

  async find(ctx, inputs) {
    const w = await ctx.api.webhooks.findByUrl(inputs.webhookUrl);
    // The secret of an existing webhook cannot be read: `update` rotates it (see `adopt`).
    return w && { id: w.id, outs: toOutputs(w, undefined, undefined) };
  },

  async read(ctx, id, olds) {
    const w = await ctx.api.webhooks.get(id);
    // Reads never return the secret: keep the one from create / the last rotation.
    return w && toOutputs(w, str(olds.webhookSecret), str(olds.secretVersion));
  },

  async update(ctx, id, olds, news) {
    const body = changes(olds, news);
    const w = Object.keys(body).length ? await ctx.api.webhooks.update(id, body) : undefined;
    let secret = str(olds.webhookSecret);
    const secretVersion = news.secretVersion ?? str(olds.secretVersion);
    // Rotate when asked (secretVersion changed), or when the secret is unknown (adopted webhook,
    // or a create whose answer was lost): without it the stack could not verify any delivery.
    if (!secret || (news.secretVersion !== undefined && news.secretVersion !== olds.secretVersion)) {
      secret = await ctx.api.webhooks.rotateSecret(id);
    }
    if (w) return toOutputs(w, secret, secretVersion);
    const { adopt: _adopt, ...kept } = olds;
    return { ...kept, ...(secretVersion !== undefined ? { secretVersion } : {}), webhookSecret: secret } as WebhookOutputs;
  },

  async delete(ctx, id) {
    await ctx.api.webhooks.remove(id);
  },
};

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}

// ------------------------------------------------------------------------------------- resource

export interface WebhookArgs {
  /**
   * Where Nylas POSTs notifications: an `https://` URL (`http://` only for localhost, 127.0.0.1 and
   * [::1]). It must answer Nylas's challenge (`GET ?challenge=<v>` → 200 with exactly `<v>` as the body,
   * within 10 s) when the webhook is created or moved. Each webhook needs its own URL. Updates in place.
   */
  webhookUrl: pulumi.Input<string>;
  /**
   * Triggers to subscribe to, e.g. `["message.created", "grant.created"]`; at least one. Order and
   * duplicates do not matter. A near miss of a known trigger (`message.create`, `MESSAGE.CREATED`,
   * `message_created`) is refused with the name meant; another name outside the Nylas reference is a
   * warning (Nylas may have added it since this release, or may refuse it). Updates in place.
   */
  triggerTypes: pulumi.Input<pulumi.Input<string>[]>;
  /** Free-text description. Updates in place; Nylas cannot clear it, so removing it leaves it as it is. */
  description?: pulumi.Input<string>;
  /**
   * Addresses Nylas alerts when the webhook is failing; at least one when set. Updates in place; Nylas
   * cannot clear the list, so removing it leaves the addresses as they are.
   */
  notificationEmailAddresses?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Gzip each delivery (`Content-Encoding: gzip`); the signature then covers the compressed bytes.
   * @default false. Updates in place.
   */
  compressedDelivery?: pulumi.Input<boolean>;
  /**
   * `active` or `pause`. Unset: left as Nylas has it (new webhooks are active). Setting `active`
   * re-enables a `failed` webhook (Nylas re-runs the challenge). Updates in place.
   */
  status?: pulumi.Input<"active" | "pause">;
  /**
   * Any string or number; changing it rotates `webhookSecret` in place (the old secret stops working at
   * once). Setting it for the first time also rotates; removing it does not.
   */
  secretVersion?: pulumi.Input<string | number>;
  /**
   * Take over an existing webhook instead of creating one: its id, or `true` to find it by `webhookUrl`.
   * Its secret cannot be read back, so adopting **rotates the secret** once.
   */
  adopt?: pulumi.Input<string | boolean>;
}

/**
 * A Nylas webhook subscription. `webhookSecret` (a secret output) verifies deliveries with
 * `verifyWebhookSignature`.
 *
 * @example
 * const hook = new nylas.Webhook("inbound", {
 *   webhookUrl: "https://agent.example.com/webhooks/nylas",
 *   triggerTypes: ["message.created", "message.updated"],
 *   secretVersion: 1, // bump to rotate the secret
 * });
 * export const webhookSecret = hook.webhookSecret;
 */
export class Webhook extends NylasResource {
  declare readonly webhookUrl: pulumi.Output<string>;
  declare readonly triggerTypes: pulumi.Output<string[]>;
  declare readonly description: pulumi.Output<string | undefined>;
  declare readonly notificationEmailAddresses: pulumi.Output<string[] | undefined>;
  declare readonly compressedDelivery: pulumi.Output<boolean>;
  /** `active` or `pause` (`failing` reads as `active`). */
  declare readonly status: pulumi.Output<string>;
  /** Nylas's status: `active`, `pause`, `failing` or `failed`. */
  declare readonly deliveryStatus: pulumi.Output<string>;
  declare readonly secretVersion: pulumi.Output<string | undefined>;
  /** HMAC-SHA256 key for the `x-nylas-signature` header (a secret). */
  declare readonly webhookSecret: pulumi.Output<string>;
  /** Unix seconds. */
  declare readonly createdAt: pulumi.Output<number>;

  constructor(name: string, args: WebhookArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "Webhook",
      name,
      args,
      ["description", "notificationEmailAddresses", "status", "deliveryStatus", "secretVersion", "webhookSecret", "createdAt"],
      opts,
      webhookDefinition.secretOutputs,
    );
  }
}
