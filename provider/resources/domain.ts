import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { REGION_URLS } from "../client";
import { PartialCreateError, type Context, type Created, type ResourceDefinition } from "../lifecycle";
import { displayName, domainName, oneOf } from "../schema";
import { NylasResource } from "./base";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * Nylas Domain: an email domain registered for Agent Accounts and sending, with the DNS records to
 * publish for each verification (Nylas API v3, Domains). API: /v3/admin/domains (POST create, PUT name, DELETE,
 * POST …/info and …/verify per verification type). Every call is signed with the Nylas Service
 * Account (`nylas:serviceAccount` / `NYLAS_SERVICE_ACCOUNT`), never the API key.
 */

// ------------------------------------------------------------------------------------ input schema

export const VERIFICATION_TYPES = ["ownership", "mx", "spf", "dkim", "feedback"] as const;
export type VerificationType = (typeof VERIFICATION_TYPES)[number];
const REGIONS = ["us", "eu"] as const;

const DEFAULT_TIMEOUT_S = 600;
const DEFAULT_INTERVAL_S = 10;

const waitSchema = z.strictObject(
  {
    types: z
      .array(oneOf(VERIFICATION_TYPES), { error: `must be a list of verification types (${VERIFICATION_TYPES.join(", ")})` })
      .min(1, { error: `must name at least one of ${VERIFICATION_TYPES.join(", ")}, or be left out for all of them` })
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
  waitForVerification: waitSchema.optional(),
});

export type DomainInputs = z.infer<typeof inputSchema>;
export type WaitForVerification = z.infer<typeof waitSchema>;

/** One DNS record to publish for a verification type. */
export interface DnsRecord {
  [key: string]: unknown;
  /** Verification type: ownership, mx, spf, dkim or feedback. */
  type: VerificationType;
  /** Host name the record goes on. */
  host: string;
  /** DNS record type: TXT, MX, CNAME… */
  recordType: string;
  value: string;
  /** MX priority, when Nylas gives one. */
  priority?: number;
}

export interface DomainOutputs extends DomainInputs {
  [key: string]: unknown;
  region: "us" | "eu";
  /** The record to publish for each verification type, in the order ownership, mx, spf, dkim, feedback. */
  dnsRecords: DnsRecord[];
  verifiedOwnership: boolean;
  verifiedMx: boolean;
  verifiedSpf: boolean;
  verifiedDkim: boolean;
  verifiedFeedback: boolean;
  verifiedDmarc: boolean;
  /** A Nylas-managed `*.nylas.email` subdomain (needs no DNS work). */
  branded: boolean;
  createdAt?: number;
}

// ------------------------------------------------------------------------------------- API calls

const domainWire = z.looseObject({
  id: z.string(),
  name: z.string().nullish(),
  domain_address: z.string(),
  branded: z.boolean().nullish(),
  region: z.string().nullish(),
  verified_ownership: z.boolean().nullish(),
  verified_mx: z.boolean().nullish(),
  verified_spf: z.boolean().nullish(),
  verified_dkim: z.boolean().nullish(),
  verified_feedback: z.boolean().nullish(),
  verified_dmarc: z.boolean().nullish(),
  created_at: z.number().nullish(),
});
type DomainWire = z.infer<typeof domainWire>;

/** Answer of …/info and …/verify (same shape). */
const attemptWire = z.looseObject({
  attempt: z
    .looseObject({ type: z.string().nullish(), options: z.record(z.string(), z.unknown()).nullish() })
    .nullish(),
  status: z.string().nullish(),
  message: z.string().nullish(),
});

const verified = (d: DomainWire, t: VerificationType): boolean => d[`verified_${t}`] === true;

function toOutputs(d: DomainWire, records: DnsRecord[], declared: Partial<DomainInputs>): DomainOutputs {
  return {
    name: d.name ?? "",
    domainAddress: d.domain_address.toLowerCase(),
    region: (d.region === "eu" ? "eu" : "us") as "us" | "eu",
    ...(declared.waitForVerification ? { waitForVerification: declared.waitForVerification } : {}),
    dnsRecords: records,
    verifiedOwnership: verified(d, "ownership"),
    verifiedMx: verified(d, "mx"),
    verifiedSpf: verified(d, "spf"),
    verifiedDkim: verified(d, "dkim"),
    verifiedFeedback: verified(d, "feedback"),
    verifiedDmarc: d.verified_dmarc === true,
    branded: d.branded === true,
    ...(d.created_at ? { createdAt: d.created_at } : {}),
  };
}

