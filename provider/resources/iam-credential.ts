import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { CredentialWire } from "../api";
import type { Context, ResourceDefinition } from "../lifecycle";
import { displayName, objectId, oneOf, rotationVersion } from "../schema";
import { NylasResource } from "./base";

/**
 * Nylas IAM credential (Nylas IAM: developer.nylas.com/docs/reference/api/iam-credentials/): an IAM API key
 * of one {@link IamPrincipal}, with its binding and permissions, sent as `Authorization: Bearer <apiKey>`.
 * Nylas shows the key once, in the create answer: it is kept as the secret output `apiKey` across updates and
 * refreshes, and cannot be recovered by an import. Expiry is fixed at creation, so rotation is a replacement
 * — a new key is made before the old one is deleted, and both work in between (`secretVersion` asks for it).
 * API: `ctx.api.iamCredentials(principalId)` (/v3/iam/principals/{id}/credentials: POST, GET, PATCH of
 * name and status only, DELETE), with the Organization-bound IAM API key.
 */

// ------------------------------------------------------------------------------------ input schema

const DAY_S = 24 * 3600;
/** When `expiresAt` is not declared: a year after the key is made. */
export const DEFAULT_LIFETIME_DAYS = 365;
/** A refresh warns when the key expires within this many days. */
const EXPIRY_WARNING_DAYS = 14;

/** The latest expiry Nylas accepts: ten calendar years from now. */
function latestExpiry(now = new Date()): number {
  const d = new Date(now);
  d.setUTCFullYear(d.getUTCFullYear() + 10);
  return Math.floor(d.getTime() / 1000);
}

const isoOf = (s: number) => new Date(s * 1000).toISOString().replace(".000Z", "Z");

const EXPIRY_RULE = 'must be Unix seconds (a whole number) or an ISO 8601 time like "2027-06-30T00:00:00Z"';

const expiresAt = () =>
  z
    .union([z.number(), z.string()], { error: EXPIRY_RULE })
    .transform((v, ctx) => {
      const s = typeof v === "number" ? v : /^\d+$/.test(v.trim()) ? Number(v.trim()) : Date.parse(v.trim()) / 1000;
      if (!Number.isFinite(s) || (typeof v === "number" && !Number.isInteger(v))) {
        ctx.addIssue({ code: "custom", message: EXPIRY_RULE });
        return z.NEVER;
      }
      if (s > 1e11) {
        ctx.addIssue({ code: "custom", message: `${EXPIRY_RULE}; this looks like milliseconds — divide by 1000` });
        return z.NEVER;
      }
      const latest = latestExpiry();
      if (s > latest) {
        ctx.addIssue({ code: "custom", message: `must be at most 10 years ahead (${isoOf(latest)}), as Nylas allows` });
        return z.NEVER;
      }
      // In the past is checked when the key is made, not here: an existing key that expired must not
      // stop every later preview (a warning says to replace it).
      return Math.floor(s);
    });

const inputSchema = z.strictObject({
  principalId: objectId("Nylas IAM principal"),
  name: displayName(128),
  expiresAt: expiresAt().optional(),
  status: oneOf(["active", "disabled"] as const).default("active"),
  secretVersion: rotationVersion("replace the key with a new one"),
});

export type IamCredentialInputs = z.infer<typeof inputSchema>;

export interface IamCredentialOutputs {
  [key: string]: unknown;
  principalId: string;
  name: string;
  status: string;
  /** Unix seconds. */
  expiresAt: number;
  secretVersion?: string;
  /** The IAM API key; from the create answer only. */
  apiKey?: string;
  createdAt?: number;
}

// ------------------------------------------------------------------------------------- mapping

