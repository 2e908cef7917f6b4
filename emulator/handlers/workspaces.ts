/** `/v3/workspaces…` (Nylas API v3, Workspaces). */
import { randomUUID } from "node:crypto";
import type { App } from "../app";
import { badRequest } from "../errors";
import type { Router } from "../router";
import type { GrantRec, PolicyRec, RuleRec, WorkspaceRec } from "../types";
import { Body, bodyObject, checkString, domainOf, has, isDomain, now, optBool, optInt, optString } from "../validate";
import { DEFAULT_VARIANCE, type Variance } from "../variance";

/** Internally a domain-less workspace has `domain: ""`; on the wire it is variance A2 (null, "" or absent). */
export function publicWorkspace(w: WorkspaceRec, v: Variance = DEFAULT_VARIANCE): Record<string, unknown> {
  const out: Record<string, unknown> = {
    workspace_id: w.id,
    application_id: w.application_id,
    name: w.name,
    auto_group: w.auto_group,
    rule_ids: w.rule_ids,
    default: w.default,
    created_at: w.created_at,
    updated_at: w.updated_at,
  };
  if (w.domain) out.domain = w.domain;
  else if (v.domainlessWorkspaceDomain !== "absent") out.domain = v.domainlessWorkspaceDomain === "null" ? null : "";
  if (w.policy_id) out.policy_id = w.policy_id;
  return out;
}

/** auto_group when a create leaves it out (variance A1). */
function defaultAutoGroup(v: Variance, domain: string): boolean {
  return v.autoGroupDefault === "true" || (v.autoGroupDefault === "if-domain" && domain !== "");
}

const MAX_ASSIGN = 500;

