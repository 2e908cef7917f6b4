import { isDeepStrictEqual } from "node:util";
import { z } from "zod";
import type * as pulumi from "@pulumi/pulumi";
import { emailAddress, nearestKnown, oneOf } from "./schema";

/**
 * What every notification destination shares — a `Webhook`, a `PubSubChannel`, an `SnsChannel`
 * (Nylas notifications: channels take the "same trigger types and payload schemas" as webhooks): the trigger
 * names and their check, the description and alert addresses Nylas cannot clear, gzip delivery,
 * `active`/`pause`, and how Nylas's delivery status reads. Written once here; each resource adds its own
 * destination field.
 */

// ------------------------------------------------------------------------------------ triggers

/**
 * The trigger names Nylas documents: the spec's create/update enum, plus the Node SDK's truncated and
 * intelligence variants. A name outside this list is a warning, not an error (Nylas adds triggers over
 * time) — among them `contact.created` and `message.opened.truncated`, which only the CLI (and skills)
 * list: neither the spec nor the Node SDK has them.
 */
export const TRIGGER_TYPES: readonly string[] = [
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
const KNOWN_TRIGGERS = new Set(TRIGGER_TYPES);

const TRIGGER_SYNTAX = /^[A-Za-z0-9_.-]+$/;

/** `triggerTypes`: at least one name; near misses of known names refused with the name meant; a set. */
export const triggerTypes = () =>
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
      // them may be one Nylas added after this release, so it is only warned about.
      xs.forEach((t, i) => {
        const meant = KNOWN_TRIGGERS.has(t) || !TRIGGER_SYNTAX.test(t) ? undefined : nearestTrigger(t);
        if (meant) ctx.addIssue({ code: "custom", path: [i], message: `is not a Nylas trigger type; did you mean "${meant}"? (trigger names are lower-case with dots)` });
      });
    })
    .transform((xs) => [...new Set(xs)].sort());

const nearestTrigger = (t: string) => nearestKnown(t, TRIGGER_TYPES, KNOWN_TRIGGERS);

/** The warning for trigger names outside the reference, if any. */
export function unknownTriggersWarning(triggers: readonly string[] | undefined): string | undefined {
  const unknown = (triggers ?? []).filter((t) => !KNOWN_TRIGGERS.has(t));
  if (!unknown.length) return undefined;
  return (
    `triggerTypes ${unknown.map((t) => `"${t}"`).join(", ")} ${unknown.length > 1 ? "are not trigger types" : "is not a trigger type"} ` +
    `in the Nylas reference (e.g. "message.created", "grant.created"); sending it anyway — Nylas refuses names it does not know`
  );
}

// ------------------------------------------------------------------------------- the shared inputs

/** The inputs every destination has, for `z.strictObject({...destinationInputs(), <its own>})`. */
export const destinationInputs = () => ({
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
});

/** Unset: Nylas's values are kept (description and addresses cannot be cleared; a new destination is `active`). */
export const DESTINATION_COMPUTED = ["description", "notificationEmailAddresses", "status"] as const;

export interface DestinationInputs {
  triggerTypes: string[];
  description?: string;
  notificationEmailAddresses?: string[];
  compressedDelivery: boolean;
  status?: "active" | "pause";
}

export interface DestinationOutputs {
  triggerTypes: string[];
  description?: string;
  notificationEmailAddresses?: string[];
  compressedDelivery: boolean;
  /** `active` or `pause` — a `failing` destination (still delivering) counts as `active`; see `deliveryStatus`. */
  status: string;
  /** Nylas's own status: `active`, `pause`, `failing` or `failed`. */
  deliveryStatus: string;
  createdAt?: number;
}

/** What every destination's wire object has. */
export interface DestinationWire {
  trigger_types?: string[] | null;
  description?: string | null;
  notification_email_addresses?: string[] | null;
  compressed_delivery?: boolean | null;
  status?: string | null;
  created_at?: number | null;
}

/** The arguments every destination class takes (each adds its destination and may document more). */
export interface DestinationArgs {
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
   * Addresses Nylas alerts when delivery is failing; at least one when set. Updates in place; Nylas
   * cannot clear the list, so removing it leaves the addresses as they are.
   */
  notificationEmailAddresses?: pulumi.Input<pulumi.Input<string>[]>;
}

// ------------------------------------------------------------------------------------- mapping

/** The create body's shared fields (the status is set by an update: new destinations are active). */
export function destinationWire(inputs: DestinationInputs): Record<string, unknown> {
  return {
    trigger_types: inputs.triggerTypes,
    ...(inputs.description !== undefined ? { description: inputs.description } : {}),
    ...(inputs.notificationEmailAddresses !== undefined ? { notification_email_addresses: inputs.notificationEmailAddresses } : {}),
    compressed_delivery: inputs.compressedDelivery,
  };
}

export function destinationOutputs(w: DestinationWire): DestinationOutputs {
  const emails = [...new Set((w.notification_email_addresses ?? []).map((e) => e.trim().toLowerCase()))].sort();
  // The Pub/Sub list schema spells a paused channel "paused" (variance L9).
  const status = w.status === "paused" ? "pause" : (w.status ?? "active");
  return {
    triggerTypes: [...new Set(w.trigger_types ?? [])].sort(),
    ...(w.description ? { description: w.description } : {}),
    ...(emails.length ? { notificationEmailAddresses: emails } : {}),
    compressedDelivery: w.compressed_delivery ?? false,
    // `failing` still delivers: it is what `active` asks for. `failed` stopped, so `active` re-enables it.
    status: status === "failing" ? "active" : status,
    deliveryStatus: status,
    ...(w.created_at ? { createdAt: w.created_at } : {}),
  };
}

/** The shared part of a PUT body: only what differs (Nylas ignores empty fields, so clearing is not possible). */
export function destinationChanges(olds: Partial<DestinationOutputs>, news: DestinationInputs): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (!isDeepStrictEqual(news.triggerTypes, olds.triggerTypes)) body.trigger_types = news.triggerTypes;
  if (news.description !== undefined && news.description !== olds.description) body.description = news.description;
  if (news.notificationEmailAddresses !== undefined && !isDeepStrictEqual(news.notificationEmailAddresses, olds.notificationEmailAddresses)) {
    body.notification_email_addresses = news.notificationEmailAddresses;
  }
  if (news.compressedDelivery !== (olds.compressedDelivery ?? false)) body.compressed_delivery = news.compressedDelivery;
  if (news.status !== undefined && news.status !== olds.status) body.status = news.status;
  return body;
}
