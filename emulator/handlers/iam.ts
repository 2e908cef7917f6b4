/**
 * `/v3/iam/principals…` and `/v3/iam/principals/{id}/credentials…`
 * (developer.nylas.com/docs/reference/api/iam-principals/, …/iam-credentials/), called with an
 * Organization-bound IAM key holding the `iam.*` permission of each route. Bodies are strict: unknown fields,
 * `null`s and empty PATCH bodies are refused; arrays replace the stored set. Quotas answer 400.
 */
import type { App } from "../app";
import { ApiError, badRequest, conflict, notFound } from "../errors";
import {
  bindingResolves,
  Binding,
  CredentialRec,
  findRole,
  gateIamKey,
  IAM_ADMIN_ROLE,
  newSecret,
  opaqueId,
  PERMISSIONS,
  PrincipalRec,
  resolveIamSecret,
  secretHash,
} from "../iam";
import { cursorPage } from "../paging";
import type { Ctx, Router } from "../router";
import { OrderedIds } from "../store";
import { Body, isObject } from "../validate";
import { cursorPaging, sparseUpdate, type Variance } from "../variance";

const BINDING_TYPES = ["organization", "application", "workspace", "grant"] as const;
const MAX_IDS = 100;
const MAX_CREDENTIALS_PER_PRINCIPAL = 10;
const TEN_YEARS_MS = (now: Date): number => Date.UTC(now.getUTCFullYear() + 10, now.getUTCMonth(), now.getUTCDate(), now.getUTCHours(), now.getUTCMinutes(), now.getUTCSeconds());

const nowS = (): number => Math.floor(Date.now() / 1000);

/** A strict IAM body: an object, only `allowed` members, no nulls, and (PATCH) not empty. */
function strictBody(raw: unknown, allowed: readonly string[], opts: { patch: boolean }): Body {
  if (raw === undefined || !isObject(raw)) {
    if (raw === undefined && !opts.patch) return {};
    throw badRequest(opts.patch && raw === undefined ? "the request body must not be empty" : "the request body must be a JSON object");
  }
  for (const [k, v] of Object.entries(raw)) {
    if (!allowed.includes(k))
      throw badRequest(
        k === "organization_id"
          ? "organization_id is not accepted: the organization is the one of the calling IAM key"
          : `unknown field ${k}: allowed fields are ${allowed.join(", ")}`,
      );
    if (v === null) throw badRequest(`${k} must not be null (IAM fields are not cleared with null: send "" or [])`);
  }
  if (opts.patch && Object.keys(raw).length === 0) throw badRequest("the request body must change at least one field");
  return raw;
}

function readName(v: unknown, label: string): string {
  if (typeof v !== "string") throw badRequest(`${label} must be a string`);
  const name = v.trim();
  if (name.length < 1 || name.length > 128) throw badRequest(`${label} must be 1 to 128 characters (after trimming), got ${name.length}`);
  return name;
}

function readIds(app: App, v: unknown, label: string, kind: "role" | "permission"): string[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string"))
    throw badRequest(`${label} must be an array of ${kind} ids (the whole new set; [] clears it)`);
  const out = [...new Set(v as string[])];
  if (out.length > MAX_IDS) throw badRequest(`${label} can hold at most ${MAX_IDS} distinct ids, got ${out.length}`);
  const unknown = out.filter((id) => (kind === "role" ? !findRole(app, id) : !PERMISSIONS.has(id)));
  if (unknown.length) throw badRequest(`${label} contains unknown ${kind} ids: ${unknown.join(", ")}`);
  return out;
}

function readStatus(v: unknown, label: string): "active" | "disabled" {
  if (v !== "active" && v !== "disabled") throw badRequest(`${label} must be active or disabled`);
  return v;
}