async function getDomain(ctx: Context, id: string): Promise<DomainWire | undefined> {
  return ctx.client.getOrUndefined({ path: "/v3/admin/domains/{id}", params: { id }, data: domainWire, signed: true });
}

/** The DNS record Nylas wants published for one verification type (`POST …/info`; changes nothing). */
async function dnsRecord(ctx: Context, id: string, type: VerificationType): Promise<DnsRecord> {
  const r = await ctx.client.call({
    method: "POST",
    path: "/v3/admin/domains/{id}/info",
    params: { id },
    body: { type },
    data: attemptWire,
    signed: true,
    idempotent: true,
  });
  const o = r.attempt?.options ?? {};
  const str = (v: unknown) => (typeof v === "string" ? v : v === undefined || v === null ? "" : String(v));
  return {
    type,
    host: str(o.host),
    recordType: str(o.type),
    value: str(o.value),
    ...(typeof o.priority === "number" ? { priority: o.priority } : {}),
  };
}

/**
 * The records of every type: reuses `known` ones and asks only for the missing. So refresh stays
 * cheap (no calls once all five are known); note that Nylas may rotate temporary values after an
 * attempt's `expires_at` — a value that changed is picked up when the domain is replaced or the
 * record is missing from state.
 */
async function dnsRecords(ctx: Context, id: string, known: unknown): Promise<DnsRecord[]> {
  const have = new Map<string, DnsRecord>();
  if (Array.isArray(known)) for (const r of known as DnsRecord[]) if (r && typeof r.type === "string" && r.host && r.value) have.set(r.type, r);
  const out: DnsRecord[] = [];
  for (const t of VERIFICATION_TYPES) out.push(have.get(t) ?? (await dnsRecord(ctx, id, t)));
  return out;
}


/**
 * Triggers `verify` for every requested type not yet verified and polls the domain until all are
 * verified or the timeout passes. A failed check is retried each round: DNS may still be propagating.
 */
