import { isDeepStrictEqual } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { PolicyWire } from "../api";
import type { ResourceDefinition } from "../lifecycle";
import { displayName, folderPath, wholeNumber } from "../schema";
import { fromWireKeys, pick, toWireKeys } from "../wire";
import { declareFolders } from "../folder-targets";
import { NylasResource } from "./base";

/**
 * Nylas Policy: limits, spam detection and retention for the accounts of the workspaces that point at
 * it (`Workspace.policyId`). A policy does nothing until a workspace uses it.
 * API: `ctx.api.policies` (/v3/policies: POST create, PUT update with nested objects replaced wholesale,
 * DELETE). `-1` means unlimited for storage, both daily counts and both retention periods. `options`
 * (additional folders, CIDR aliasing) are plan-gated: Nylas refuses them on plans without them, and
 * that refusal is reported as one error naming the options (api/policies.ts).
 */

// ------------------------------------------------------------------------------------ input schema

/** camelCase input name → Nylas wire name, for every limit of the reference. */
const LIMITS = {
  limitAttachmentSizeLimit: "limit_attachment_size_limit",
  limitAttachmentCountLimit: "limit_attachment_count_limit",
  limitAttachmentAllowedTypes: "limit_attachment_allowed_types",
  limitSizeTotalMime: "limit_size_total_mime",
  limitStorageTotal: "limit_storage_total",
  limitCountDailyMessageReceived: "limit_count_daily_message_received",
  limitCountDailyEmailSent: "limit_count_daily_email_sent",
  limitInboxRetentionPeriod: "limit_inbox_retention_period",
  limitSpamRetentionPeriod: "limit_spam_retention_period",
} as const;

const SPAM = {
  useListDnsbl: "use_list_dnsbl",
  useHeaderAnomalyDetection: "use_header_anomaly_detection",
  spamSensitivity: "spam_sensitivity",
} as const;

/** A whole number in [min, max], or `-1` for unlimited (the only sentinel Nylas knows). */
function unlimitedOr(min: number, unit: string, max = Number.MAX_SAFE_INTEGER) {
  const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
  const error = `must be a whole number${unit} ${range}, or -1 for unlimited`;
  return z
    .number({ error })
    .int({ error })
    .refine((n) => n === -1 || (n >= min && n <= max), { error })
    .optional();
}

const finite = (n: number | undefined): n is number => n !== undefined && n !== -1;

