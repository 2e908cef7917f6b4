import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { WebhookWire } from "../api";
import { PartialCreateError, type ResourceDefinition } from "../lifecycle";
import { DESTINATION_COMPUTED, destinationChanges, destinationInputs, destinationOutputs, destinationWire, unknownTriggersWarning, type DestinationArgs, type DestinationOutputs } from "../notifications";
import { rotationVersion } from "../schema";
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

export { TRIGGER_TYPES as WEBHOOK_TRIGGER_TYPES } from "../notifications";

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

const inputSchema = z.strictObject({
  webhookUrl: webhookUrl(),
  ...destinationInputs(),
  secretVersion: rotationVersion("rotate the secret"),
});

export type WebhookInputs = z.infer<typeof inputSchema>;

export interface WebhookOutputs extends DestinationOutputs {
  [key: string]: unknown;
  webhookUrl: string;
  secretVersion?: string;
  /** HMAC-SHA256 key of the `x-nylas-signature` header; from create / rotate-secret only. */
  webhookSecret?: string;
}

// ------------------------------------------------------------------------------------- mapping

function toWire(inputs: WebhookInputs): Record<string, unknown> {
  return { webhook_url: inputs.webhookUrl, ...destinationWire(inputs) };
}

function toOutputs(w: WebhookWire, webhookSecret: string | undefined, secretVersion: string | undefined): WebhookOutputs {
  const { createdAt, ...shared } = destinationOutputs(w);
  return {
    webhookUrl: w.webhook_url,
    ...shared,
    ...(secretVersion !== undefined ? { secretVersion } : {}),
    ...(webhookSecret ? { webhookSecret } : {}),
    ...(createdAt ? { createdAt } : {}),
  };
}

/** PUT body with only what differs. */
function changes(olds: Partial<WebhookOutputs>, news: WebhookInputs): Record<string, unknown> {
  return { ...(news.webhookUrl !== olds.webhookUrl ? { webhook_url: news.webhookUrl } : {}), ...destinationChanges(olds, news) };
}

// ------------------------------------------------------------------------------------- lifecycle

export const webhookDefinition: ResourceDefinition<WebhookInputs, WebhookOutputs> = {
  type: "Webhook",
  inputs: inputSchema,
  // Everything updates in place (the URL too, through PUT; Nylas re-runs the challenge).
  replaceOnChange: [],
  // Unset: Nylas's values are kept (description and emails cannot be cleared; status is `active`).
  // secretVersion: removing it does not rotate.
  computed: [...DESTINATION_COMPUTED, "secretVersion"],
  secretOutputs: ["webhookSecret"],
  describe: (i) => `webhookUrl ${i.webhookUrl}`,

  warnings(inputs) {
    const out: string[] = [];
    const unknown = unknownTriggersWarning(inputs.triggerTypes);
    if (unknown) out.push(unknown);
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
    const w = await ctx.api.webhooks.read(id);
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

export interface WebhookArgs extends DestinationArgs {
  /**
   * Where Nylas POSTs notifications: an `https://` URL (`http://` only for localhost, 127.0.0.1 and
   * [::1]). It must answer Nylas's challenge (`GET ?challenge=<v>` → 200 with exactly `<v>` as the body,
   * within 10 s) when the webhook is created or moved. Each webhook needs its own URL. Updates in place.
   */
  webhookUrl: pulumi.Input<string>;
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
