/** `/v3/policies…` (Nylas API v3, Policies). */
import { randomUUID } from "node:crypto";
import type { App } from "../app";
import { badRequest, notFound } from "../errors";
import { cursorPage } from "../paging";
import type { Router } from "../router";
import type { PolicyRec } from "../types";
import { validatePolicyOptions } from "./policy-options";
import { bodyObject, Body, has, isObject, now, optBool, optStringArray, reqString, checkString } from "../validate";
import { cursorPaging, sparseUpdate, type Variance } from "../variance";

/** The emulated billing plan's maxima; omitted limits come back filled with these. */
export const PLAN_LIMITS = {
  limit_attachment_size_limit: 26_214_400, // 25 MiB per attachment
  limit_attachment_count_limit: 50,
  limit_size_total_mime: 52_428_800, // 50 MiB per message
  limit_storage_total: 10_737_418_240, // 10 GiB per inbox (-1 = unlimited is also accepted)
  limit_count_daily_message_received: 10_000,
  limit_count_daily_email_sent: 10_000,
  limit_inbox_retention_period: 365, // days
  limit_spam_retention_period: 30, // days
} as const;

export const PLAN_ATTACHMENT_TYPES = [
  "image/*",
  "audio/*",
  "video/*",
  "text/plain",
  "text/csv",
  "text/html",
  "text/calendar",
  "application/pdf",
  "application/json",
  "application/zip",
  "application/msword",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.ms-excel",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/vnd.ms-powerpoint",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation",
];

const INT_LIMITS = Object.keys(PLAN_LIMITS) as (keyof typeof PLAN_LIMITS)[];

/** variance R3: the limits that accept -1 (= unlimited; the emulated plan permits it). */
const UNLIMITED_FIELDS: Record<Variance["unlimitedFields"], readonly string[]> = {
  five: [
    "limit_storage_total",
    "limit_count_daily_message_received",
    "limit_count_daily_email_sent",
    "limit_inbox_retention_period",
    "limit_spam_retention_period",
  ],
  "daily-counts": ["limit_count_daily_message_received", "limit_count_daily_email_sent"],
  storage: ["limit_storage_total"],
};

function typeAllowed(t: string): boolean {
  if (PLAN_ATTACHMENT_TYPES.includes(t)) return true;
  const m = /^([a-z]+)\/([a-z0-9.+*-]+)$/.exec(t);
  if (!m) return false;
  return m[2] !== "*" && PLAN_ATTACHMENT_TYPES.includes(`${m[1]}/*`);
}

function validateLimits(v: unknown, variance: Variance): Record<string, unknown> {
  if (!isObject(v)) throw badRequest("limits must be an object");
  const out: Record<string, unknown> = {};
  const unlimited = UNLIMITED_FIELDS[variance.unlimitedFields];
  for (const k of INT_LIMITS) {
    if (!has(v, k) || v[k] === null) continue;
    const x = v[k];
    const label = `limits.${k}`;
    if (typeof x !== "number" || !Number.isInteger(x)) throw badRequest(`${label} must be an integer`);
    if (x === -1 && unlimited.includes(k)) {
      out[k] = x;
      continue;
    }
    if (x < 0) throw badRequest(`${label} must be a non-negative integer${unlimited.includes(k) ? " (or -1 for unlimited)" : ""}`);
    if (x > PLAN_LIMITS[k]) throw badRequest(`${label} exceeds the plan maximum of ${PLAN_LIMITS[k]}`);
    out[k] = x;
  }
  if (has(v, "limit_attachment_allowed_types") && v.limit_attachment_allowed_types !== null) {
    const types = optStringArray(v, "limit_attachment_allowed_types", "limits.limit_attachment_allowed_types")!;
    const bad = types.filter((t) => !typeAllowed(t.toLowerCase()));
    if (bad.length) throw badRequest(`limits.limit_attachment_allowed_types contains types outside the plan allow-list: ${bad.join(", ")}`);
    out.limit_attachment_allowed_types = types.map((t) => t.toLowerCase());
  }
  // Inbox > spam retention, with -1 counting as unbounded (undocumented): inbox -1 with a finite spam period is
  // fine, spam -1 with a finite inbox period is not.
  const inbox = out.limit_inbox_retention_period as number | undefined;
  const spam = out.limit_spam_retention_period as number | undefined;
  if (inbox !== undefined && spam !== undefined && inbox !== -1 && (spam === -1 || !(inbox > spam)))
    throw badRequest("limits.limit_inbox_retention_period must be greater than limits.limit_spam_retention_period");
  return out;
}

function validateSpam(v: unknown): Record<string, unknown> {
  if (!isObject(v)) throw badRequest("spam_detection must be an object");
  const out: Record<string, unknown> = {};
  const dnsbl = optBool(v, "use_list_dnsbl", "spam_detection.use_list_dnsbl");
  if (dnsbl !== undefined) out.use_list_dnsbl = dnsbl;
  const hdr = optBool(v, "use_header_anomaly_detection", "spam_detection.use_header_anomaly_detection");
  if (hdr !== undefined) out.use_header_anomaly_detection = hdr;
  if (has(v, "spam_sensitivity") && v.spam_sensitivity !== null) {
    const s = v.spam_sensitivity;
    if (typeof s !== "number" || !Number.isFinite(s)) throw badRequest("spam_detection.spam_sensitivity must be a number");
    if (s < 0.1 || s > 5.0) throw badRequest("spam_detection.spam_sensitivity must be between 0.1 and 5.0");
    out.spam_sensitivity = s;
  }
  return out;
}