function readBinding(app: App, v: unknown): Binding {
  if (!isObject(v)) throw badRequest("resource_binding must be an object {type, id}");
  for (const k of Object.keys(v)) if (k !== "type" && k !== "id") throw badRequest(`unknown field resource_binding.${k}: allowed fields are type, id`);
  if (v.type === null || v.id === null) throw badRequest("resource_binding members must not be null");
  const type = v.type;
  if (typeof type !== "string" || !(BINDING_TYPES as readonly string[]).includes(type))
    throw badRequest(`resource_binding.type must be one of: ${BINDING_TYPES.join(", ")}`);
  if (v.id !== undefined && (typeof v.id !== "string" || v.id.length === 0 || v.id.length > 256))
    throw badRequest("resource_binding.id must be a string of 1 to 256 characters");
  let id = v.id as string | undefined;
  if (type === "organization") id ??= app.meta.organization_id; // variance I7: may be omitted
  if (id === undefined) throw badRequest(`resource_binding.id is required for a ${type} binding`);
  const b: Binding = { type: type as Binding["type"], id };
  if (!bindingResolves(app, b))
    throw badRequest(`resource_binding: no ${b.type} ${id} in this ${b.type === "workspace" || b.type === "grant" ? "application" : "organization"}`);
  return b;
}

export function publicPrincipal(p: PrincipalRec, v: Variance): Record<string, unknown> {
  const binding: Record<string, unknown> = { type: p.resource_binding.type, id: p.resource_binding.id };
  if (p.resource_binding.type === "organization" && v.iamOrgBindingId === "omitted") delete binding.id; // variance I7
  return {
    id: p.id,
    organization_id: p.organization_id,
    name: p.name,
    description: p.description,
    status: p.status,
    roles: p.roles,
    direct_permissions: p.direct_permissions,
    resource_binding: binding,
    created_at: p.created_at,
    updated_at: p.updated_at,
  };
}

export function publicCredential(c: CredentialRec): Record<string, unknown> {
  return {
    id: c.id,
    principal_id: c.principal_id,
    type: c.type,
    name: c.name,
    status: c.status,
    expires_at: c.expires_at,
    created_at: c.created_at,
    updated_at: c.updated_at,
  };
}

const isActiveOrgAdmin = (p: PrincipalRec): boolean =>
  p.status === "active" && p.resource_binding.type === "organization" && p.roles.includes(IAM_ADMIN_ROLE);