function toOutputs(c: CredentialWire, principalId: string, kept: { apiKey?: string; secretVersion?: string; expiresAt?: number }): IamCredentialOutputs {
  return {
    principalId: c.principal_id ?? principalId,
    name: (c.name ?? "").trim(),
    status: c.status ?? "active",
    expiresAt: c.expires_at ?? kept.expiresAt ?? 0,
    ...(kept.secretVersion !== undefined ? { secretVersion: kept.secretVersion } : {}),
    ...(kept.apiKey ? { apiKey: kept.apiKey } : {}),
    ...(c.created_at ? { createdAt: c.created_at } : {}),
  };
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** Says when a key no longer works or soon will not, with what to do. */
function expiryWarning(id: string, outs: IamCredentialOutputs): string | undefined {
  const left = outs.expiresAt - Date.now() / 1000;
  if (left > EXPIRY_WARNING_DAYS * DAY_S) return undefined;
  const when = left <= 0 ? `expired at ${isoOf(outs.expiresAt)}: it no longer authenticates` : `expires at ${isoOf(outs.expiresAt)}, in ${Math.ceil(left / DAY_S)} day(s)`;
  return `IamCredential ${id} (name "${outs.name}") ${when} — set a later expiresAt to replace it with a new key (made before the old one is deleted)`;
}

const credentials = (ctx: Context, principalId: string) => ctx.api.iamCredentials(principalId);

// ------------------------------------------------------------------------------------- lifecycle

export const iamCredentialDefinition: ResourceDefinition<IamCredentialInputs, IamCredentialOutputs> = {
  type: "IamCredential",
  autoName: "name",
  inputs: inputSchema,
  // A key belongs to one principal and its expiry is fixed at creation; a new secretVersion asks for a
  // new key. Created before the old one is deleted, so both work while the workload switches.
  replaceOnChange: ["principalId", "expiresAt", "secretVersion"],
  // expiresAt unset: a year from when the key is made. secretVersion: removing it does not replace.
  computed: ["expiresAt", "secretVersion"],
  secretOutputs: ["apiKey"],
  describe: (i) => `name "${i.name}" of principal ${i.principalId}`,
  // The key is in the create answer only: one made by a create whose answer was lost cannot be used.
  lostCreate: "delete",

  warnings(inputs) {
    if (inputs.expiresAt === undefined || inputs.expiresAt > Date.now() / 1000) return [];
    return [`expiresAt ${isoOf(inputs.expiresAt)} is in the past: an existing key no longer authenticates, and a new one cannot be made — set a later expiresAt`];
  },

  async create(ctx, inputs) {
    const nowS = Math.floor(Date.now() / 1000);
    const expires = inputs.expiresAt ?? nowS + DEFAULT_LIFETIME_DAYS * DAY_S;
    if (expires <= nowS) throw new Error(`expiresAt ${isoOf(expires)} is in the past: Nylas makes keys that expire later only — set a later expiresAt`);
    const { credential, secret } = await credentials(ctx, inputs.principalId).createWithSecret({ name: inputs.name, expires_at: expires, status: inputs.status });
    return { id: credential.id, outs: toOutputs(credential, inputs.principalId, { apiKey: secret, secretVersion: inputs.secretVersion, expiresAt: expires }) };
  },

  // Names need not be unique (during a rotation the old key has the same name): the keys there before a
  // create are never taken for what it made.
  async existing(ctx, inputs) {
    const all = await credentials(ctx, inputs.principalId).list();
    return new Set(all.filter((c) => (c.name ?? "").trim() === inputs.name).map((c) => c.id));
  },

  async find(ctx, inputs, _purpose, exclude) {
    const c = await credentials(ctx, inputs.principalId).findByName(inputs.name, exclude);
    return c && { id: c.id, outs: toOutputs(c, inputs.principalId, {}) };
  },

  async read(ctx, id, olds) {
    const principalId = str(olds.principalId);
    if (!principalId) throw new Error(`IamCredential ${id}: principalId is unknown, so the credential cannot be read`);
    const c = await credentials(ctx, principalId).get(id);
    if (!c) return undefined;
    const outs = toOutputs(c, principalId, { apiKey: str(olds.apiKey), secretVersion: str(olds.secretVersion), expiresAt: olds.expiresAt });
    const warning = expiryWarning(id, outs);
    if (warning) ctx.warn(`Nylas ${warning}`);
    return outs;
  },

  async update(ctx, id, olds, news) {
    // Only adopting can get here with another expiry (a changed one replaces): it cannot be changed.
    if (news.expiresAt !== undefined && olds.expiresAt !== undefined && news.expiresAt !== olds.expiresAt) {
      throw new Error(
        `IamCredential ${id} expires at ${isoOf(olds.expiresAt)} (${olds.expiresAt}), but expiresAt is ${isoOf(news.expiresAt)}: Nylas fixes the expiry when a key is made — ` +
          `declare expiresAt: ${olds.expiresAt}, or remove adopt to make a new key`,
      );
    }
    const apiKey = str(olds.apiKey);
    if (!apiKey) {
      ctx.warn(
        `Nylas IamCredential ${id} (name "${news.name}"): Nylas showed its key only when it was made, so apiKey is empty — change secretVersion to replace it with a new key that is kept`,
      );
    }
    const body: Record<string, unknown> = {};
    if (news.name !== olds.name) body.name = news.name;
    if (news.status !== olds.status) body.status = news.status;
    const kept = { apiKey, secretVersion: news.secretVersion ?? str(olds.secretVersion), expiresAt: olds.expiresAt };
    if (!Object.keys(body).length) {
      const { adopt: _adopt, ...rest } = olds;
      return { ...rest, ...(kept.secretVersion !== undefined ? { secretVersion: kept.secretVersion } : {}) } as IamCredentialOutputs;
    }
    return toOutputs(await credentials(ctx, olds.principalId).update(id, body), olds.principalId, kept);
  },

  async delete(ctx, id, olds) {
    // Gone with its principal (deleting a principal deletes its keys) is gone too.
    await credentials(ctx, olds.principalId).remove(id);
  },
};

// ------------------------------------------------------------------------------------- resource

export interface IamCredentialArgs {
  /** The principal whose binding and permissions the key carries (`IamPrincipal.id`). Changing it makes a new key. */
  principalId: pulumi.Input<string>;
  /**
   * Display name, 1–128 characters (trimmed). Updates in place.
   * @default the resource's logical name (through the native plugin: as `pulumi:autonaming` says)
   */
  name?: pulumi.Input<string>;
  /**
   * When the key stops working: Unix seconds, or an ISO 8601 time (`"2027-06-30T00:00:00Z"`); after
   * now and at most 10 years ahead. Nylas cannot extend it: changing it makes a new key (before the old
   * one is deleted). A refresh warns 14 days before it passes.
   * @default one year after the key is made (recorded in the `expiresAt` output)
   */
  expiresAt?: pulumi.Input<number | string>;
  /**
   * `active`, or `disabled` to stop the key without deleting it (a disabled key still counts toward the
   * 10 keys a principal may have). @default "active". Updates in place.
   */
  status?: pulumi.Input<"active" | "disabled">;
  /**
   * Any string or number; changing it makes a new key (`apiKey`) before the old one is deleted, so
   * both work while the workload switches. Setting it for the first time also does; removing it does not.
   */
  secretVersion?: pulumi.Input<string | number>;
  /**
   * Take over an existing key instead of making one: its id, or `true` to find it by `name` among the
   * principal's keys. Nylas showed the key only when it was made, so an adopted credential's `apiKey`
   * stays empty until `secretVersion` replaces it.
   */
  adopt?: pulumi.Input<string | boolean>;
}

/**
 * A Nylas IAM API key of an {@link IamPrincipal}: `apiKey` (a secret output) goes to the workload as
 * `Authorization: Bearer <apiKey>` — or as a Nylas SDK's `apiKey`. Needs `nylas:iamApiKey`.
 *
 * @example
 * const key = new nylas.IamCredential("support-reader-key", {
 *   principalId: reader.id,
 *   name: "support worker key",
 *   expiresAt: "2027-06-30T00:00:00Z",
 *   secretVersion: 1, // bump to rotate: a new key is made before the old one is deleted
 * });
 * export const supportReaderKey = key.apiKey; // a secret
 */
export class IamCredential extends NylasResource {
  declare readonly principalId: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly status: pulumi.Output<string>;
  /** Unix seconds. */
  declare readonly expiresAt: pulumi.Output<number>;
  declare readonly secretVersion: pulumi.Output<string | undefined>;
  /** The IAM API key (a secret). */
  declare readonly apiKey: pulumi.Output<string>;
  /** Unix seconds. */
  declare readonly createdAt: pulumi.Output<number>;

  constructor(name: string, args: IamCredentialArgs, opts?: pulumi.CustomResourceOptions) {
    super("IamCredential", name, args, ["status", "expiresAt", "secretVersion", "apiKey", "createdAt"], opts, iamCredentialDefinition.secretOutputs);
  }
}