const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/(\*|[a-z0-9][a-z0-9!#$&^_.+-]*)$/;

const limitsSchema = z
  .strictObject(
    {
      limitAttachmentSizeLimit: wholeNumber(0, Number.MAX_SAFE_INTEGER, " of bytes").optional(),
      limitAttachmentCountLimit: wholeNumber(0, 10_000, " of attachments").optional(),
      limitAttachmentAllowedTypes: z
        .array(
          z
            .string({ error: 'must be a MIME type like "application/pdf" or "image/*" (a string)' })
            .transform((s) => s.trim().toLowerCase())
            .refine((s) => MIME.test(s), { error: 'must be a MIME type like "application/pdf" or "image/*"' }),
          { error: 'must be a list of MIME types like ["application/pdf", "image/*"]' },
        )
        .transform((xs) => [...new Set(xs)].sort())
        .optional(),
      limitSizeTotalMime: wholeNumber(0, Number.MAX_SAFE_INTEGER, " of bytes").optional(),
      limitStorageTotal: unlimitedOr(0, " of bytes"),
      limitCountDailyMessageReceived: unlimitedOr(0, " of messages per day"),
      limitCountDailyEmailSent: unlimitedOr(0, " of messages per day"),
      limitInboxRetentionPeriod: unlimitedOr(1, " of days", 36_500),
      limitSpamRetentionPeriod: unlimitedOr(1, " of days", 36_500),
    },
    { error: "must be an object of limits like { limitCountDailyEmailSent: 500, limitInboxRetentionPeriod: 90 }" },
  )
  // Only between two finite periods: how Nylas orders `-1` (unlimited) against a number is not documented.
  .refine(
    (l) => !finite(l.limitInboxRetentionPeriod) || !finite(l.limitSpamRetentionPeriod) || l.limitInboxRetentionPeriod > l.limitSpamRetentionPeriod,
    { error: "limitInboxRetentionPeriod must be greater than limitSpamRetentionPeriod", path: ["limitSpamRetentionPeriod"] },
  );

const spamSchema = z.strictObject(
  {
    useListDnsbl: z.boolean({ error: "must be true or false" }).optional(),
    useHeaderAnomalyDetection: z.boolean({ error: "must be true or false" }).optional(),
    spamSensitivity: z
      .number({ error: "must be a number from 0.1 to 5.0" })
      .min(0.1, { error: "must be from 0.1 to 5.0 (higher flags more mail as spam)" })
      .max(5, { error: "must be from 0.1 to 5.0 (higher flags more mail as spam)" })
      .optional(),
  },
  { error: "must be an object like { spamSensitivity: 1.5, useListDnsbl: true }" },
);

const OPTIONS = {
  additionalFolders: "additional_folders",
  useCidrAliasing: "use_cidr_aliasing",
} as const;

const optionsSchema = z.strictObject(
  {
    additionalFolders: z
      .array(folderPath(), { error: 'must be a list of folder names or paths like ["Invoices", "Clients/Acme"]' })
      // A set: order and duplicates never cause a diff.
      .transform((xs) => [...new Set(xs)].sort())
      .optional(),
    useCidrAliasing: z.boolean({ error: "must be true or false" }).optional(),
  },
  { error: 'must be an object like { additionalFolders: ["Invoices"], useCidrAliasing: true }' },
);

const inputSchema = z.strictObject({
  name: displayName(256),
  limits: limitsSchema.optional(),
  spamDetection: spamSchema.optional(),
  options: optionsSchema.optional(),
});

export type PolicyInputs = z.infer<typeof inputSchema>;
export type PolicyLimits = z.infer<typeof limitsSchema>;
export type PolicySpamDetection = z.infer<typeof spamSchema>;
export type PolicyOptions = z.infer<typeof optionsSchema>;

export interface PolicyOutputs extends PolicyInputs {
  [key: string]: unknown;
  /** Every limit as Nylas applies it, resolved against the plan (omitted limits come back filled). */
  effectiveLimits: PolicyLimits;
  effectiveSpamDetection: PolicySpamDetection;
  createdAt?: number;
}

// ------------------------------------------------------------------------------------- mapping

function toWire(inputs: PolicyInputs, olds?: PolicyOutputs): Record<string, unknown> {
  const body: Record<string, unknown> = { name: inputs.name };
  // Nested objects are replaced wholesale, so send the complete declared object; `{}` resets one the
  // user removed back to the plan defaults.
  if (inputs.limits) body.limits = toWireKeys(inputs.limits, LIMITS);
  else if (olds?.limits) body.limits = {};
  if (inputs.spamDetection) body.spam_detection = toWireKeys(inputs.spamDetection, SPAM);
  else if (olds?.spamDetection) body.spam_detection = {};
  // Options are plan-gated: sent only when declared or once declared. One no longer declared is turned
  // off explicitly ([] / false), so that it goes whether Nylas replaces or merges nested objects (variance W5).
  const removed = Object.keys(olds?.options ?? {}).filter((k) => (inputs.options as Record<string, unknown> | undefined)?.[k] === undefined);
  if (inputs.options || removed.length) {
    const off: Record<string, unknown> = Object.fromEntries(removed.map((k) => [k, k === "additionalFolders" ? [] : false]));
    body.options = toWireKeys({ ...off, ...inputs.options }, OPTIONS);
  }
  return body;
}

/**
 * The declared options as Nylas has them. Nylas may not echo `options` at all (the 2026-08 spec no
 * longer lists them): then what was declared is all there is to report.
 */
function optionsOf(p: PolicyWire, declared: PolicyOptions): PolicyOptions {
  if (!p.options) return declared;
  const have = fromWireKeys(p.options, OPTIONS) as PolicyOptions;
  if (have.additionalFolders) have.additionalFolders = [...new Set(have.additionalFolders)].sort();
  return pick(have, Object.keys(declared)) as PolicyOptions;
}

/** Outputs from the API object; declared inputs keep only the keys the user set (Nylas fills the rest). */
function toOutputs(p: PolicyWire, declared: Partial<PolicyInputs>): PolicyOutputs {
  const effectiveLimits = fromWireKeys(p.limits ?? {}, LIMITS) as PolicyLimits;
  const effectiveSpamDetection = fromWireKeys(p.spam_detection ?? {}, SPAM) as PolicySpamDetection;
  if (effectiveLimits.limitAttachmentAllowedTypes) effectiveLimits.limitAttachmentAllowedTypes = [...effectiveLimits.limitAttachmentAllowedTypes].sort();
  return {
    name: p.name,
    ...(declared.limits ? { limits: pick(effectiveLimits, Object.keys(declared.limits)) } : {}),
    ...(declared.spamDetection ? { spamDetection: pick(effectiveSpamDetection, Object.keys(declared.spamDetection)) } : {}),
    ...(declared.options ? { options: optionsOf(p, declared.options) } : {}),
    effectiveLimits,
    effectiveSpamDetection,
    ...(p.created_at ? { createdAt: p.created_at } : {}),
  };
}

/**
 * Settings the user removed that Nylas still has at the value they had: a PUT replaces nested objects
 * (then the plan default comes back), but Nylas may merge them field by field instead (variance W5).
 */
function keptAfterRemoval(olds: PolicyOutputs, news: PolicyInputs, outs: PolicyOutputs): Array<{ field: string; value: unknown }> {
  const kept: Array<{ field: string; value: unknown }> = [];
  const check = (block: string, before: Record<string, unknown> | undefined, now: Record<string, unknown> | undefined, effective: Record<string, unknown>) => {
    for (const [k, v] of Object.entries(before ?? {})) {
      if (now?.[k] === undefined && isDeepStrictEqual(effective[k], v)) kept.push({ field: `${block}.${k}`, value: v });
    }
  };
  check("limits", olds.limits, news.limits, outs.effectiveLimits);
  check("spamDetection", olds.spamDetection, news.spamDetection, outs.effectiveSpamDetection);
  return kept;
}

// ------------------------------------------------------------------------------------- lifecycle

export const policyDefinition: ResourceDefinition<PolicyInputs, PolicyOutputs> = {
  type: "Policy",
  autoName: "name",
  inputs: inputSchema,
  describe: (i) => `name "${i.name}"`,

  async create(ctx, inputs) {
    const p = await ctx.api.policies.create(toWire(inputs));
    return { id: p.id, outs: toOutputs(p, inputs) };
  },

  async find(ctx, inputs) {
    const p = await ctx.api.policies.findByName(inputs.name);
    return p && { id: p.id, outs: toOutputs(p, inputs) };
  },

  async read(ctx, id, olds) {
    const p = await ctx.api.policies.read(id);
    return p && toOutputs(p, olds);
  },

  async update(ctx, id, olds, news) {
    const outs = toOutputs(await ctx.api.policies.update(id, toWire(news, olds)), news);
    for (const kept of keptAfterRemoval(olds, news, outs)) {
      ctx.warn(
        `Nylas Policy ${id} (name "${news.name}"): ${kept.field} is no longer declared, but Nylas kept ${JSON.stringify(kept.value)} ` +
          "(it merged the update into the stored limits instead of replacing them); declare the value you want instead of removing it",
      );
    }
    return outs;
  },

  async delete(ctx, id) {
    await ctx.api.policies.remove(id);
  },
};

// ------------------------------------------------------------------------------------- resource

/** Limits of a {@link Policy}; every field is optional and an omitted one means the plan's maximum. */
export interface PolicyLimitsArgs {
  /** Largest attachment, bytes. */
  limitAttachmentSizeLimit?: pulumi.Input<number>;
  /** Attachments per message. */
  limitAttachmentCountLimit?: pulumi.Input<number>;
  /** Allowed attachment MIME types (`image/*` wildcards allowed); order and case do not matter. Empty = all the plan allows. */
  limitAttachmentAllowedTypes?: pulumi.Input<pulumi.Input<string>[]>;
  /** Largest whole message (MIME), bytes. */
  limitSizeTotalMime?: pulumi.Input<number>;
  /** Mailbox storage, bytes; `-1` = unlimited. */
  limitStorageTotal?: pulumi.Input<number>;
  /** Messages each account may receive per day; `-1` = unlimited. */
  limitCountDailyMessageReceived?: pulumi.Input<number>;
  /** Messages each account may send per day; `-1` = unlimited. */
  limitCountDailyEmailSent?: pulumi.Input<number>;
  /**
   * Days mail is kept in the inbox, 1–36500, or `-1` = unlimited; when both retention periods are
   * numbers, it must be greater than `limitSpamRetentionPeriod`.
   */
  limitInboxRetentionPeriod?: pulumi.Input<number>;
  /** Days mail is kept in spam, 1–36500, or `-1` = unlimited; less than a finite `limitInboxRetentionPeriod`. */
  limitSpamRetentionPeriod?: pulumi.Input<number>;
}

/** Spam detection of a {@link Policy}. */
export interface PolicySpamDetectionArgs {
  /** Check inbound senders against DNS block lists. */
  useListDnsbl?: pulumi.Input<boolean>;
  /** Flag messages with anomalous headers. */
  useHeaderAnomalyDetection?: pulumi.Input<boolean>;
  /** 0.1–5.0; higher flags more mail as spam. @default 1 */
  spamSensitivity?: pulumi.Input<number>;
}

/** Options of a {@link Policy} (plan-gated). */
export interface PolicyOptionsArgs {
  /**
   * Folders Nylas creates in every inbox that uses the policy (a set of names or `/` paths; system
   * folder names are refused). Removing a name does not delete folders already made (Nylas documents
   * no deletion). Declare a {@link Folder} instead when only some accounts need it, or when destroy
   * should delete it.
   */
  additionalFolders?: pulumi.Input<pulumi.Input<string>[]>;
  /** CIDR-based email aliasing for the inboxes that use the policy (Nylas does not document its details). */
  useCidrAliasing?: pulumi.Input<boolean>;
}

export interface PolicyArgs {
  /**
   * Display name, 1–256 characters. Updates in place.
   * @default the resource's logical name (through the native plugin: as `pulumi:autonaming` says)
   */
  name?: pulumi.Input<string>;
  /**
   * Limits; only the ones set here are managed (Nylas fills the rest from the plan). `-1` (unlimited) is
   * honoured only where the plan allows it; otherwise Nylas refuses the policy. Updates in place.
   */
  limits?: pulumi.Input<PolicyLimitsArgs>;
  /** Spam detection settings. Updates in place. */
  spamDetection?: pulumi.Input<PolicySpamDetectionArgs>;
  /**
   * Policy options — plan-gated: Nylas allows them only on plans that include them (the Full Platform
   * plan), and refuses the whole policy otherwise; that refusal is one error naming the options. Only
   * the options set here are managed; removing one turns it off (no more folders added, CIDR aliasing
   * off — folders already made stay). Folders
   * named in `additionalFolders` count as declared folders for the {@link Rule} `assign_to_folder`
   * check. Updates in place.
   */
  options?: pulumi.Input<PolicyOptionsArgs>;
  /** Take over an existing policy instead of creating one: its id, or `true` to find it by name. */
  adopt?: pulumi.Input<string | boolean>;
}

/**
 * A Nylas policy (limits, spam detection, retention), attached to accounts through a {@link Workspace}.
 *
 * @example
 * const policy = new nylas.Policy("agents", {
 *   limits: { limitCountDailyEmailSent: 500, limitInboxRetentionPeriod: 90, limitSpamRetentionPeriod: 30 },
 *   spamDetection: { spamSensitivity: 1.5 },
 * });
 */
export class Policy extends NylasResource {
  declare readonly name: pulumi.Output<string>;
  declare readonly limits: pulumi.Output<PolicyLimits | undefined>;
  declare readonly spamDetection: pulumi.Output<PolicySpamDetection | undefined>;
  declare readonly options: pulumi.Output<PolicyOptions | undefined>;
  /** Every limit as Nylas applies it (plan-filled). */
  declare readonly effectiveLimits: pulumi.Output<PolicyLimits>;
  declare readonly effectiveSpamDetection: pulumi.Output<PolicySpamDetection>;
  declare readonly createdAt: pulumi.Output<number>;

  constructor(name: string, args: PolicyArgs, opts?: pulumi.CustomResourceOptions) {
    super("Policy", name, args, ["effectiveLimits", "effectiveSpamDetection", "createdAt"], opts);
    if (args.options !== undefined) declareFolders(this, pulumi.output(args.options).apply((o) => o?.additionalFolders));
  }
}

