/** Connectors, `/v3/connect/custom` (Agent Accounts) and `/v3/grants`. */
import { randomBytes, randomUUID, scrypt, timingSafeEqual } from "node:crypto";
import { App, GRANT_SCOPED, publicFields } from "../app";
import { badRequest, conflict, notFound } from "../errors";
import { agentAccountCount, checkPlanCount } from "../plan";
import type { Router } from "../router";
import type { ConnectorRec, GrantRec, WorkspaceRec } from "../types";
import {
  bodyObject,
  checkString,
  domainOf,
  has,
  isEmail,
  isObject,
  now,
  optString,
  optStringArray,
  queryInt,
} from "../validate";

const PROVIDERS = ["google", "microsoft", "imap", "icloud", "yahoo", "ews", "virtual-calendar", "zoom", "nylas"];

export function publicConnector(c: ConnectorRec): Record<string, unknown> {
  return { name: c.name, provider: c.provider, settings: c.settings, scope: c.scope };
}

export function publicGrant(g: GrantRec): Record<string, unknown> {
  return publicFields(g);
}

/** app_password: 18–40 chars, printable ASCII 33–126, ≥1 upper, ≥1 lower, ≥1 digit. */
export function validateAppPassword(v: unknown): string {
  if (typeof v !== "string") throw badRequest("settings.app_password must be a string");
  if (v.length < 18 || v.length > 40) throw badRequest("settings.app_password must be between 18 and 40 characters");
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 33 || c > 126)
      throw badRequest("settings.app_password may only contain printable ASCII characters (codes 33-126, no spaces)");
  }
  if (!/[A-Z]/.test(v) || !/[a-z]/.test(v) || !/[0-9]/.test(v))
    throw badRequest(
      "settings.app_password must contain at least one uppercase letter, one lowercase letter and one digit",
    );
  return v;
}

const SCRYPT_N = 4096;

export function hashPassword(pw: string): Promise<string> {
  const salt = randomBytes(16);
  return new Promise((resolve, reject) =>
    scrypt(pw, salt, 32, { N: SCRYPT_N, r: 8, p: 1 }, (err, key) =>
      err ? reject(err) : resolve(`scrypt$${SCRYPT_N}$${salt.toString("base64")}$${key.toString("base64")}`),
    ),
  );
}

export function verifyPassword(pw: string, hash: string): Promise<boolean> {
  const [kind, n, salt, key] = hash.split("$");
  if (kind !== "scrypt") return Promise.resolve(false);
  const expected = Buffer.from(key, "base64");
  return new Promise((resolve) =>
    scrypt(pw, Buffer.from(salt, "base64"), expected.length, { N: Number(n), r: 8, p: 1 }, (err, got) =>
      resolve(!err && timingSafeEqual(got, expected)),
    ),
  );
}

/** Remove a grant and everything that hangs off it (messages, threads, folders, signatures, rule evaluations, idempotency records). */
export function deleteGrantCascade(app: App, g: GrantRec): void {
  for (const c of GRANT_SCOPED) for (const id of [...app.idx.grantIds(c, g.id).ids]) app.store.del(c, id);
  const msgs = app.idx.messagesByGrant.get(g.id);
  if (msgs) for (const id of [...msgs.ids]) app.store.del("messages", id);
  const threads = app.idx.threadsByGrant.get(g.id);
  if (threads) for (const id of [...threads.ids]) app.store.del("threads", id);
  for (const rec of app.store.col("idempotency").all()) {
    if (rec.id.startsWith(`${g.id}\n`)) app.store.del("idempotency", rec.id);
  }
  app.store.del("grants", g.id);
}

