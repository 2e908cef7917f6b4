import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { DomainWire, VerificationAttempt, VerificationOptions } from "../api";
import { REGION_URLS } from "../client";
import { ObjectGoneError, PartialCreateError, type Context, type ResourceDefinition } from "../lifecycle";
import { displayName, domainName, oneOf } from "../schema";
import { NylasResource } from "./base";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * Nylas Domain: an email domain registered for Agent Accounts and sending, with the DNS records to
 * publish for each verification (Nylas API v3, Manage Domains). API: `ctx.api.domains` — the Manage Domains API (POST
 * create, PUT name, DELETE, POST …/info and …/verify per verification type) at `/v3/domains` with an IAM
 * API key (`nylas:domainsApiKey`), or at the older `/v3/admin/domains` signed with a service account
 * (`nylas:serviceAccount`); never the application API key.
 */

// ------------------------------------------------------------------------------------ input schema

/** Every verification type Nylas documents; `dmarc` and `arc` since 2026-11. */
export const VERIFICATION_TYPES = ["ownership", "mx", "spf", "dkim", "feedback", "dmarc", "arc"] as const;
export type VerificationType = (typeof VERIFICATION_TYPES)[number];
/** What an Agent Account domain needs verified: the records published and waited for by default. */
export const REQUIRED_VERIFICATIONS = ["ownership", "mx", "spf", "dkim", "feedback"] as const satisfies readonly VerificationType[];
/** The types whose records can be asked for beyond the required five (documented since 2026-11). */
export const EXTRA_VERIFICATIONS = ["dmarc", "arc"] as const;
/** DKIM key lengths Nylas documents (2048, since 2026-11); unset leaves the length to Nylas. */
export const DKIM_KEY_LENGTHS = [2048] as const;
const REGIONS = ["us", "eu"] as const;

const DEFAULT_TIMEOUT_S = 600;
const DEFAULT_INTERVAL_S = 10;

const waitSchema = z.strictObject(
  {
    types: z
      .array(oneOf(VERIFICATION_TYPES), { error: `must be a list of verification types (${VERIFICATION_TYPES.join(", ")})` })
      .min(1, { error: `must name at least one of ${VERIFICATION_TYPES.join(", ")}, or be left out to wait for ${REQUIRED_VERIFICATIONS.join(", ")}` })
      // A set, kept in the reference's order so the order written never causes a diff.
      .transform((ts) => VERIFICATION_TYPES.filter((t) => ts.includes(t)))
      .optional(),
    timeoutSeconds: z
      .number({ error: "must be a number of seconds from 1 to 3600" })
      .min(1, { error: "must be from 1 to 3600 seconds" })
      .max(3600, { error: "must be from 1 to 3600 seconds" })
      .optional(),
    intervalSeconds: z
      .number({ error: "must be a number of seconds from 1 to 300" })
      .min(1, { error: "must be from 1 to 300 seconds" })
      .max(300, { error: "must be from 1 to 300 seconds" })
      .optional(),
  },
  { error: 'must be an object like { types: ["ownership", "mx"], timeoutSeconds: 600 } ({} waits for every type with the defaults)' },
);

const inputSchema = z.strictObject({
  name: displayName(256),
  domainAddress: domainName(),
  region: z
    .string({ error: 'must be "us" or "eu"' })
    .transform((s) => s.trim().toLowerCase())
    .pipe(oneOf(REGIONS))
    .optional(),
  dkimKeyLength: z
    .literal(DKIM_KEY_LENGTHS, { error: `must be ${DKIM_KEY_LENGTHS.join(" or ")} (the DKIM key length Nylas documents), or be left out for Nylas's default` })
    .optional(),
  extraVerificationTypes: z
    .array(oneOf(EXTRA_VERIFICATIONS), { error: `must be a list of ${EXTRA_VERIFICATIONS.map((t) => `"${t}"`).join(", ")} (the five Agent Accounts need are always listed)` })
    // A set in the reference's order; empty is the same as leaving it out.
    .transform((ts) => {
      const set = EXTRA_VERIFICATIONS.filter((t) => ts.includes(t));
      return set.length ? set : undefined;
    })
    .optional(),
  waitForVerification: waitSchema.optional(),
});

export type DomainInputs = z.infer<typeof inputSchema>;
export type WaitForVerification = z.infer<typeof waitSchema>;

