/**
 * Manage Domains (Nylas API v3), on both routes: `/v3/domains` with an Organization-bound IAM API key
 * (the current one, [changelog 2026-11-09]) and the older `/v3/admin/domains` with service-account
 * signing. Bodies and answers are the same on both.
 */
import { createHash, randomUUID } from "node:crypto";
import { App, publicFields } from "../app";
import type { RouteAuth } from "../auth";
import { badRequest, notFound } from "../errors";
import { cursorPage } from "../paging";
import type { Ctx, Router } from "../router";
import { DOMAIN_VERIFICATION_TYPES, DomainRec, DomainVerificationType, LEGACY_VERIFICATION_TYPES } from "../types";
import { bodyObject, checkString, has, isDomain, isObject, now, optString } from "../validate";
import { cursorPaging, type Variance } from "../variance";

export function publicDomain(d: DomainRec): Record<string, unknown> {
  return publicFields(d);
}

const ATTEMPT_TTL_S = 7 * 24 * 3600;
/** DKIM key lengths `options.key_length` may ask for; the reference documents 2048, the default is UNCONFIRMED. */
export const DKIM_KEY_LENGTHS = [1024, 2048] as const;
const DEFAULT_DKIM_KEY_LENGTH = 1024;

/** Deterministic base64 "key material" of the size an RSA public key of `bits` has in a DKIM record. */
function dkimPublicKey(seed: string, bits: number): string {
  const bytes = bits === 2048 ? 294 : 162; // DER SubjectPublicKeyInfo sizes for 2048- and 1024-bit keys
  const out: Buffer[] = [];
  for (let i = 0; out.length * 32 < bytes; i++) out.push(createHash("sha256").update(`${seed}:${bits}:${i}`).digest());
  return Buffer.concat(out).subarray(0, bytes).toString("base64");
}

/**
 * The DNS record to publish for one verification type (deterministic per domain): `{host, type, value}`
 * with `host` relative to the domain (`@` = the domain itself), as the spec example has it. No MX
 * priority field is documented, so none is sent.
 */
export function dnsRecord(d: DomainRec, type: DomainVerificationType): { host: string; type: string; value: string } {
  const token = createHash("sha256").update(`${d.id}:${d.domain_address}`).digest("hex").slice(0, 32);
  const region = d.region;
  const selector = `nylas${token.slice(0, 6)}`;
  switch (type) {
    case "ownership":
      return { host: "@", type: "TXT", value: `nylas-ownership-verify=${token}` };
    case "mx":
      return { host: "@", type: "MX", value: `mx.${region}.nylas-emulator.local` };
    case "spf":
      return { host: "@", type: "TXT", value: `v=spf1 include:spf.${region}.nylas-emulator.local ~all` };
    case "dkim":
      return {
        host: `${selector}._domainkey`,
        type: "TXT",
        value: `v=DKIM1; k=rsa; p=${dkimPublicKey(token, d._dkim_key_length ?? DEFAULT_DKIM_KEY_LENGTH)}`,
      };
    case "feedback":
      return { host: "feedback", type: "MX", value: `feedback-smtp.${region}.nylas-emulator.local` };
    case "dmarc":
      return { host: "_dmarc", type: "TXT", value: `v=DMARC1; p=none; rua=mailto:dmarc-reports@${region}.nylas-emulator.local` };
    case "arc":
      return { host: `${selector}arc._domainkey`, type: "CNAME", value: `${selector}.arc.${region}.nylas-emulator.local` };
  }
}

