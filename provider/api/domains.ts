import { z } from "zod";
import { NylasConfigError, type DomainsRoute, type NylasClient } from "../client";
import { Collection, type CallSpec } from "./base";

/**
 * The Manage Domains API (reference §7), on one of two routes: `/v3/domains` with an IAM API key as
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
});

/** One DNS record to publish, as Nylas describes it (`type` is the record type: TXT, MX, CNAME…). */
export interface DnsRecordWire {
  host: string;
  type: string;
  value: string;
  priority?: number;
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

  /** The DNS record Nylas wants published for one verification type (`POST …/info`; changes nothing, so retried). */
  async info(id: string, type: string, options?: VerificationOptions): Promise<DnsRecordWire> {
    const r = await this.attempt("info", id, type, options);
    const flat = r.attempt ?? {};
    const o = flat.options ?? {};
    const priority = o.priority ?? flat.priority;
    return {
      host: text(o.host ?? flat.host),
      type: text(o.type),
      value: text(o.value ?? flat.value),
      ...(typeof priority === "number" ? { priority } : {}),
    };
  }

  /** Asks Nylas to check one verification type now; its status (`pending`/`done`/`failed`) and message. */
  async verify(id: string, type: string, options?: VerificationOptions): Promise<{ status: string; message: string }> {
    const r = await this.attempt("verify", id, type, options);
    return { status: text(r.status ?? r.attempt?.status), message: text(r.message) };
  }

  private attempt(what: "info" | "verify", id: string, type: string, options?: VerificationOptions) {
    const body = { type, ...(options && Object.keys(options).length ? { options } : {}) };
    return this.call({ method: "POST", path: `${this.spec.one}/${what}` as "{id}", params: { id }, body, data: attemptWire, idempotent: true });
  }
}
