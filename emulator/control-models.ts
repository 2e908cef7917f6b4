/** Control-API routes and settings for folders, channels, plans and the application (issue 10). */
import type { App } from "./app";
import { badRequest, notFound } from "./errors";
import { setApplicationEnvironment } from "./handlers/applications";
import { ChannelRec, publicChannel, setTopicReachable } from "./handlers/channels";
import { seedCustomRole, setCredentialExpiry } from "./handlers/iam";
import { RoleRec, SYSTEM_ROLES } from "./iam";
import { PLAN_NAMES, PlanName, setSendUsage } from "./plan";
import type { Router } from "./router";
import { Body, bodyObject, now, optBool, optString } from "./validate";

/** Apply the issue-10 keys of `POST /__emulator/config`. */
export function applyModelConfig(app: App, b: Body): void {
  if ("plan" in b) {
    const v = b.plan;
    if (v !== null && !PLAN_NAMES.includes(v as PlanName)) throw badRequest(`plan must be one of: ${PLAN_NAMES.join(", ")}, or null`);
    app.config.plan = v === null ? undefined : (v as PlanName);
  }
  if ("sendQueueSeconds" in b) {
    const v = b.sendQueueSeconds;
    if (typeof v !== "number" || !(v >= 0)) throw badRequest("sendQueueSeconds must be a number >= 0");
    app.config.sendQueueSeconds = v;
  }
}

export function registerModelControls(r: Router, app: App): void {
  const none = "none" as const;

  /** Make publishes to a topic fail (SNS create verification then fails too), or succeed again. */
  r.post(
    "/__emulator/channels/topics",
    (ctx) => {
      const b = bodyObject(ctx.body);
      const topic = optString(b, "topic");
      if (!topic) throw badRequest("topic is required");
      const reachable = optBool(b, "reachable");
      if (reachable === undefined) throw badRequest("reachable (boolean) is required");
      setTopicReachable(app, topic, reachable, optString(b, "message"));
      return { body: { ok: true } };
    },
    none,
  );

  r.post(
    "/__emulator/channels/:id/status",
    (ctx) => {
      const c = app.store.get<ChannelRec>("channels", ctx.params.id);
      if (!c) throw notFound(`channel not found: ${ctx.params.id}`);
      const status = optString(bodyObject(ctx.body), "status");
      if (status !== "active" && status !== "pause" && status !== "failing" && status !== "failed")
        throw badRequest("status must be one of: active, pause, failing, failed");
      const t = now();
      const next = app.store.put<ChannelRec>("channels", { ...c, status, status_updated_at: t, updated_at: t });
      return { body: { data: publicChannel(next) } };
    },
    none,
  );

  /** IAM roles: the system roles and the custom ones seeded here (the public API cannot make roles). */
  r.get("/__emulator/iam/roles", () => ({ body: { data: [...SYSTEM_ROLES, ...app.store.col<RoleRec>("roles").all()] } }), none);
  r.post("/__emulator/iam/roles", (ctx) => ({ body: { data: seedCustomRole(app, bodyObject(ctx.body)) } }), none);

  /** `{expires_at}`: move a credential's expiry (e.g. into the past, to see the 401 of an expired key). */
  r.post(
    "/__emulator/iam/credentials/:id/expiry",
    (ctx) => ({ body: { data: setCredentialExpiry(app, ctx.params.id, bodyObject(ctx.body).expires_at as number) } }),
    none,
  );

  /** `{sent_today?, sent_this_month?}`: set the send counters the daily and monthly quotas check. */
  r.post(
    "/__emulator/grants/:grant/usage",
    (ctx) => {
      const g = app.findGrant(ctx.params.grant);
      if (!g) throw notFound(`grant not found: ${ctx.params.grant}`);
      const b = bodyObject(ctx.body);
      const count = (k: string): number | undefined => {
        if (b[k] === undefined) return undefined;
        if (typeof b[k] !== "number" || !Number.isInteger(b[k]) || (b[k] as number) < 0) throw badRequest(`${k} must be a non-negative integer`);
        return b[k] as number;
      };
      const u = setSendUsage(app, g.id, { today: count("sent_today"), month: count("sent_this_month") });
      return { body: { sent_today: u.today, sent_this_month: u.month } };
    },
    none,
  );

  /** `{environment}`: override the application's environment (`sandbox` sends 1/s, others 5/s); null = follow the plan. */
  r.post(
    "/__emulator/application",
    (ctx) => {
      const b = bodyObject(ctx.body);
      if (!("environment" in b)) throw badRequest("environment (a string, or null) is required");
      if (b.environment !== null && (typeof b.environment !== "string" || !b.environment)) throw badRequest("environment must be a non-empty string or null");
      setApplicationEnvironment(app, (b.environment as string | null) ?? undefined);
      return { body: { ok: true } };
    },
    none,
  );
}