/** `{type, options?}` of an info/verify request; which types are known depends on the route (variance L6). */
function readAttempt(body: unknown, v: Variance, legacy: boolean): { type: DomainVerificationType; keyLength?: number } {
  const b = bodyObject(body);
  const type = optString(b, "type");
  if (!type) throw badRequest("type is required");
  const known: readonly string[] =
    v.verificationTypes === "five" || (v.verificationTypes === "five-on-legacy-route" && legacy)
      ? LEGACY_VERIFICATION_TYPES
      : DOMAIN_VERIFICATION_TYPES;
  if (!known.includes(type)) throw badRequest(`type must be one of: ${known.join(", ")}`);
  if (!has(b, "options") || b.options === null) return { type: type as DomainVerificationType };
  if (!isObject(b.options)) throw badRequest("options must be an object");
  const kl = b.options.key_length;
  if (kl === undefined || kl === null) return { type: type as DomainVerificationType };
  if (type !== "dkim") throw badRequest("options.key_length applies to the dkim type only");
  if (!(DKIM_KEY_LENGTHS as readonly unknown[]).includes(kl))
    throw badRequest(`options.key_length must be one of: ${DKIM_KEY_LENGTHS.join(", ")}`);
  return { type: "dkim", keyLength: kl as number };
}

export function registerDomains(r: Router, app: App): void {
  register(r, app, "/v3/domains", (perm) => ({ iam: perm }), false);
  register(r, app, "/v3/admin/domains", () => "signed", true);
}

/** Which permission info and verify need is undocumented: info reads, verify updates. */
const PERMISSION = {
  list: "domains.read",
  get: "domains.read",
  info: "domains.read",
  create: "domains.create",
  update: "domains.update",
  verify: "domains.update",
  delete: "domains.delete",
} as const;