export function registerIam(r: Router, app: App): void {
  const principals = app.store.col<PrincipalRec>("principals");
  const credentials = app.store.col<CredentialRec>("credentials");

  app.keyring.addResolver({ resolve: (token) => resolveIamSecret(app, token) });
  app.keyring.setApiKeyGate((caller, req) => gateIamKey(app, caller, req));

  const credentialsOf = (principalId: string): CredentialRec[] => credentials.all().filter((c) => c.principal_id === principalId);
  const requirePrincipal = (id: string): PrincipalRec => {
    const p = principals.get(id);
    if (!p) throw notFound(`principal not found: ${id}`);
    return p;
  };
  const requireCredential = (p: PrincipalRec, id: string): CredentialRec => {
    const c = credentials.get(id);
    if (!c || c.principal_id !== p.id) throw notFound(`credential not found: ${id}`);
    return c;
  };

  /** `100 + 2N`: N = distinct applications, workspaces and grants bound by the principals (after the change). */
  const principalQuota = (all: PrincipalRec[]): number => {
    const bound = new Set(all.filter((p) => p.resource_binding.type !== "organization").map((p) => `${p.resource_binding.type}:${p.resource_binding.id}`));
    return 100 + 2 * bound.size;
  };
  const activeCredentialCount = (): number => {
    const t = nowS();
    return credentials.all().filter((c) => c.status === "active" && c.expires_at > t).length;
  };

  /** The last active Organization-bound IAM Admin cannot stop being one (409; undocumented). */
  const keepLastAdmin = (cur: PrincipalRec, next: PrincipalRec | undefined): void => {
    if (!isActiveOrgAdmin(cur) || (next && isActiveOrgAdmin(next))) return;
    const others = principals.all().some((p) => p.id !== cur.id && isActiveOrgAdmin(p));
    if (!others)
      throw conflict(
        `principal ${cur.id} is the last active Organization-bound IAM Admin: it cannot be deleted, disabled, rebound or lose ${IAM_ADMIN_ROLE}; make another admin first`,
      );
  };

  const created = (ctx: Ctx, body: Record<string, unknown>) => ({ status: ctx.variance.iamCreateStatus === "200" ? 200 : 201, body });
  const patched = (ctx: Ctx, full: Record<string, unknown>, sent: Body) => ({
    body: { data: ctx.variance.iamPatchAnswer === "sparse" ? sparseUpdate(full, sent) : full },
  });
  const checkPageToken = (q: URLSearchParams): void => {
    if ((q.get("page_token") ?? "").length > 2048) throw badRequest("page_token must be at most 2048 characters");
  };

  // ---------------------------------------------------------------- principals
  r.get(
    "/v3/iam/principals",
    (ctx) => {
      const q = ctx.query;
      checkPageToken(q);
      const type = q.get("resource_binding_type");
      const id = q.get("resource_binding_id");
      if ((type === null) !== (id === null))
        throw badRequest("resource_binding_type and resource_binding_id filter only together: send both or neither");
      if (type !== null && !(BINDING_TYPES as readonly string[]).includes(type))
        throw badRequest(`resource_binding_type must be one of: ${BINDING_TYPES.join(", ")}`);
      if (id !== null && id.length > 256) throw badRequest("resource_binding_id must be at most 256 characters");
      const page = cursorPage(principals.order, q, {
        get: (pid) => principals.get(pid),
        filter: (p) => type === null || (p.resource_binding.type === type && p.resource_binding.id === id),
        ...cursorPaging(ctx.variance, "principals"),
      });
      return { body: { data: page.data.map((p) => publicPrincipal(p, ctx.variance)), next_cursor: page.next_cursor } };
    },
    { iam: "iam.principals.read" },
  );

  r.post(
    "/v3/iam/principals",
    (ctx) => {
      const b = strictBody(ctx.body, ["name", "description", "status", "roles", "direct_permissions", "resource_binding"], { patch: false });
      if (b.name === undefined) throw badRequest("name is required");
      if (b.resource_binding === undefined) throw badRequest("resource_binding is required: exactly one {type, id}");
      const description = b.description === undefined ? "" : typeof b.description === "string" ? b.description : undefined;
      if (description === undefined) throw badRequest("description must be a string");
      if (description.length > 1024) throw badRequest("description must be at most 1024 characters");
      const t = nowS();
      const p: PrincipalRec = {
        id: opaqueId(),
        organization_id: app.meta.organization_id,
        name: readName(b.name, "name"),
        description,
        status: b.status === undefined ? "active" : readStatus(b.status, "status"),
        roles: b.roles === undefined ? [] : readIds(app, b.roles, "roles", "role"),
        direct_permissions: b.direct_permissions === undefined ? [] : readIds(app, b.direct_permissions, "direct_permissions", "permission"),
        resource_binding: readBinding(app, b.resource_binding),
        created_at: t,
        updated_at: t,
      };
      const all = [...principals.all(), p];
      const quota = principalQuota(all);
      if (all.length > quota)
        throw badRequest(`object quota exceeded: an organization can have at most ${quota} principals (100 + 2 × bound resources)`);
      app.store.put("principals", p);
      return created(ctx, { data: publicPrincipal(p, ctx.variance) });
    },
    { iam: "iam.principals.create" },
  );

  r.get("/v3/iam/principals/:id", (ctx) => ({ body: { data: publicPrincipal(requirePrincipal(ctx.params.id), ctx.variance) } }), {
    iam: "iam.principals.read",
  });

  r.patch(
    "/v3/iam/principals/:id",
    (ctx) => {
      const cur = requirePrincipal(ctx.params.id);
      const b = strictBody(ctx.body, ["name", "description", "status", "roles", "direct_permissions", "resource_binding"], { patch: true });
      const next: PrincipalRec = { ...cur };
      if (b.name !== undefined) next.name = readName(b.name, "name");
      if (b.description !== undefined) {
        if (typeof b.description !== "string") throw badRequest("description must be a string");
        if (b.description.length > 1024) throw badRequest("description must be at most 1024 characters");
        next.description = b.description;
      }
      if (b.status !== undefined) next.status = readStatus(b.status, "status");
      if (b.roles !== undefined) next.roles = readIds(app, b.roles, "roles", "role");
      if (b.direct_permissions !== undefined) next.direct_permissions = readIds(app, b.direct_permissions, "direct_permissions", "permission");
      if (b.resource_binding !== undefined) next.resource_binding = readBinding(app, b.resource_binding);
      keepLastAdmin(cur, next);
      const quota = principalQuota(principals.all().map((p) => (p.id === cur.id ? next : p)));
      if (principals.size > quota) throw badRequest(`object quota exceeded: at most ${quota} principals (100 + 2 × bound resources)`);
      next.updated_at = nowS();
      app.store.put("principals", next);
      return patched(ctx, publicPrincipal(next, ctx.variance), b);
    },
    { iam: "iam.principals.update" },
  );

  r.delete(
    "/v3/iam/principals/:id",
    (ctx) => {
      const p = requirePrincipal(ctx.params.id);
      keepLastAdmin(p, undefined);
      for (const c of credentialsOf(p.id)) app.store.del("credentials", c.id);
      app.store.del("principals", p.id);
      return { body: {} };
    },
    { iam: "iam.principals.delete" },
  );

  // ---------------------------------------------------------------- credentials
  const base = "/v3/iam/principals/:id/credentials";

  r.get(
    base,
    (ctx) => {
      const p = requirePrincipal(ctx.params.id);
      checkPageToken(ctx.query);
      const order = new OrderedIds();
      for (const c of credentialsOf(p.id)) order.insert(c.id, credentials.seqOf.get(c.id)!);
      const page = cursorPage(order, ctx.query, { get: (id) => credentials.get(id), ...cursorPaging(ctx.variance, "credentials") });
      return { body: { data: page.data.map(publicCredential), next_cursor: page.next_cursor } };
    },
    { iam: "iam.credentials.read" },
  );

  r.post(
    base,
    (ctx) => {
      const p = requirePrincipal(ctx.params.id);
      const b = strictBody(ctx.body, ["name", "expires_at", "status"], { patch: false });
      if (b.name === undefined) throw badRequest("name is required");
      const name = readName(b.name, "name");
      if (b.expires_at === undefined) throw badRequest("expires_at is required: Unix seconds, after now and at most 10 years ahead");
      const exp = b.expires_at;
      if (typeof exp !== "number" || !Number.isInteger(exp)) throw badRequest("expires_at must be an integer (Unix seconds)");
      const now = new Date();
      const maxS = Math.floor(TEN_YEARS_MS(now) / 1000);
      if (exp <= Math.floor(now.getTime() / 1000)) throw badRequest(`expires_at must be in the future, got ${exp}`);
      if (exp > maxS)
        throw badRequest(
          `expires_at must be at most 10 years ahead (${maxS})${exp > 1e11 ? "; it looks like milliseconds — send Unix seconds" : ""}, got ${exp}`,
        );
      const status = b.status === undefined ? "active" : readStatus(b.status, "status");
      if (p.status !== "active") throw badRequest(`principal ${p.id} is disabled: credentials can only be created for an active principal`);
      const mine = credentialsOf(p.id).length;
      if (mine >= MAX_CREDENTIALS_PER_PRINCIPAL)
        throw badRequest(
          `object quota exceeded: principal ${p.id} already has ${mine} credentials (at most ${MAX_CREDENTIALS_PER_PRINCIPAL}, disabled and expired included); delete old ones`,
        );
      const activeQuota = 2 * principalQuota(principals.all());
      if (status === "active" && activeCredentialCount() >= activeQuota)
        throw badRequest(`object quota exceeded: an organization can have at most ${activeQuota} active credentials`);
      const secret = newSecret();
      const t = nowS();
      const c = app.store.put<CredentialRec>("credentials", {
        id: opaqueId(),
        principal_id: p.id,
        type: "api_key",
        name,
        status,
        expires_at: exp,
        created_at: t,
        updated_at: t,
        _secret_hash: secretHash(secret),
      });
      // The secret is returned here and never again (variance I4: where it sits).
      const data = publicCredential(c);
      switch (ctx.variance.iamSecretMember) {
        case "api_key":
          return created(ctx, { data: { ...data, api_key: secret } });
        case "top-level":
          return created(ctx, { data, secret });
        default:
          return created(ctx, { data: { ...data, secret } });
      }
    },
    { iam: "iam.credentials.create" },
  );

  r.get(`${base}/:cid`, (ctx) => ({ body: { data: publicCredential(requireCredential(requirePrincipal(ctx.params.id), ctx.params.cid)) } }), {
    iam: "iam.credentials.read",
  });

  r.patch(
    `${base}/:cid`,
    (ctx) => {
      const p = requirePrincipal(ctx.params.id);
      const cur = requireCredential(p, ctx.params.cid);
      const raw = isObject(ctx.body) ? ctx.body : {};
      if ("expires_at" in raw) throw badRequest("expires_at cannot be changed: create a new credential and delete this one (rotation)");
      for (const k of ["principal_id", "type", "id"]) if (k in raw) throw badRequest(`${k} cannot be changed`);
      const b = strictBody(ctx.body, ["name", "status"], { patch: true });
      const next: CredentialRec = { ...cur };
      if (b.name !== undefined) next.name = readName(b.name, "name");
      if (b.status !== undefined) {
        next.status = readStatus(b.status, "status");
        if (next.status === "active" && p.status !== "active")
          throw badRequest(`principal ${p.id} is disabled: its credentials cannot be set back to active`);
        if (next.status === "active" && cur.status !== "active" && activeCredentialCount() >= 2 * principalQuota(principals.all()))
          throw badRequest("object quota exceeded: too many active credentials in the organization");
      }
      next.updated_at = nowS();
      app.store.put("credentials", next);
      return patched(ctx, publicCredential(next), b);
    },
    { iam: "iam.credentials.update" },
  );

  r.delete(
    `${base}/:cid`,
    (ctx) => {
      const c = requireCredential(requirePrincipal(ctx.params.id), ctx.params.cid);
      app.store.del("credentials", c.id);
      return { body: {} };
    },
    { iam: "iam.credentials.delete" },
  );
}