/** One DNS record to publish for a verification type. */
export interface DnsRecord {
  [key: string]: unknown;
  /** Verification type: ownership, mx, spf, dkim, feedback, dmarc or arc. */
  type: VerificationType;
  /** Host name the record goes on. */
  host: string;
  /** DNS record type: TXT, MX, CNAME… — absent when Nylas's answer does not say (its flat answer form). */
  recordType?: string;
  value: string;
  /** MX priority, when Nylas gives one. */
  priority?: number;
}

export interface DomainOutputs extends DomainInputs {
  [key: string]: unknown;
  region: "us" | "eu";
  /**
   * The record to publish for each verification type, in the order ownership, mx, spf, dkim, feedback
   * (then dmarc, arc when `waitForVerification.types` names them).
   */
  dnsRecords: DnsRecord[];
  verifiedOwnership: boolean;
  verifiedMx: boolean;
  verifiedSpf: boolean;
  verifiedDkim: boolean;
  verifiedFeedback: boolean;
  verifiedDmarc: boolean;
  verifiedArc: boolean;
  /** A Nylas-managed `*.nylas.email` subdomain (needs no DNS work). */
  branded: boolean;
  /**
   * What Nylas last said of each verification type (its info answer when the record was fetched, its
   * verify answer while waiting): status, message, when temporary values expire, and `details`.
   */
  verificationDetails?: VerificationDetails;
  createdAt?: number;
}

/** Per verification type, the last attempt Nylas reported. */
export type VerificationDetails = Partial<Record<VerificationType, VerificationAttempt>>;

// ------------------------------------------------------------------------------------- mapping

const verified = (d: DomainWire, t: VerificationType): boolean => d[`verified_${t}`] === true;

function toWire(inputs: DomainInputs): Record<string, unknown> {
  return { name: inputs.name, domain_address: inputs.domainAddress };
}

function toOutputs(d: DomainWire, records: DnsRecord[], declared: Partial<DomainInputs>, details: VerificationDetails = {}): DomainOutputs {
  return {
    name: d.name ?? "",
    domainAddress: d.domain_address.toLowerCase(),
    region: (d.region === "eu" ? "eu" : "us") as "us" | "eu",
    ...(declared.dkimKeyLength !== undefined ? { dkimKeyLength: declared.dkimKeyLength } : {}),
    ...(declared.extraVerificationTypes ? { extraVerificationTypes: declared.extraVerificationTypes } : {}),
    ...(declared.waitForVerification ? { waitForVerification: declared.waitForVerification } : {}),
    dnsRecords: records,
    verifiedOwnership: verified(d, "ownership"),
    verifiedMx: verified(d, "mx"),
    verifiedSpf: verified(d, "spf"),
    verifiedDkim: verified(d, "dkim"),
    verifiedFeedback: verified(d, "feedback"),
    verifiedDmarc: verified(d, "dmarc"),
    verifiedArc: verified(d, "arc"),
    branded: d.branded === true,
    ...(Object.keys(details).length ? { verificationDetails: details } : {}),
    ...(d.created_at ? { createdAt: d.created_at } : {}),
  };
}

/** Options of an info/verify request for `type`: the DKIM key length goes with `dkim` only. */
function optionsFor(type: VerificationType, inputs: Partial<DomainInputs>): VerificationOptions | undefined {
  return type === "dkim" && inputs.dkimKeyLength !== undefined ? { key_length: inputs.dkimKeyLength } : undefined;
}

/** The verification types whose records the domain reports: the required five, the extra ones, and any other waited for. */
function recordTypes(inputs: Partial<DomainInputs>): VerificationType[] {
  const wanted = new Set<VerificationType>([...REQUIRED_VERIFICATIONS, ...(inputs.extraVerificationTypes ?? []), ...(inputs.waitForVerification?.types ?? [])]);
  return VERIFICATION_TYPES.filter((t) => wanted.has(t));
}

/** The DNS record Nylas wants published for one verification type; what Nylas said goes into `details`. */
async function dnsRecord(ctx: Context, id: string, type: VerificationType, inputs: Partial<DomainInputs>, details: VerificationDetails): Promise<DnsRecord> {
  const { record: r, attempt } = await ctx.api.domains.info(id, type, optionsFor(type, inputs));
  if (Object.keys(attempt).length) details[type] = attempt;
  return { type, host: r.host, ...(r.type ? { recordType: r.type } : {}), value: r.value, ...(r.priority !== undefined ? { priority: r.priority } : {}) };
}