export function registerWorkspaces(r: Router, app: App): void {
  const col = app.store.col<WorkspaceRec>("workspaces");

  /** `undefined` = keep, `null` = detach. */
  const readPolicy = (b: Body): string | null | undefined => {
    if (!has(b, "policy_id")) return undefined;
    const v = b.policy_id;
    if (v === null) return null;
    if (typeof v !== "string") throw badRequest("policy_id must be a string or null");
    if (v === "") throw badRequest('policy_id must not be an empty string; send null to detach the policy');
    if (!app.store.get<PolicyRec>("policies", v)) throw badRequest(`policy not found: ${v}`);
    return v;
  };
  /** `undefined` = keep; `null` detaches or keeps (variance A6). */
  const readRules = (b: Body, variance: Variance): string[] | undefined => {
    if (!has(b, "rule_ids")) return undefined;
    const v = b.rule_ids;
    if (v === null) return variance.ruleIdsNull === "detach" ? [] : undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) throw badRequest("rule_ids must be an array of strings or null");
    const ids = [...new Set(v as string[])];
    const missing = ids.filter((id) => !app.store.get<RuleRec>("rules", id));
    if (missing.length) throw badRequest(`rule not found: ${missing.join(", ")}`);
    return ids;
  };

  r.get("/v3/workspaces", (ctx) => ({ body: { data: col.all().map((w) => publicWorkspace(w, ctx.variance)) } }));

  r.post("/v3/workspaces/auto-group", (ctx) => {
    const b = bodyObject(ctx.body);
    const after = optInt(b, "after_created_at", { min: 0 });
    const invalidAlso = optBool(b, "invalid_also") ?? false;
    const specific = optString(b, "specific_domain")?.trim().toLowerCase();
    let moved = 0;
    const t = now();
    for (const g of app.store.col<GrantRec>("grants").all()) {
      if (after !== undefined && g.created_at < after) continue;
      if (!invalidAlso && g.grant_status !== "valid") continue;
      const d = domainOf(g.email);
      if (specific && d !== specific) continue;
      // only grants sitting in the default workspace (or in none) are regrouped
      if (g.workspace_id && g.workspace_id !== app.defaultWorkspaceId) continue;
      const wid = app.idx.workspaceByDomain.get(d);
      const w = wid ? col.get(wid) : undefined;
      if (!w || !w.auto_group || w.id === g.workspace_id) continue;
      app.store.put<GrantRec>("grants", { ...g, workspace_id: w.id, updated_at: t });
      moved++;
    }
    return {
      body: { data: { job_id: randomUUID(), message: `auto-group job completed: ${moved} grant(s) assigned` } },
    };
  });

  r.post("/v3/workspaces", (ctx) => {
    const b = bodyObject(ctx.body);
    const name = optString(b, "name", { min: 1, max: 256 });
    if (!name) throw badRequest("name is required");
    // A workspace need not have a domain [changelog 2026-09-24] (variance A3).
    const rawDomain = optString(b, "domain");
    if (!rawDomain && ctx.variance.workspaceWithoutDomain === "refused") throw badRequest("domain is required");
    const domain = rawDomain ? rawDomain.trim().toLowerCase() : "";
    if (domain && !isDomain(domain)) throw badRequest(`domain is not a valid domain name: ${rawDomain}`);
    if (domain && app.idx.workspaceByDomain.has(domain))
      throw badRequest(`a workspace for domain ${domain} already exists in this application`);
    const auto = optBool(b, "auto_group") ?? defaultAutoGroup(ctx.variance, domain);
    if (auto && !domain) throw badRequest("auto_group: true needs a domain: a workspace without a domain never collects grants");
    const policy = readPolicy(b);
    const rules = readRules(b, ctx.variance) ?? [];
    const t = now();
    const w = app.store.put<WorkspaceRec>("workspaces", {
      id: randomUUID(),
      name,
      domain,
      auto_group: auto,
      policy_id: policy ?? undefined,
      rule_ids: rules,
      default: false,
      application_id: app.meta.application_id,
      created_at: t,
      updated_at: t,
    });
    return { body: { data: publicWorkspace(w, ctx.variance) } };
  });

  r.get("/v3/workspaces/:id", (ctx) => ({ body: { data: publicWorkspace(app.resolveWorkspace(ctx.params.id, ctx.variance, true), ctx.variance) } }));

  // PATCH takes the UUID only [sdk].
  r.patch("/v3/workspaces/:id", (ctx) => {
    const cur = app.resolveWorkspace(ctx.params.id, ctx.variance, false);
    const b = bodyObject(ctx.body);
    const sentDomain = b.domain === null || b.domain === undefined ? "" : typeof b.domain === "string" ? b.domain.trim().toLowerCase() : undefined;
    if (has(b, "domain") && sentDomain !== cur.domain)
      throw badRequest(
        cur.domain ? "domain cannot be changed; create a new workspace instead" : "a domain cannot be added to a workspace created without one",
      );
    const next: WorkspaceRec = { ...cur };
    if (has(b, "name") && b.name !== null) {
      const name = checkString(b.name, "name", { min: 1, max: 256 });
      if (cur.default && name !== cur.name)
        throw badRequest("only policy_id and rule_ids can be changed on the default workspace");
      next.name = name;
    }
    const auto = optBool(b, "auto_group");
    if (auto !== undefined) {
      if (cur.default && auto !== cur.auto_group)
        throw badRequest("only policy_id and rule_ids can be changed on the default workspace");
      if (auto && !cur.domain) throw badRequest("auto_group: true needs a domain: a workspace without a domain never collects grants");
      next.auto_group = auto;
    }
    const policy = readPolicy(b);
    if (policy === null) delete next.policy_id;
    else if (policy !== undefined) next.policy_id = policy;
    const rules = readRules(b, ctx.variance);
    if (rules !== undefined) next.rule_ids = rules;
    next.updated_at = now();
    app.store.put("workspaces", next);
    return { body: { data: publicWorkspace(next, ctx.variance) } };
  });

  r.delete("/v3/workspaces/:id", (ctx) => {
    const w = app.resolveWorkspace(ctx.params.id, ctx.variance, true);
    if (w.default) throw badRequest("the default workspace cannot be deleted");
    const t = now();
    for (const g of app.store.col<GrantRec>("grants").all()) {
      if (g.workspace_id === w.id)
        app.store.put<GrantRec>("grants", { ...g, workspace_id: app.defaultWorkspaceId, updated_at: t });
    }
    app.store.del("workspaces", w.id);
    return { body: {} };
  });

  r.post("/v3/workspaces/:id/manual-assign", (ctx) => {
    const w = app.resolveWorkspace(ctx.params.id, ctx.variance, true);
    // Only a workspace that does not auto-group takes grants by hand (variance A4).
    if (w.auto_group && ctx.variance.manualAssignIntoAutoGroup === "rejected")
      throw badRequest(
        `workspace ${w.id} has auto_group enabled; manual-assign needs a workspace with auto_group: false (or move the grant with PATCH /v3/grants/{id} workspace_id)`,
      );
    const b = bodyObject(ctx.body);
    const readIds = (k: string): string[] => {
      if (!has(b, k) || b[k] === null) return [];
      const v = b[k];
      if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) throw badRequest(`${k} must be an array of grant IDs`);
      if (v.length > MAX_ASSIGN) throw badRequest(`${k} accepts at most ${MAX_ASSIGN} grant IDs per request`);
      return v as string[];
    };
    const assign = readIds("assign_grants");
    const remove = readIds("remove_grants");
    if (assign.length + remove.length === 0)
      throw badRequest("at least one grant ID is required in assign_grants or remove_grants");
    const resolve = (ids: string[]): GrantRec[] => {
      const missing: string[] = [];
      const out = ids.map((id) => {
        const g = app.findGrant(id);
        if (!g) missing.push(id);
        return g!;
      });
      if (missing.length) throw badRequest(`grant not found: ${missing.join(", ")}`);
      return out;
    };
    const toAssign = resolve(assign);
    const toRemove = resolve(remove);
    const t = now();
    const removed: string[] = [];
    for (const g0 of toRemove) {
      const g = app.store.get<GrantRec>("grants", g0.id)!;
      if (g.workspace_id !== w.id) continue;
      const next: GrantRec = { ...g, updated_at: t };
      delete next.workspace_id; // the grant ends up in no workspace at all
      app.store.put("grants", next);
      removed.push(g.id);
    }
    const assigned: string[] = [];
    for (const g0 of toAssign) {
      const g = app.store.get<GrantRec>("grants", g0.id)!;
      if (g.workspace_id === w.id) continue;
      app.store.put<GrantRec>("grants", { ...g, workspace_id: w.id, updated_at: t });
      assigned.push(g.id);
    }
    // Only the ids that changed; null when none did (variance W4).
    const changed = (ids: string[]): string[] | null => (ids.length === 0 && ctx.variance.manualAssignUnchanged === "null" ? null : ids);
    const shown = publicWorkspace(w, ctx.variance);
    return {
      body: {
        data: {
          application_id: app.meta.application_id,
          workspace_id: w.id,
          domain: shown.domain,
          grants_assigned: changed(assigned),
          grants_removed: changed(removed),
        },
      },
    };
  });
}
