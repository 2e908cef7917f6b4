/** `/v3/admin/domains…` (Nylas API v3, Domains). Every route here is service-account signed. */
import { createHash, randomUUID } from "node:crypto";
import { App, publicFields } from "../app";
import { badRequest, notFound } from "../errors";
import { cursorPage } from "../paging";
import type { Router } from "../router";
import { DOMAIN_VERIFICATION_TYPES, DomainRec, DomainVerificationType } from "../types";
import { bodyObject, checkString, has, isDomain, now, optString } from "../validate";

export function publicDomain(d: DomainRec): Record<string, unknown> {
  return publicFields(d);
}

const ATTEMPT_TTL_S = 7 * 24 * 3600;

/** The DNS record to publish for one verification type (deterministic per domain). */
export function dnsRecord(d: DomainRec, type: DomainVerificationType): Record<string, unknown> {
  const token = createHash("sha256").update(`${d.id}:${d.domain_address}`).digest("hex").slice(0, 32);
  const region = d.region;
  switch (type) {
    case "ownership":
      return { host: d.domain_address, type: "TXT", value: `nylas-verification=${token}` };
    case "mx":
      return { host: d.domain_address, type: "MX", value: `mx.${region}.nylas-emulator.local`, priority: 10 };
    case "spf":
      return { host: d.domain_address, type: "TXT", value: `v=spf1 include:spf.${region}.nylas-emulator.local ~all` };
    case "dkim":
      return {
        host: `nylas${token.slice(0, 6)}._domainkey.${d.domain_address}`,
        type: "CNAME",
        value: `nylas${token.slice(0, 6)}.dkim.${region}.nylas-emulator.local`,
      };
    case "feedback":
      return {
        host: `feedback.${d.domain_address}`,
        type: "MX",
        value: `feedback-smtp.${region}.nylas-emulator.local`,
        priority: 10,
      };
  }
}

function readType(body: unknown): DomainVerificationType {
  const b = bodyObject(body);
  const type = optString(b, "type");
  if (!type) throw badRequest("type is required");
  if (!(DOMAIN_VERIFICATION_TYPES as readonly string[]).includes(type))
    throw badRequest(`type must be one of: ${DOMAIN_VERIFICATION_TYPES.join(", ")}`);
  return type as DomainVerificationType;
}

export function registerDomains(r: Router, app: App): void {
  const col = app.store.col<DomainRec>("domains");
  const requireDomain = (ref: string): DomainRec => {
    const d = app.findDomain(ref);
    if (!d) throw notFound(`domain not found: ${ref}`);
    return d;
  };
  const verificationResult = (d: DomainRec, type: DomainVerificationType, status: string, message: string) => {
    const created = d._attempts?.[type] ?? now();
    return {
      domain_id: d.id,
      attempt: { type, options: dnsRecord(d, type) },
      status,
      created_at: created,
      expires_at: created + ATTEMPT_TTL_S,
      message,
    };
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
    "/v3/admin/domains",
    (ctx) => {
      const domain = ctx.query.get("domain")?.trim().toLowerCase() || undefined;
      const region = ctx.query.get("region") || undefined;
      const page = cursorPage(col.order, ctx.query, {
        get: (id) => col.get(id),
        filter: (d) => (!domain || d.domain_address === domain) && (!region || d.region === region),
      });
      return { body: { data: page.data.map(publicDomain), next_cursor: page.next_cursor } };
    },
    "signed",
  );

  r.post(
    "/v3/admin/domains",
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
    "signed",
  );

  r.get("/v3/admin/domains/:id", (ctx) => ({ body: { data: publicDomain(requireDomain(ctx.params.id)) } }), "signed");

  r.put(
    "/v3/admin/domains/:id",
    (ctx) => {
      const d = requireDomain(ctx.params.id);
      const b = bodyObject(ctx.body);
      if (has(b, "domain_address") && (typeof b.domain_address !== "string" || b.domain_address.trim().toLowerCase() !== d.domain_address))
        throw badRequest("domain_address cannot be changed; delete the domain and create a new one");
      const next: DomainRec = { ...d };
      if (has(b, "name") && b.name !== null) next.name = checkString(b.name, "name", { min: 1, max: 256 });
      next.updated_at = now();
      app.store.put("domains", next);
      return { body: { data: publicDomain(next) } };
    },
    "signed",
  );

  r.delete(
    "/v3/admin/domains/:id",
    (ctx) => {
      const d = requireDomain(ctx.params.id);
      app.store.del("domains", d.id);
      return { body: {} };
    },
    "signed",
  );

  r.post(
    "/v3/admin/domains/:id/info",
    (ctx) => {
      const d0 = requireDomain(ctx.params.id);
      const type = readType(ctx.body);
      const d = stamp(d0, type);
      const verified = d[`verified_${type}`] === true;
      const rec = dnsRecord(d, type);
      return {
        body: {
          data: verificationResult(
            d,
            type,
            verified ? "done" : "pending",
            verified
              ? `${type} is verified`
              : `Publish a ${rec.type} record for ${rec.host} with the value "${rec.value}", then call verify`,
          ),
        },
      };
    },
    "signed",
  );

  r.post(
    "/v3/admin/domains/:id/verify",
    (ctx) => {
      const d0 = requireDomain(ctx.params.id);
      const type = readType(ctx.body);
      const failure = d0._verify_fail?.[type];
      if (failure !== undefined) {
        const d = stamp(d0, type, { [`verified_${type}`]: false, updated_at: now() });
        return { body: { data: verificationResult(d, type, "failed", failure) } };
      }
      // The emulator has no DNS: a verify call always succeeds unless the control API says otherwise.
      const d = stamp(d0, type, { [`verified_${type}`]: true, updated_at: now() });
      return { body: { data: verificationResult(d, type, "done", `${type} record verified`) } };
    },
    "signed",
  );
}