export function registerGrants(r: Router, app: App): void {
  // ---------------------------------------------------------------- connectors
  // limit/offset paging, as the spec has it (the CLI makes one unpaged call); no default limit is
  // stated, so an unpaged call gets them all.
  r.get("/v3/connectors", (ctx) => {
    const all = app.store.col<ConnectorRec>("connectors").all();
    const offset = queryInt(ctx.query, "offset", 0, { min: 0 });
    const limit = queryInt(ctx.query, "limit", all.length || 1, { min: 1 });
    return { body: { data: all.slice(offset, offset + limit).map(publicConnector) } };
  });

  r.post("/v3/connectors", (ctx) => {
    const b = bodyObject(ctx.body);
    const provider = optString(b, "provider");
    if (!provider) throw badRequest("provider is required");
    if (!PROVIDERS.includes(provider)) throw badRequest(`provider must be one of: ${PROVIDERS.join(", ")}`);
    const name = optString(b, "name", { min: 1, max: 256 }) ?? provider;
    if (has(b, "settings") && !isObject(b.settings)) throw badRequest("settings must be an object");
    const scope = optStringArray(b, "scope") ?? [];
    if (app.store.get("connectors", provider)) throw conflict(`a connector for provider ${provider} already exists`);
    const t = now();
    const settings = { ...((b.settings as Record<string, unknown>) ?? {}) };
    delete settings.client_secret;
    const c = app.store.put<ConnectorRec>("connectors", {
      id: provider,
      provider,
      name,
      settings,
      scope,
      created_at: t,
      updated_at: t,
    });
    return { body: { data: publicConnector(c) } };
  });

  r.get("/v3/connectors/:provider", (ctx) => {
    const c = app.store.get<ConnectorRec>("connectors", ctx.params.provider);
    if (!c) throw notFound(`connector not found: ${ctx.params.provider}`);
    return { body: { data: publicConnector(c) } };
  });

  r.patch("/v3/connectors/:provider", (ctx) => {
    const c = app.store.get<ConnectorRec>("connectors", ctx.params.provider);
    if (!c) throw notFound(`connector not found: ${ctx.params.provider}`);
    const b = bodyObject(ctx.body);
    const name = optString(b, "name", { min: 1, max: 256 });
    if (has(b, "settings") && !isObject(b.settings)) throw badRequest("settings must be an object");
    const scope = optStringArray(b, "scope");
    const next = app.store.put<ConnectorRec>("connectors", {
      ...c,
      name: name ?? c.name,
      settings: has(b, "settings") ? { ...(b.settings as Record<string, unknown>) } : c.settings,
      scope: scope ?? c.scope,
      updated_at: now(),
    });
    return { body: { data: publicConnector(next) } };
  });

  r.delete("/v3/connectors/:provider", (ctx) => {
    const c = app.store.get<ConnectorRec>("connectors", ctx.params.provider);
    if (!c) throw notFound(`connector not found: ${ctx.params.provider}`);
    app.store.del("connectors", c.id);
    return { body: {} };
  });

  // ---------------------------------------------------------------- connect/custom
  r.post("/v3/connect/custom", async (ctx) => {
    const b = bodyObject(ctx.body);
    const provider = optString(b, "provider");
    if (!provider) throw badRequest("provider is required");
    if (provider !== "nylas") {
      if (PROVIDERS.includes(provider))
        throw badRequest(`the emulator only supports Bring-Your-Own authentication for provider "nylas" (Agent Accounts)`);
      throw badRequest(`provider must be one of: ${PROVIDERS.join(", ")}`);
    }
    if (!has(b, "settings") || b.settings === null) throw badRequest("settings is required");
    if (!isObject(b.settings)) throw badRequest("settings must be an object");
    const settings = b.settings;
    if (!has(settings, "email") || settings.email === "") throw badRequest("settings.email is required");
    const rawEmail = checkString(settings.email, "settings.email").trim();
    if (!isEmail(rawEmail)) throw badRequest(`settings.email is not a valid email address: ${rawEmail}`);
    const email = rawEmail.toLowerCase();
    const password = has(settings, "app_password") && settings.app_password !== null ? validateAppPassword(settings.app_password) : undefined;
    const name = has(b, "name") && b.name !== null ? checkString(b.name, "name", { min: 1, max: 256 }) : undefined;
    let workspaceId: string | undefined;
    if (has(b, "workspace_id") && b.workspace_id !== null) {
      workspaceId = checkString(b.workspace_id, "workspace_id", { min: 1 });
      app.requireWorkspace(workspaceId, 400);
    }
    if (!app.store.get("connectors", "nylas"))
      throw badRequest(
        'no connector for provider "nylas" exists for this application; create one first with POST /v3/connectors {"provider":"nylas"}',
      );
    const domain = domainOf(email);
    const dom = app.findDomain(domain);
    if (!dom)
      throw badRequest(
        `the domain ${domain} is not registered for this application; register (and verify) it before creating Agent Accounts on it`,
      );
    if (app.config.requireVerifiedDomain && !dom.verified_ownership)
      throw badRequest(`the domain ${domain} has not been verified (ownership)`);

    const existing = app.grantByEmail(email);
    if (existing) {
      // Re-authenticating an existing address returns the existing grant (BYO-auth semantics, variance N5).
      if (existing.provider !== "nylas" || ctx.variance.connectExistingEmail === "conflict")
        throw conflict(`a grant for ${email} already exists (${existing.id}, provider ${existing.provider})`);
      let g = existing;
      if (password !== undefined) {
        g = app.store.put<GrantRec>("grants", { ...existing, _app_password_hash: await hashPassword(password), updated_at: now() });
      }
      return { status: 200, body: { data: publicGrant(g) } };
    }

    // Workspace assignment: explicit → auto_group workspace for the domain → default workspace.
    if (!workspaceId) {
      const wid = app.idx.workspaceByDomain.get(domain);
      const w = wid ? app.store.get<WorkspaceRec>("workspaces", wid) : undefined;
      workspaceId = w && w.auto_group ? w.id : app.defaultWorkspaceId;
    }
    checkPlanCount(app, "accounts", () => agentAccountCount(app));
    const hash = password !== undefined ? await hashPassword(password) : undefined;
    if (app.grantByEmail(email)) throw conflict(`a concurrent request created ${email}; retry`);
    checkPlanCount(app, "accounts", () => agentAccountCount(app)); // again: the hash was awaited
    const storedSettings: Record<string, unknown> = { ...settings, email };
    delete storedSettings.app_password;
    const t = now();
    const g = app.store.put<GrantRec>("grants", {
      id: randomUUID(),
      provider: "nylas",
      email,
      name,
      grant_status: "valid",
      scope: [],
      settings: storedSettings,
      workspace_id: workspaceId,
      blocked: false,
      created_at: t,
      updated_at: t,
      _app_password_hash: hash,
    });
    app.emit("grant.created", grantEventObject(g));
    return { status: 201, body: { data: publicGrant(g) } };
  });

  // ---------------------------------------------------------------- grants
  r.get("/v3/grants", (ctx) => {
    const q = ctx.query;
    const v = ctx.variance;
    // variance E4: a server-side page cap, reported in the answer's `limit`.
    const asked = queryInt(q, "limit", 10, { min: 1 });
    const limit = v.offsetPageSize ? Math.min(asked, v.offsetPageSize) : asked;
    const offset = queryInt(q, "offset", 0, { min: 0 });
    const provider = q.get("provider") || undefined;
    const email = q.get("email")?.trim().toLowerCase() || undefined;
    const workspace = q.get("workspace_id") || undefined;
    const status = q.get("grant_status") || undefined;
    const since = q.has("since") ? queryInt(q, "since", 0) : undefined;
    const before = q.has("before") ? queryInt(q, "before", 0) : undefined;
    const sortBy = q.get("sort_by") || "created_at";
    if (sortBy !== "created_at" && sortBy !== "updated_at") throw badRequest("sort_by must be created_at or updated_at");
    const orderBy = q.get("order_by") || "desc";
    if (orderBy !== "asc" && orderBy !== "desc") throw badRequest("order_by must be asc or desc");
    // variance E7: filtered listings lag freshly created grants; the unfiltered one does not.
    const filtered = !!(provider || email || workspace || status);
    const lagFrom = filtered && v.grantFilterLagSeconds > 0 ? now() - v.grantFilterLagSeconds : undefined;
    const filter = (g: GrantRec): boolean =>
      (lagFrom === undefined || g.created_at < lagFrom) &&
      (!provider || g.provider === provider) &&
      (!email || g.email === email) &&
      (!workspace || g.workspace_id === workspace) &&
      (!status || g.grant_status === status) &&
      (since === undefined || g.created_at >= since) &&
      (before === undefined || g.created_at < before);
    const col = app.store.col<GrantRec>("grants");
    const data: GrantRec[] = [];
    if (email && !provider && !workspace && !status) {
      const g = app.grantByEmail(email);
      if (g && filter(g) && offset === 0) data.push(g);
    } else if (sortBy === "created_at") {
      // creation order == seq order; walk without sorting
      const ids = col.order.ids;
      let skipped = 0;
      const step = orderBy === "desc" ? -1 : 1;
      for (let i = orderBy === "desc" ? ids.length - 1 : 0; i >= 0 && i < ids.length && data.length < limit; i += step) {
        const g = col.get(ids[i]);
        if (!g || !filter(g)) continue;
        if (skipped < offset) {
          skipped++;
          continue;
        }
        data.push(g);
      }
    } else {
      const all = col.all().filter(filter);
      all.sort((a, b) => (orderBy === "desc" ? b.updated_at - a.updated_at : a.updated_at - b.updated_at));
      data.push(...all.slice(offset, offset + limit));
    }
    return { body: { data: data.map(publicGrant), limit, offset } };
  });

  r.get("/v3/grants/:grant", (ctx) => ({ body: { data: publicGrant(app.requireGrantById(ctx.params.grant, ctx.variance)) } }));

  r.patch("/v3/grants/:grant", async (ctx) => {
    const g = app.requireGrantById(ctx.params.grant, ctx.variance);
    const b = bodyObject(ctx.body);
    let next: GrantRec = { ...g };
    if (has(b, "name") && b.name !== null) next.name = checkString(b.name, "name", { min: 1, max: 256 });
    if (has(b, "scope") && b.scope !== null) next.scope = optStringArray(b, "scope")!;
    // workspace_id moves the grant into any workspace of the application; null is ignored (it cannot
    // unassign) [changelog 2026-09-24]. Into an auto_group workspace: variance A5.
    if (has(b, "workspace_id") && b.workspace_id !== null && b.workspace_id !== g.workspace_id) {
      const wid = checkString(b.workspace_id, "workspace_id", { min: 1 });
      const w = app.store.get<WorkspaceRec>("workspaces", wid);
      if (!w) throw badRequest(`workspace not found: ${wid}`);
      if (w.auto_group && ctx.variance.grantMoveIntoAutoGroup === "rejected")
        throw badRequest(`workspace ${wid} has auto_group enabled; grants can only be assigned by hand to workspaces with auto_group: false`);
      next.workspace_id = w.id;
    }
    if (has(b, "settings") && b.settings !== null) {
      if (!isObject(b.settings)) throw badRequest("settings must be an object");
      const s = b.settings;
      // settings is replaced wholesale, so it must always carry the account email
      if (!has(s, "email") || s.email === "")
        throw badRequest("settings.email is required: settings is replaced as a whole, re-send the current email");
      const em = checkString(s.email, "settings.email").trim().toLowerCase();
      if (em !== g.email) throw badRequest("email cannot be changed; create a new Agent Account instead");
      const stored: Record<string, unknown> = { ...s, email: g.email };
      delete stored.app_password;
      next.settings = stored;
      if (has(s, "app_password") && s.app_password !== null) {
        next._app_password_hash = await hashPassword(validateAppPassword(s.app_password));
      } else if (ctx.variance.settingsWithoutAppPassword === "clear") {
        // variance W6 "clear": the stored settings (app password included) are replaced by what was sent
        delete next._app_password_hash;
      }
    }
    const cur = app.store.get<GrantRec>("grants", g.id);
    if (!cur) throw notFound(`grant not found: ${ctx.params.grant}`);
    next = { ...next, updated_at: now() };
    app.store.put("grants", next);
    app.emit("grant.updated", grantEventObject(next));
    return { body: { data: publicGrant(next) } };
  });

  r.delete("/v3/grants/:grant", (ctx) => {
    const g = app.requireGrantById(ctx.params.grant, ctx.variance);
    deleteGrantCascade(app, g);
    app.emit("grant.deleted", grantEventObject(g));
    return { body: {} };
  });
}

export function grantEventObject(g: GrantRec): Record<string, unknown> {
  return {
    grant_id: g.id,
    provider: g.provider,
    email: g.email,
    workspace_id: g.workspace_id,
  };
}