/**
 * The records of every type: reuses `known` ones and asks only for the missing. So refresh stays
 * cheap (no calls once all are known); note that Nylas may rotate temporary values after an
 * attempt's `expires_at` — a value that changed is picked up when the domain is replaced or the
 * record is missing from state.
 */
async function dnsRecords(ctx: Context, id: string, known: unknown, inputs: Partial<DomainInputs>, details: VerificationDetails): Promise<DnsRecord[]> {
  const have = new Map<string, DnsRecord>();
  if (Array.isArray(known)) for (const r of known as DnsRecord[]) if (r && typeof r.type === "string" && r.host && r.value) have.set(r.type, r);
  const out: DnsRecord[] = [];
  for (const t of recordTypes(inputs)) out.push(have.get(t) ?? (await dnsRecord(ctx, id, t, inputs, details)));
  return out;
}


/**
 * Triggers `verify` for every requested type not yet verified and polls the domain until all are
 * verified or the timeout passes. A failed check is retried each round: DNS may still be propagating.
 */
async function waitForVerification(ctx: Context, d: DomainWire, inputs: DomainInputs, records: DnsRecord[], details: VerificationDetails): Promise<DomainWire> {
  const wait = inputs.waitForVerification!;
  const types: readonly VerificationType[] = wait.types ?? REQUIRED_VERIFICATIONS;
  const timeoutS = wait.timeoutSeconds ?? DEFAULT_TIMEOUT_S;
  const deadline = Date.now() + timeoutS * 1000;
  const intervalMs = (wait.intervalSeconds ?? DEFAULT_INTERVAL_S) * 1000;
  const last = new Map<string, string>();
  for (;;) {
    let pending = types.filter((t) => !verified(d, t));
    if (pending.length === 0) return d;
    for (const type of pending) {
      const r = await ctx.api.domains.verify(d.id, type, optionsFor(type, inputs));
      if (Object.keys(r).length) details[type] = r;
      last.set(type, [r.status, r.message].filter(Boolean).join(": "));
    }
    const now = await ctx.api.domains.get(d.id);
    if (!now) throw new Error(`domain ${d.domain_address} (${d.id}) disappeared while waiting for its verification`);
    d = now;
    pending = types.filter((t) => !verified(d, t));
    if (pending.length === 0) return d;
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      const detail = pending.map((t) => {
        const rec = records.find((r) => r.type === t);
        const publish = rec ? `publish ${[rec.recordType, rec.host].filter(Boolean).join(" ")} → ${rec.value}` : "";
        return `${t} (${[last.get(t), publish].filter(Boolean).join("; ") || "not verified"})`;
      });
      throw new Error(
        `domain ${d.domain_address} was not verified within ${timeoutS} s: ${detail.join(", ")}. ` +
          "Publish the records from dnsRecords and run `pulumi up` again, or raise waitForVerification.timeoutSeconds",
      );
    }
    await sleep(Math.min(intervalMs, remaining));
  }
}

/** When the provider talks to a known regional endpoint, the region it creates domains in. */
function endpointRegion(ctx: Context): "us" | "eu" | undefined {
  for (const r of REGIONS) if (ctx.api.baseUrl === REGION_URLS[r]) return r;
  return undefined;
}

function regionMismatch(d: DomainWire, want: string): Error {
  return new Error(
    `domain ${d.domain_address} is in region ${d.region ?? "us"}, not ${want}: Nylas sets a domain's region from the ` +
      `endpoint it is created through — set nylas:region ${want} (or NYLAS_REGION) for this stack, or change region`,
  );
}

/** Name, records and the optional wait, for a domain that exists (new, found, or adopted). */
async function reconcile(ctx: Context, d: DomainWire, olds: Partial<DomainOutputs>, news: DomainInputs): Promise<DomainOutputs> {
  if (d.domain_address.toLowerCase() !== news.domainAddress) {
    // Only reachable through `adopt` (a change of address is a replace): Nylas cannot change it.
    throw new Error(`domain ${d.id} is ${d.domain_address}, not ${news.domainAddress}; a domain's address cannot be changed — declare "${d.domain_address}" or remove adopt`);
  }
  if (news.region && (d.region ?? "us") !== news.region) throw regionMismatch(d, news.region);
  // Nylas answers a rename with only what changed: the api reads the domain back.
  if ((d.name ?? "") !== news.name) d = await ctx.api.domains.update(d.id, { name: news.name });
  // A record fetched for another DKIM key length is stale, and so is what Nylas said of it.
  const sameKey = (olds.dkimKeyLength ?? undefined) === news.dkimKeyLength;
  const known = sameKey ? olds.dnsRecords : (olds.dnsRecords ?? []).filter((r) => r.type !== "dkim");
  const details: VerificationDetails = { ...olds.verificationDetails };
  if (!sameKey) delete details.dkim;
  const records = await dnsRecords(ctx, d.id, known, news, details);
  if (news.waitForVerification) d = await waitForVerification(ctx, d, news, records, details);
  return toOutputs(d, records, news, details);
}