/** Effective limits: user values, everything omitted filled with the plan maxima. */
export function effectiveLimits(user: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of INT_LIMITS) out[k] = user[k] ?? PLAN_LIMITS[k];
  const inbox = user.limit_inbox_retention_period;
  if (user.limit_spam_retention_period === undefined && inbox !== undefined && inbox !== -1) {
    out.limit_spam_retention_period = Math.max(
      0,
      Math.min(PLAN_LIMITS.limit_spam_retention_period, (user.limit_inbox_retention_period as number) - 1),
    );
  }
  out.limit_attachment_allowed_types = user.limit_attachment_allowed_types ?? [...PLAN_ATTACHMENT_TYPES];
  return out;
}

export function publicPolicy(p: PolicyRec): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: p.id,
    name: p.name,
    application_id: p.application_id,
    organization_id: p.organization_id,
    limits: effectiveLimits(p._limits),
    spam_detection: {
      use_list_dnsbl: false,
      use_header_anomaly_detection: false,
      spam_sensitivity: 1,
      ...(p._spam_detection ?? {}),
    },
    created_at: p.created_at,
    updated_at: p.updated_at,
  };
  if (p.options !== undefined) out.options = p.options;
  if (p.rules !== undefined) out.rules = p.rules;
  return out;
}

/** Nested objects replace the stored ones (variance W5 "replace") or are merged into them field by field ("merge"). */
function readOptional(b: Body, p: Partial<PolicyRec>, v: Variance, merge = false): void {
  const m = <T extends Record<string, unknown>>(cur: T | undefined, next: T): T => (merge && cur ? { ...cur, ...next } : next);
  if (has(b, "limits") && b.limits !== null) {
    const limits = validateLimits(merge && isObject(b.limits) ? { ...p._limits, ...b.limits } : b.limits, v);
    p._limits = limits;
  }
  if (has(b, "spam_detection") && b.spam_detection !== null) p._spam_detection = m(p._spam_detection, validateSpam(b.spam_detection));
  if (has(b, "options") && b.options !== null) {
    if (!isObject(b.options)) throw badRequest("options must be an object");
    p.options = m(p.options, b.options);
  }
  if (has(b, "rules") && b.rules !== null) p.rules = optStringArray(b, "rules")!;
}

export function registerPolicies(r: Router, app: App): void {
  const col = app.store.col<PolicyRec>("policies");
  const requirePolicy = (id: string): PolicyRec => {
    const p = col.get(id);
    if (!p) throw notFound(`policy not found: ${id}`);
    return p;
  };

  r.get("/v3/policies", (ctx) => {
    const page = cursorPage(col.order, ctx.query, { get: (id) => col.get(id), ...cursorPaging(ctx.variance, "policies") });
    return { body: { data: page.data.map(publicPolicy), next_cursor: page.next_cursor } };
  });

  r.post("/v3/policies", (ctx) => {
    const b = bodyObject(ctx.body);
    const name = reqString(b, "name", { min: 1, max: 256 });
    const p: Partial<PolicyRec> = { _limits: {} };
    readOptional(b, p, ctx.variance);
    if (p.options) p.options = validatePolicyOptions(app, p.options);
    const t = now();
    const rec = app.store.put<PolicyRec>("policies", {
      ...(p as PolicyRec),
      id: randomUUID(),
      name,
      application_id: app.meta.application_id,
      organization_id: app.meta.organization_id,
      created_at: t,
      updated_at: t,
    });
    return { body: { data: publicPolicy(rec) } };
  });

  r.get("/v3/policies/:id", (ctx) => ({ body: { data: publicPolicy(requirePolicy(ctx.params.id)) } }));

  r.put("/v3/policies/:id", (ctx) => {
    const cur = requirePolicy(ctx.params.id);
    const b = bodyObject(ctx.body);
    const next: PolicyRec = { ...cur };
    if (has(b, "name") && b.name !== null) next.name = checkString(b.name, "name", { min: 1, max: 256 });
    readOptional(b, next, ctx.variance, ctx.variance.policyNestedUpdate === "merge");
    if (has(b, "options") && next.options) next.options = validatePolicyOptions(app, next.options);
    next.updated_at = now();
    app.store.put("policies", next);
    const full = publicPolicy(next);
    return { body: { data: ctx.variance.updateAnswers === "sparse" ? sparseUpdate(full, b) : full } };
  });

  r.delete("/v3/policies/:id", (ctx) => {
    const p = requirePolicy(ctx.params.id);
    // Allowed even while a workspace references it: the workspace keeps a dangling policy_id.
    app.store.del("policies", p.id);
    return { body: {} };
  });
}