function register(r: Router, app: App, base: string, auth: (permission: string) => RouteAuth, legacy: boolean): void {
  const col = app.store.col<DomainRec>("domains");
  /** `{domain_id}` = the UUID or (variance N7) the domain address. */
  const requireDomain = (ctx: Ctx): DomainRec => {
    const ref = ctx.params.id;
    const d = ctx.variance.domainByAddress === "accepted" ? app.findDomain(ref) : col.get(ref);
    if (!d) throw notFound(`domain not found: ${ref}`);
    return d;
  };
  /** The answer of info and verify (variance L7): nested `attempt.options` + top-level status, or Python's flat attempt. */
  const verificationResult = (v: Variance, d: DomainRec, type: DomainVerificationType, status: string, message: string) => {
    const created = d._attempts?.[type] ?? now();
    const record = dnsRecord(d, type);
    const times = { created_at: created, expires_at: created + ATTEMPT_TTL_S, message };
    if (v.verificationAnswer === "flat")
      return { domain_id: d.id, attempt: { type, host: record.host, value: record.value, status }, ...times };
    return { domain_id: d.id, attempt: { type, options: record }, status, ...times };
  };
  const stamp = (d: DomainRec, type: string, patch: Partial<DomainRec> = {}): DomainRec => {
    const t = now();
    const prev = d._attempts?.[type];
    const fresh = prev === undefined || t - prev > ATTEMPT_TTL_S;
    return app.store.put<DomainRec>("domains", {
      ...d,
      ...patch,
      _attempts: { ...(d._attempts ?? {}), [type]: fresh ? t : prev },
    });
  };

  r.get(
    base,
    (ctx) => {
      const domain = ctx.query.get("domain")?.trim().toLowerCase() || undefined;
      const region = ctx.query.get("region") || undefined;
      const page = cursorPage(col.order, ctx.query, {
        get: (id) => col.get(id),
        filter: (d) => (!domain || d.domain_address === domain) && (!region || d.region === region),
        ...cursorPaging(ctx.variance, "domains"),
      });
      return { body: { data: page.data.map(publicDomain), next_cursor: page.next_cursor } };
    },
    auth(PERMISSION.list),
  );

  r.post(
    base,
    (ctx) => {
      const b = bodyObject(ctx.body);
      const name = optString(b, "name", { min: 1, max: 256 });
      if (!name) throw badRequest("name is required");
      const raw = optString(b, "domain_address");
      if (!raw) throw badRequest("domain_address is required");
      const address = raw.trim().toLowerCase();
      if (!isDomain(address)) throw badRequest(`domain_address is not a valid domain name: ${raw}`);
      if (app.idx.domainsByAddress.has(address)) throw badRequest(`domain ${address} is already registered`);
      const branded = address.endsWith(".nylas.email");
      if (branded) {
        for (const d of col.values())
          if (d.branded && d.region === "us")
            throw badRequest("only one branded nylas.email domain is allowed per organization and region");
      }
      const t = now();
      const d = app.store.put<DomainRec>("domains", {
        id: randomUUID(),
        name,
        domain_address: address,
        organization_id: app.meta.organization_id,
        branded,
        region: "us",
        // branded *.nylas.email subdomains need no DNS work
        verified_ownership: branded,
        verified_mx: branded,
        verified_spf: branded,
        verified_dkim: branded,
        verified_feedback: branded,
        verified_dmarc: false,
        verified_arc: false,
        created_at: t,
        updated_at: t,
      });
      return { body: { data: publicDomain(d) } };
    },
    auth(PERMISSION.create),
  );

  r.get(`${base}/:id`, (ctx) => ({ body: { data: publicDomain(requireDomain(ctx)) } }), auth(PERMISSION.get));

  // The answer is only what changed, {name, updated_at} [sdk:node][sdk:ruby] (variance W1).
  r.put(
    `${base}/:id`,
    (ctx) => {
      const d = requireDomain(ctx);
      const b = bodyObject(ctx.body);
      if (has(b, "domain_address") && (typeof b.domain_address !== "string" || b.domain_address.trim().toLowerCase() !== d.domain_address))
        throw badRequest("domain_address cannot be changed; delete the domain and create a new one");
      const next: DomainRec = { ...d };
      if (has(b, "name") && b.name !== null) next.name = checkString(b.name, "name", { min: 1, max: 256 });
      next.updated_at = now();
      app.store.put("domains", next);
      const data = ctx.variance.domainUpdateAnswer === "sparse" ? { name: next.name, updated_at: next.updated_at } : publicDomain(next);
      return { body: { data } };
    },
    auth(PERMISSION.update),
  );

  r.delete(
    `${base}/:id`,
    (ctx) => {
      const d = requireDomain(ctx);
      app.store.del("domains", d.id);
      return { body: {} };
    },
    auth(PERMISSION.delete),
  );

  r.post(
    `${base}/:id/info`,
    (ctx) => {
      const d0 = requireDomain(ctx);
      const { type, keyLength } = readAttempt(ctx.body, ctx.variance, legacy);
      const d = stamp(d0, type, keyLength ? { _dkim_key_length: keyLength } : {});
      const verified = d[`verified_${type}`] === true;
      const rec = dnsRecord(d, type);
      return {
        body: {
          data: verificationResult(
            ctx.variance,
            d,
            type,
            verified ? "done" : "pending",
            verified
              ? `${type} is verified`
              : `Publish a ${rec.type} record at ${rec.host === "@" ? d.domain_address : `${rec.host}.${d.domain_address}`} with the value "${rec.value}", then call verify`,
          ),
        },
      };
    },
    auth(PERMISSION.info),
  );

  r.post(
    `${base}/:id/verify`,
    (ctx) => {
      const d0 = requireDomain(ctx);
      const { type, keyLength } = readAttempt(ctx.body, ctx.variance, legacy);
      const keyPatch: Partial<DomainRec> = keyLength ? { _dkim_key_length: keyLength } : {};
      const failure = d0._verify_fail?.[type];
      if (failure !== undefined) {
        const d = stamp(d0, type, { ...keyPatch, [`verified_${type}`]: false, updated_at: now() });
        return { body: { data: verificationResult(ctx.variance, d, type, "failed", failure) } };
      }
      // The emulator has no DNS: a verify call always succeeds unless the control API says otherwise.
      const d = stamp(d0, type, { ...keyPatch, [`verified_${type}`]: true, updated_at: now() });
      return { body: { data: verificationResult(ctx.variance, d, type, "done", `${type} record verified`) } };
    },
    auth(PERMISSION.verify),
  );
}