async function waitForVerification(ctx: Context, d: DomainWire, wait: WaitForVerification, records: DnsRecord[]): Promise<DomainWire> {
  const types = wait.types ?? [...VERIFICATION_TYPES];
  const timeoutS = wait.timeoutSeconds ?? DEFAULT_TIMEOUT_S;
  const deadline = Date.now() + timeoutS * 1000;
  const intervalMs = (wait.intervalSeconds ?? DEFAULT_INTERVAL_S) * 1000;
  const last = new Map<string, string>();
  for (;;) {
    let pending = types.filter((t) => !verified(d, t));
    if (pending.length === 0) return d;
    for (const type of pending) {
      const r = await ctx.client.call({
        method: "POST",
        path: "/v3/admin/domains/{id}/verify",
        params: { id: d.id },
        body: { type },
        data: attemptWire,
        signed: true,
        idempotent: true,
      });
      last.set(type, [r.status, r.message].filter(Boolean).join(": "));
    }
    const now = await getDomain(ctx, d.id);
    if (!now) throw new Error(`domain ${d.domain_address} (${d.id}) disappeared while waiting for its verification`);
    d = now;
    pending = types.filter((t) => !verified(d, t));
    if (pending.length === 0) return d;
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      const detail = pending.map((t) => {
        const rec = records.find((r) => r.type === t);
        const publish = rec ? `publish ${rec.recordType} ${rec.host} → ${rec.value}` : "";
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
  for (const r of REGIONS) if (ctx.client.baseUrl === REGION_URLS[r]) return r;
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
  if ((d.name ?? "") !== news.name) {
    d = await ctx.client.call({ method: "PUT", path: "/v3/admin/domains/{id}", params: { id: d.id }, body: { name: news.name }, data: domainWire, signed: true });
  }
  const records = await dnsRecords(ctx, d.id, olds.dnsRecords);
  if (news.waitForVerification) d = await waitForVerification(ctx, d, news.waitForVerification, records);
  return toOutputs(d, records, news);
}

// ------------------------------------------------------------------------------------- lifecycle

export const domainDefinition: ResourceDefinition<DomainInputs, DomainOutputs> = {
  type: "Domain",
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
    const d = await ctx.client.call({
      method: "POST",
      path: "/v3/admin/domains",
      body: { name: inputs.name, domain_address: inputs.domainAddress },
      data: domainWire,
      signed: true,
    });
    if (inputs.region && (d.region ?? "us") !== inputs.region) {
      // Made in the wrong region (an endpoint we could not place, e.g. a proxy): undo, then explain.
      await ctx.client.call({ method: "DELETE", path: "/v3/admin/domains/{id}", params: { id: d.id }, signed: true });
      throw regionMismatch(d, inputs.region);
    }
    let records: DnsRecord[] = [];
    try {
      records = await dnsRecords(ctx, d.id, undefined);
      return { id: d.id, outs: await reconcile(ctx, d, { dnsRecords: records }, inputs) };
    } catch (e) {
      // The domain exists: have the engine record it. Without `waitForVerification` in the recorded
      // outputs, the next `pulumi up` sees a change and runs the wait (and the record lookup) again.
      const { waitForVerification: _w, ...rest } = inputs;
      const why = new Error(`domain ${d.domain_address} was created (${d.id}) but then: ${(e as Error).message}`);
      throw new PartialCreateError(d.id, toOutputs(d, records, rest), why);
    }
  },

  async find(ctx, inputs): Promise<Created<DomainOutputs> | undefined> {
    const all = await ctx.client.listCursor({ path: "/v3/admin/domains", query: { domain: inputs.domainAddress }, item: domainWire, signed: true });
    const d = all.find((x) => x.domain_address.toLowerCase() === inputs.domainAddress);
    return d && { id: d.id, outs: toOutputs(d, [], {}) };
  },

  async read(ctx, id, olds) {
    const d = await getDomain(ctx, id);
    return d && toOutputs(d, await dnsRecords(ctx, id, olds.dnsRecords), olds);
  },

  async update(ctx, id, olds, news) {
    const d = await getDomain(ctx, id);
    if (!d) throw new Error(`domain ${id} no longer exists (deleted outside Pulumi?) — run \`pulumi refresh\`, then \`pulumi up\` recreates it`);
    return reconcile(ctx, d, olds, news);
  },

  async delete(ctx, id) {
    await ctx.client.call({ method: "DELETE", path: "/v3/admin/domains/{id}", params: { id }, signed: true });
  },
};

// ------------------------------------------------------------------------------------- resource

/** Waiting for DNS verification after create/update. */
export interface DomainWaitForVerificationArgs {
  /**
   * Verification types to wait for: `ownership`, `mx`, `spf`, `dkim`, `feedback` (a set).
   * @default all five (Agent Accounts need all of them)
   */
  types?: pulumi.Input<pulumi.Input<"ownership" | "mx" | "spf" | "dkim" | "feedback">[]>;
  /** Give up after this many seconds, 1–3600. @default 600 */
  timeoutSeconds?: pulumi.Input<number>;
  /** Seconds between verification checks, 1–300. @default 10 */
  intervalSeconds?: pulumi.Input<number>;
}

export interface DomainArgs {
  /** Display name, 1–256 characters. Updates in place. */
  name: pulumi.Input<string>;
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
   * After create/update, trigger verification and wait until the listed types are verified, failing
   * after the timeout. The DNS records must already be published (e.g. by hand or by a stack that
   * reads `dnsRecords` from a first `up` without waiting). Updates in place (a change runs the wait).
   */
  waitForVerification?: pulumi.Input<DomainWaitForVerificationArgs>;
  /** Take over an existing domain instead of creating one: its id, or `true` to find it by address. */
  adopt?: pulumi.Input<string | boolean>;
}

/**
 * A Nylas email domain, with the DNS records to publish for each verification. Managed with the Nylas
 * Service Account (`pulumi config set --secret nylas:serviceAccount "$(cat service-account.json)"`).
 *
 * @example
 * const domain = new nylas.Domain("agents", { name: "Agents", domainAddress: "agents.example.com" });
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
  declare readonly branded: pulumi.Output<boolean>;
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
        "branded",
        "createdAt",
      ],
      opts,
    );
  }
}
