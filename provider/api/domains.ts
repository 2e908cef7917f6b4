import { z } from "zod";
import { NylasConfigError, type DomainsRoute, type NylasClient } from "../client";
import { Collection, type CallSpec } from "./base";

/**
 * The Manage Domains API (Nylas API v3 Domains), on one of two routes: `/v3/domains` with an IAM API key as
 * bearer (current, the default) or `/v3/admin/domains` signed with a service account (older). Same
 * bodies on both. A domain is addressed by id or by its address; a PUT answers only what changed.
 */

export const domainWire = z.looseObject({
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
  verified_arc: z.boolean().nullish(),
  created_at: z.number().nullish(),
});
export type DomainWire = z.infer<typeof domainWire>;

/**
 * Answer of `…/info` and `…/verify`: the record in `attempt.options` with the status beside `attempt`
 * (spec, Node), or flat in `attempt` (Python). Every field optional.
 */
const attemptWire = z.looseObject({
  attempt: z
    .looseObject({
      type: z.string().nullish(),
      options: z.record(z.string(), z.unknown()).nullish(),
      host: z.unknown().optional(),
      value: z.unknown().optional(),
      priority: z.unknown().optional(),
      status: z.string().nullish(),
    })
    .nullish(),
  status: z.string().nullish(),
  message: z.string().nullish(),
  created_at: z.number().nullish(),
  expires_at: z.number().nullish(),
  details: z.record(z.string(), z.unknown()).nullish(),
});

/** One DNS record to publish, as Nylas describes it (`type` is the record type: TXT, MX, CNAME…). */
export interface DnsRecordWire {
  host: string;
  type: string;
  value: string;
  priority?: number;
}

/**
 * What one info/verify answer says of a verification type: status (`pending`/`done`/`failed`, when
 * given), Nylas's message, when the attempt's temporary values expire, and Nylas's free-form `details`
 * of an in-between state (Node's model; shape undocumented).
 */
export interface VerificationAttempt {
  status?: string;
  message?: string;
  createdAt?: number;
  expiresAt?: number;
  details?: Record<string, unknown>;
}

/** Options of an info/verify request; `key_length` is the DKIM key size (2048 documented). */
export interface VerificationOptions {
  key_length?: number;
}

const ROUTES: Record<DomainsRoute, { all: string; one: `${string}{id}${string}`; auth: "domainsApiKey" | "serviceAccount" }> = {
  iam: { all: "/v3/domains", one: "/v3/domains/{id}", auth: "domainsApiKey" },
  "service-account": { all: "/v3/admin/domains", one: "/v3/admin/domains/{id}", auth: "serviceAccount" },
};

const text = (v: unknown) => (typeof v === "string" ? v : v === undefined || v === null ? "" : String(v));

export class Domains extends Collection<typeof domainWire> {
  /** Why no route can be used (no credential), if so: every call fails with it. */
  private readonly missing: string | undefined;

  constructor(client: NylasClient) {
    const chosen = client.domainsRoute();
    const route = ROUTES["route" in chosen ? chosen.route : "iam"];
    super(client, {
      noun: "domain",
      plural: "domains",
      all: route.all,
      one: route.one,
      idField: "id",
      wire: domainWire,
      paging: "cursor",
      updateVerb: "PUT",
      auth: route.auth,
    });
    this.missing = "missing" in chosen ? chosen.missing : undefined;
  }

  /** The path of the route in use, e.g. for messages. */
  get basePath(): string {
    return this.spec.all;
  }

  protected override call<T = undefined, P extends string = string>(c: CallSpec<T, P>): Promise<T> {
    if (this.missing) return Promise.reject(new NylasConfigError(this.missing));
    return super.call(c);
  }

  override list(query?: Record<string, string | number | boolean | undefined>): Promise<DomainWire[]> {
    if (this.missing) return Promise.reject(new NylasConfigError(this.missing));
    return super.list(query);
  }

  /** The domain of `address` (stored lower-cased; unique in the organization). */
  async findByAddress(address: string): Promise<DomainWire | undefined> {
    const want = address.toLowerCase();
    return (await this.list()).find((d) => d.domain_address.toLowerCase() === want);
  }

  /**
   * The domain `ref` names: its id, or its address. An address is looked up in the list, so the id it
   * yields is the UUID, whichever form the route accepts.
   */
  async resolve(ref: string): Promise<DomainWire | undefined> {
    return ref.includes(".") ? this.findByAddress(ref) : this.get(ref);
  }

  /** The DNS record Nylas wants published for one verification type, and what it said (`POST …/info`; changes nothing, so retried). */
  async info(id: string, type: string, options?: VerificationOptions): Promise<{ record: DnsRecordWire; attempt: VerificationAttempt }> {
    const r = await this.attempt("info", id, type, options);
    const flat = r.attempt ?? {};
    const o = flat.options ?? {};
    const priority = o.priority ?? flat.priority;
    const record = {
      host: text(o.host ?? flat.host),
      type: text(o.type),
      value: text(o.value ?? flat.value),
      ...(typeof priority === "number" ? { priority } : {}),
    };
    return { record, attempt: attemptOf(r) };
  }

  /** Asks Nylas to check one verification type now; what it answered (status `pending`/`done`/`failed`, message, details). */
  async verify(id: string, type: string, options?: VerificationOptions): Promise<VerificationAttempt> {
    return attemptOf(await this.attempt("verify", id, type, options));
  }

  private attempt(what: "info" | "verify", id: string, type: string, options?: VerificationOptions) {
    const body = { type, ...(options && Object.keys(options).length ? { options } : {}) };
    return this.call({ method: "POST", path: `${this.spec.one}/${what}` as "{id}", params: { id }, body, data: attemptWire, idempotent: true });
  }
}

/** The parts of an info/verify answer that describe the attempt; absent fields are left out. */
function attemptOf(r: z.infer<typeof attemptWire>): VerificationAttempt {
  const status = r.status ?? r.attempt?.status;
  return {
    ...(status ? { status } : {}),
    ...(r.message ? { message: r.message } : {}),
    ...(typeof r.created_at === "number" ? { createdAt: r.created_at } : {}),
    ...(typeof r.expires_at === "number" ? { expiresAt: r.expires_at } : {}),
    ...(r.details && Object.keys(r.details).length ? { details: r.details } : {}),
  };
}
