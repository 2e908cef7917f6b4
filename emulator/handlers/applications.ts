/**
 * `GET/PATCH /v3/applications` (Nylas API v3 Applications): the application of the API key.
 * `default_workspace_id` is read-only (Nylas manages it and ignores it in updates); each nested object sent
 * replaces the stored one; `additional_settings` is write-only.
 */
import type { App } from "../app";
import { badRequest } from "../errors";
import { currentPlan } from "../plan";
import type { Router } from "../router";
import { Body, bodyObject, has, isObject, now } from "../validate";

export interface ApplicationRec {
  id: "app";
  branding: Record<string, string>;
  hosted_authentication?: Record<string, string>;
  callback_uris: Record<string, unknown>[];
  idp_settings?: Record<string, string>;
  /** Write-only (stripped from every answer). */
  _additional_settings?: Record<string, unknown>;
  /** Control-API override of the environment (else it follows the plan). */
  _environment?: string;
  created_at: number;
  updated_at: number;
  [k: string]: unknown;
}

const BRANDING_FIELDS = ["name", "icon_url", "website_url", "description"];
const HOSTED_AUTH_FIELDS = [
  "background_image_url",
  "alignment",
  "color_primary",
  "color_secondary",
  "title",
  "subtitle",
  "background_color",
  "spacing",
  "terms_of_service_url",
  "privacy_policy_url",
];
const PLATFORMS = ["web", "desktop", "js", "ios", "android"];

export function applicationRecord(app: App): ApplicationRec {
  const existing = app.store.get<ApplicationRec>("application", "app");
  if (existing) return existing;
  const t = now();
  return app.store.put<ApplicationRec>("application", {
    id: "app",
    branding: { name: "Nylas emulator application" },
    callback_uris: [],
    created_at: t,
    updated_at: t,
  });
}

/** `sandbox` on the Free plan, else `production` (inferred mapping; the control API can override). */
export function applicationEnvironment(app: App): string {
  return applicationRecord(app)._environment ?? (currentPlan(app)?.environment ?? "production");
}

export function publicApplication(app: App): Record<string, unknown> {
  const a = applicationRecord(app);
  const out: Record<string, unknown> = {
    application_id: app.meta.application_id,
    organization_id: app.meta.organization_id,
    region: "us",
    environment: applicationEnvironment(app),
    default_workspace_id: app.defaultWorkspaceId,
    branding: a.branding,
    hosted_authentication: a.hosted_authentication,
    callback_uris: a.callback_uris.length ? a.callback_uris : undefined,
    idp_settings: a.idp_settings,
    created_at: a.created_at,
    updated_at: a.updated_at,
  };
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k]; // omitted when empty
  return out;
}

function stringObject(v: unknown, label: string, fields: string[]): Record<string, string> {
  if (!isObject(v)) throw badRequest(`${label} must be an object`);
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) {
    if (!fields.includes(k)) throw badRequest(`${label}.${k} is not a known field (allowed: ${fields.join(", ")})`);
    if (x === null || x === undefined) continue;
    if (typeof x !== "string") throw badRequest(`${label}.${k} must be a string`);
    out[k] = x;
  }
  return out;
}

function readCallbackUris(v: unknown): Record<string, unknown>[] {
  if (!Array.isArray(v)) throw badRequest("callback_uris must be an array of {url, platform}");
  return v.map((c: unknown, i: number) => {
    const label = `callback_uris[${i}]`;
    if (!isObject(c) || typeof c.url !== "string" || !c.url) throw badRequest(`${label}.url is required`);
    const platform = c.platform ?? "web";
    if (typeof platform !== "string" || !PLATFORMS.includes(platform))
      throw badRequest(`${label}.platform must be one of: ${PLATFORMS.join(", ")}`);
    const out: Record<string, unknown> = { id: typeof c.id === "string" ? c.id : `cb_${i + 1}`, url: c.url, platform };
    if (isObject(c.settings)) out.settings = c.settings;
    return out;
  });
}

export function registerApplications(r: Router, app: App): void {
  r.get("/v3/applications", () => ({ body: { data: publicApplication(app) } }));

  r.patch("/v3/applications", (ctx) => {
    const b: Body = bodyObject(ctx.body);
    const next: ApplicationRec = { ...applicationRecord(app) };
    // Nested objects replace the stored ones wholesale; read-only fields (ids, region, environment,
    // default_workspace_id) are ignored as Nylas ignores them.
    if (has(b, "branding") && b.branding !== null) next.branding = stringObject(b.branding, "branding", BRANDING_FIELDS);
    if (has(b, "hosted_authentication") && b.hosted_authentication !== null) {
      const h = stringObject(b.hosted_authentication, "hosted_authentication", HOSTED_AUTH_FIELDS);
      if (h.alignment !== undefined && !["left", "center", "right"].includes(h.alignment))
        throw badRequest("hosted_authentication.alignment must be one of: left, center, right");
      next.hosted_authentication = h;
    }
    if (has(b, "callback_uris") && b.callback_uris !== null) next.callback_uris = readCallbackUris(b.callback_uris);
    if (has(b, "idp_settings") && b.idp_settings !== null) next.idp_settings = stringObject(b.idp_settings, "idp_settings", ["origins", "issuers"]);
    if (has(b, "additional_settings") && b.additional_settings !== null) {
      if (!isObject(b.additional_settings)) throw badRequest("additional_settings must be an object");
      next._additional_settings = b.additional_settings;
    }
    next.updated_at = now();
    app.store.put("application", next);
    // variance W7: the spec's answer schema is {success: true, data: Application}; the SDKs read {request_id, data}.
    const data = publicApplication(app);
    return { body: ctx.variance.applicationPatchAnswer === "success" ? { success: true, data } : { data } };
  });
}

/** Control API: set the application's environment (sends/second are pooled per environment). */
export function setApplicationEnvironment(app: App, environment: string | undefined): void {
  const a = applicationRecord(app);
  app.store.put<ApplicationRec>("application", { ...a, _environment: environment, updated_at: now() });
}