/** Control API: seed a custom role (roles cannot be made through the public API). */
export function seedCustomRole(app: App, b: Body): Record<string, unknown> {
  const name = readName(b.name, "name");
  const permissions = readIds(app, b.permissions ?? [], "permissions", "permission");
  let id = b.id;
  if (id === undefined) id = `role_custom_${opaqueId(16)}`;
  if (typeof id !== "string" || !/^role_[A-Za-z0-9_]{1,100}$/.test(id)) throw badRequest("id must look like role_<letters, digits, _>");
  if (id.startsWith("role_system_")) throw badRequest("role_system_ ids are Nylas's system roles");
  const role = app.store.put("roles", { id, name, description: typeof b.description === "string" ? b.description : undefined, permissions, created_at: nowS() });
  return role;
}

/** Control API: move a credential's expiry (expires_at is immutable on the public API). */
export function setCredentialExpiry(app: App, credentialId: string, expiresAt: number): Record<string, unknown> {
  const c = app.store.get<CredentialRec>("credentials", credentialId);
  if (!c) throw notFound(`credential not found: ${credentialId}`);
  if (!Number.isInteger(expiresAt)) throw new ApiError(400, "invalid_request_error", "expires_at must be an integer (Unix seconds)");
  return publicCredential(app.store.put<CredentialRec>("credentials", { ...c, expires_at: expiresAt, updated_at: nowS() }));
}