// ------------------------------------------------------------------------------------- lifecycle

export const domainDefinition: ResourceDefinition<DomainInputs, DomainOutputs> = {
  type: "Domain",
  autoName: "name",
  inputs: inputSchema,
  replaceOnChange: ["domainAddress", "region"],
  // A replacement for another region has the same address, which Nylas refuses to register twice.
  deleteBeforeReplace: true,
  computed: ["region"],
  describe: (i) => `domainAddress ${i.domainAddress}`,

  async create(ctx, inputs) {
    const endpoint = endpointRegion(ctx);
    if (inputs.region && endpoint && endpoint !== inputs.region) {
      throw new Error(`region ${inputs.region} was declared but the provider talks to the ${endpoint} endpoint; set nylas:region ${inputs.region} (or NYLAS_REGION) for this stack`);
    }
    const d = await ctx.api.domains.create(toWire(inputs));
    if (inputs.region && (d.region ?? "us") !== inputs.region) {
      // Made in the wrong region (an endpoint we could not place, e.g. a proxy): undo, then explain.
      await ctx.api.domains.remove(d.id);
      throw regionMismatch(d, inputs.region);
    }
    let records: DnsRecord[] = [];
    const details: VerificationDetails = {};
    try {
      records = await dnsRecords(ctx, d.id, undefined, inputs, details);
      return { id: d.id, outs: await reconcile(ctx, d, { dnsRecords: records, dkimKeyLength: inputs.dkimKeyLength, verificationDetails: details }, inputs) };
    } catch (e) {
      // The domain exists: have the engine record it. Without `waitForVerification` in the recorded
      // outputs, the next `pulumi up` sees a change and runs the wait (and the record lookup) again.
      const { waitForVerification: _w, ...rest } = inputs;
      const why = new Error(`domain ${d.domain_address} was created (${d.id}) but then: ${(e as Error).message}`);
      throw new PartialCreateError(d.id, toOutputs(d, records, rest, details), why);
    }
  },

  async find(ctx, inputs) {
    const d = await ctx.api.domains.findByAddress(inputs.domainAddress);
    return d && { id: d.id, outs: toOutputs(d, [], {}) };
  },

  // `adopt` may name the domain by its address as well as by its id.
  async resolve(ctx, ref) {
    const d = await ctx.api.domains.resolve(ref.trim().toLowerCase());
    return d && { id: d.id, outs: toOutputs(d, [], {}) };
  },

  async read(ctx, id, olds) {
    const d = await ctx.api.domains.get(id);
    if (!d) return undefined;
    const details: VerificationDetails = { ...olds.verificationDetails };
    return toOutputs(d, await dnsRecords(ctx, id, olds.dnsRecords, olds, details), olds, details);
  },

  async update(ctx, id, olds, news) {
    const d = await ctx.api.domains.get(id);
    if (!d) throw new ObjectGoneError(`domain ${id} was not found`);
    return reconcile(ctx, d, olds, news);
  },

  async delete(ctx, id) {
    await ctx.api.domains.remove(id);
  },
};

// ------------------------------------------------------------------------------------- resource

/** Waiting for DNS verification after create/update. */
export interface DomainWaitForVerificationArgs {
  /**
   * Verification types to wait for (a set): `ownership`, `mx`, `spf`, `dkim`, `feedback` — what Agent
   * Accounts need — and `dmarc`, `arc` (documented since 2026-11; naming one also adds its record to
   * `dnsRecords`).
   * @default ownership, mx, spf, dkim and feedback
   */
  types?: pulumi.Input<pulumi.Input<"ownership" | "mx" | "spf" | "dkim" | "feedback" | "dmarc" | "arc">[]>;
  /** Give up after this many seconds, 1–3600. @default 600 */
  timeoutSeconds?: pulumi.Input<number>;
  /** Seconds between verification checks, 1–300. @default 10 */
  intervalSeconds?: pulumi.Input<number>;
}

export interface DomainArgs {
  /**
   * Display name, 1–256 characters. Updates in place.
   * @default the resource's logical name (through the native plugin: as `pulumi:autonaming` says)
   */
  name?: pulumi.Input<string>;
  /**
   * The domain, e.g. `agents.example.com` (trimmed, lower-cased); a dedicated subdomain is advised so
   * company mail is untouched. Changing this replaces the domain (the old one is deleted first).
   */
  domainAddress: pulumi.Input<string>;
  /**
   * `us` or `eu`. Nylas sets it from the endpoint the domain is created through, so it must match
   * `nylas:region`; declaring it guards against creating in the wrong one. Changing it replaces the
   * domain. @default the provider's region
   */
  region?: pulumi.Input<"us" | "eu">;
  /**
   * DKIM key length to ask Nylas for: `2048` (documented since 2026-11). Sent with the DKIM record
   * request and its verification; changing it fetches the DKIM record again (publish the new one).
   * Updates in place. @default Nylas's own key length
   */
  dkimKeyLength?: pulumi.Input<2048>;
  /**
   * Verification types beyond the five Agent Accounts need whose DNS records `dnsRecords` also lists:
   * `dmarc`, `arc` (documented since 2026-11; a set). For a stack that publishes the records through
   * a DNS provider without waiting for verification. Updates in place (the records are fetched).
   * @default none — ownership, mx, spf, dkim and feedback are always listed
   */
  extraVerificationTypes?: pulumi.Input<pulumi.Input<"dmarc" | "arc">[]>;
  /**
   * After create/update, trigger verification and wait until the listed types are verified, failing
   * after the timeout. The DNS records must already be published (e.g. by hand or by a stack that
   * reads `dnsRecords` from a first `up` without waiting). Updates in place (a change runs the wait).
   */
  waitForVerification?: pulumi.Input<DomainWaitForVerificationArgs>;
  /** Take over an existing domain instead of creating one: its id or its address, or `true` to find it by `domainAddress`. */
  adopt?: pulumi.Input<string | boolean>;
}

/**
 * A Nylas email domain, with the DNS records to publish for each verification. Managed through the
 * Manage Domains API with an IAM API key (`pulumi config set --secret nylas:domainsApiKey <key>`: an
 * Organization-bound key with `domains.read`, `domains.create`, `domains.update`, `domains.delete`), or
 * on the older signed route with a service account (`nylas:serviceAccount`).
 *
 * @example
 * const domain = new nylas.Domain("agents", { domainAddress: "agents.example.com" });
 * export const records = domain.dnsRecords; // [{type: "mx", host, recordType: "MX", value, priority}, …]
 */
export class Domain extends NylasResource {
  declare readonly name: pulumi.Output<string>;
  declare readonly domainAddress: pulumi.Output<string>;
  declare readonly region: pulumi.Output<"us" | "eu">;
  declare readonly dnsRecords: pulumi.Output<DnsRecord[]>;
  declare readonly verifiedOwnership: pulumi.Output<boolean>;
  declare readonly verifiedMx: pulumi.Output<boolean>;
  declare readonly verifiedSpf: pulumi.Output<boolean>;
  declare readonly verifiedDkim: pulumi.Output<boolean>;
  declare readonly verifiedFeedback: pulumi.Output<boolean>;
  declare readonly verifiedDmarc: pulumi.Output<boolean>;
  declare readonly verifiedArc: pulumi.Output<boolean>;
  declare readonly branded: pulumi.Output<boolean>;
  /**
   * Per verification type, what Nylas last said: `{status?, message?, createdAt?, expiresAt?, details?}`
   * (from the info answer when the record was fetched, the verify answer while waiting). `expiresAt`
   * says when a record's temporary value may change; `details` is Nylas's own description of an
   * in-between state. Absent for a domain recorded by an earlier version until its records are fetched.
   */
  declare readonly verificationDetails: pulumi.Output<VerificationDetails | undefined>;
  declare readonly createdAt: pulumi.Output<number>;

  constructor(name: string, args: DomainArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "Domain",
      name,
      args,
      [
        "region",
        "dnsRecords",
        "verifiedOwnership",
        "verifiedMx",
        "verifiedSpf",
        "verifiedDkim",
        "verifiedFeedback",
        "verifiedDmarc",
        "verifiedArc",
        "branded",
        "verificationDetails",
        "createdAt",
      ],
      opts,
    );
  }
}
