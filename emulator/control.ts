/** The `/__emulator/` control API (no auth; only mounted when `control` is enabled). */
import type { App } from "./app";
import { publicFields } from "./app";
import { badRequest, notFound } from "./errors";
import { Faults, parseFaultRules } from "./faults";
import { applyModelConfig, registerModelControls } from "./control-models";
import { grantFolders, publicFolder } from "./handlers/folders";
import { ChannelRec, publicChannel } from "./handlers/channels";
import { publicSignature, SignatureRec } from "./handlers/signatures";
import { publicApplication } from "./handlers/applications";
import { publicCredential, publicPrincipal } from "./handlers/iam";
import type { CredentialRec, PrincipalRec } from "./iam";
import { publicRuleEvaluation, RuleEvaluationRec } from "./handlers/rule-evaluations";
import { publicConnector, publicGrant, verifyPassword } from "./handlers/grants";
import { publicList } from "./handlers/lists";
import { publicPolicy } from "./handlers/policies";
import { publicWorkspace } from "./handlers/workspaces";
import { publicDomain } from "./handlers/domains";
import { injectFromJson, replyToOutbox } from "./inject";
import { publicMessage, publicThread } from "./mailbox";
import { listOutbox, type OutboxRec } from "./outbox";
import { Router } from "./router";
import type {
  ConnectorRec,
  DomainRec,
  GrantRec,
  ListItemRec,
  ListRec,
  MessageRec,
  PolicyRec,
  RuleRec,
  ThreadRec,
  WebhookRec,
  WorkspaceRec,
} from "./types";
import { DOMAIN_VERIFICATION_TYPES } from "./types";
import { bodyObject, isDomain, isEmail, now, optBool, optString } from "./validate";
import { DEFAULT_VARIANCE, parseProfile, parseSwitches, profileOf, profileVariance, SWITCHES } from "./variance";

export interface RequestLogEntry {
  method: string;
  path: string;
  query: string;
  status: number;
  ts: number;
}

export interface ControlDeps {
  app: App;
  faults: Faults;
  requests: RequestLogEntry[];
  onConfigChange(): void;
}

export function controlRouter(deps: ControlDeps): Router {
  const { app, faults } = deps;
  const r = new Router();
  const none = "none" as const;

  r.get("/__emulator/health", () => ({ body: { ok: true } }), none);

  r.get("/__emulator/faults", () => ({ body: { rules: faults.list() } }), none);
  r.post(
    "/__emulator/faults",
    (ctx) => {
      faults.add(parseFaultRules(ctx.body));
      return { body: { rules: faults.list() } };
    },
    none,
  );
  r.delete(
    "/__emulator/faults",
    () => {
      faults.clear();
      return { body: { rules: [] } };
    },
    none,
  );

  r.get("/__emulator/requests", () => ({ body: { requests: deps.requests } }), none);
  r.delete(
    "/__emulator/requests",
    () => {
      deps.requests.length = 0;
      return { body: { requests: [] } };
    },
    none,
  );

  r.get("/__emulator/deliveries", () => ({ body: { deliveries: app.deliverer.log } }), none);
  // Waits until every delivery so far has had all its attempts (none in flight, no retry pending).
  r.post("/__emulator/deliveries/settle", async () => (await app.deliverer.idle(), { body: { deliveries: app.deliverer.log } }), none);
  r.delete(
    "/__emulator/deliveries",
    () => {
      app.deliverer.clearLog();
      return { body: { deliveries: [] } };
    },
    none,
  );

  r.post(
    "/__emulator/reset",
    () => {
      app.reset();
      faults.clear();
      deps.requests.length = 0;
      deps.onConfigChange();
      return { body: { ok: true } };
    },
    none,
  );

  r.get("/__emulator/config", () => ({ body: { config: app.config } }), none);
  r.post(
    "/__emulator/config",
    (ctx) => {
      const b = bodyObject(ctx.body);
      if ("rateLimitPerSecond" in b) {
        const v = b.rateLimitPerSecond;
        if (v !== null && (typeof v !== "number" || v <= 0)) throw badRequest("rateLimitPerSecond must be a positive number or null");
        app.config.rateLimitPerSecond = v === null ? undefined : (v as number);
      }
      for (const k of ["webhookChallenge", "requireVerifiedDomain", "uniqueWebhookUrls", "notifySentMessages"] as const) {
        const v = optBool(b, k);
        if (v !== undefined) app.config[k] = v;
      }
      if ("dnsbl" in b) {
        const v = b.dnsbl;
        if (!Array.isArray(v) || v.some((d) => typeof d !== "string" || !d.trim()))
          throw badRequest("dnsbl must be an array of domains or IP addresses");
        app.config.dnsbl = (v as string[]).map((d) => d.trim().toLowerCase());
      }
      applyModelConfig(app, b);
      // Older names of two variance switches, kept so existing callers keep working.
      const retry = optBool(b, "retryAfterOnRateLimit");
      if (retry !== undefined) app.variance.retryAfterOn429 = retry;
      if ("rulesListEnvelope" in b) {
        const v = b.rulesListEnvelope;
        if (v !== "array" && v !== "items") throw badRequest('rulesListEnvelope must be "array" or "items"');
        app.variance.rulesEnvelope = v === "items" ? "nested-top-cursor" : "flat";
      }
      deps.onConfigChange();
      return { body: { config: app.config } };
    },
    none,
  );

  // Variance: GET the switches in force; POST {profile?, switches?} = profile (or the current
  // switches) with the given switches overridden.
  const varianceBody = () => ({
    profile: profileOf(app.variance),
    switches: { ...app.variance },
    catalogue: Object.fromEntries(
      Object.entries(SWITCHES).map(([name, s]) => [name, { id: s.id, default: s.default, harsh: s.harsh, values: "values" in s ? s.values : undefined, doc: s.doc }]),
    ),
  });
  r.get("/__emulator/variance", () => ({ body: varianceBody() }), none);
  r.post(
    "/__emulator/variance",
    (ctx) => {
      const b = bodyObject(ctx.body);
      for (const k of Object.keys(b)) if (k !== "profile" && k !== "switches") throw badRequest(`unknown field ${k}: send {profile?: "default"|"harsh", switches?: {name: value}}`);
      const base = b.profile === undefined ? { ...app.variance } : profileVariance(parseProfile(b.profile));
      app.variance = { ...base, ...parseSwitches(b.switches) };
      return { body: varianceBody() };
    },
    none,
  );

  r.post(
    "/__emulator/domains",
    (ctx) => {
      const b = bodyObject(ctx.body);
      const d = optString(b, "domain")?.trim().toLowerCase();
      if (!d || !isDomain(d)) throw badRequest("domain (a valid domain name) is required");
      const rec = app.registerDomain(d, true);
      app.store.flush();
      return { body: { data: publicDomain(rec) } };
    },
    none,
  );

  r.post(
    "/__emulator/domains/:id/verification",
    (ctx) => {
      const d = app.findDomain(ctx.params.id);
      if (!d) throw notFound(`domain not found: ${ctx.params.id}`);
      const b = bodyObject(ctx.body);
      const type = optString(b, "type");
      if (!type || !(DOMAIN_VERIFICATION_TYPES as readonly string[]).includes(type))
        throw badRequest(`type must be one of: ${DOMAIN_VERIFICATION_TYPES.join(", ")}`);
      const ok = optBool(b, "ok");
      if (ok === undefined) throw badRequest("ok (boolean) is required");
      const fail = { ...(d._verify_fail ?? {}) };
      if (ok) delete fail[type];
      else fail[type] = optString(b, "message") ?? `The ${type} record was not found in DNS`;
      const patch: Partial<DomainRec> = { _verify_fail: fail };
      if (!ok) patch[`verified_${type}`] = false;
      const next = app.store.put<DomainRec>("domains", { ...d, ...patch });
      return { body: { data: publicDomain(next) } };
    },
    none,
  );

  r.post(
    "/__emulator/webhooks/:id/status",
    (ctx) => {
      const w = app.store.get<WebhookRec>("webhooks", ctx.params.id);
      if (!w) throw notFound(`webhook not found: ${ctx.params.id}`);
      const status = optString(bodyObject(ctx.body), "status");
      if (status !== "active" && status !== "pause" && status !== "failing" && status !== "failed")
        throw badRequest("status must be one of: active, pause, failing, failed");
      const t = now();
      app.store.put<WebhookRec>("webhooks", { ...w, status, status_updated_at: t, updated_at: t });
      return { body: { ok: true } };
    },
    none,
  );

  r.post(
    "/__emulator/grants/:grant/status",
    (ctx) => {
      const g = app.findGrant(ctx.params.grant);
      if (!g) throw notFound(`grant not found: ${ctx.params.grant}`);
      const status = optString(bodyObject(ctx.body), "grant_status");
      if (status !== "valid" && status !== "invalid") throw badRequest("grant_status must be valid or invalid");
      const next = app.store.put<GrantRec>("grants", { ...g, grant_status: status, updated_at: now() });
      if (status === "invalid") app.emit("grant.expired", { grant_id: g.id, provider: g.provider, email: g.email });
      return { body: { data: publicGrant(next) } };
    },
    none,
  );

  /** Would an IMAP/SMTP login with this app password succeed? (Tests check what a grant update stored.) */
  r.post(
    "/__emulator/grants/:grant/app-password/verify",
    async (ctx) => {
      const g = app.findGrant(ctx.params.grant);
      if (!g) throw notFound(`grant not found: ${ctx.params.grant}`);
      const password = optString(bodyObject(ctx.body), "password");
      if (password === undefined) throw badRequest("password (a string) is required");
      const ok = g._app_password_hash !== undefined && (await verifyPassword(password, g._app_password_hash));
      return { body: { ok, has_app_password: g._app_password_hash !== undefined } };
    },
    none,
  );

  /** Mail from an outside sender into agent accounts (emulator/inject.ts). */
  r.post("/__emulator/inbound", (ctx) => ({ body: { ...injectFromJson(app, ctx.body) } }), none);

  /** What agents sent to outside addresses, oldest first; `?to=`, `?from=`, `?grant_id=` filter. */
  r.get(
    "/__emulator/outbox",
    (ctx) => {
      const q = ctx.query;
      const filter = { to: q.get("to") ?? undefined, from: q.get("from") ?? undefined, grantId: q.get("grant_id") ?? undefined };
      return { body: { data: listOutbox(app, filter) } };
    },
    none,
  );
  r.delete(
    "/__emulator/outbox",
    () => {
      for (const m of app.store.col("outbox").all()) app.store.del("outbox", m.id);
      return { body: { data: [] } };
    },
    none,
  );
  r.get(
    "/__emulator/outbox/:id",
    (ctx) => {
      const m = app.store.get<OutboxRec>("outbox", ctx.params.id);
      if (!m) throw notFound(`outbox message not found: ${ctx.params.id}`);
      return { body: { data: m } };
    },
    none,
  );
  /** The outside recipient answers an outbox message, in its thread. */
  r.post("/__emulator/outbox/:id/reply", (ctx) => ({ body: { ...replyToOutbox(app, ctx.params.id, ctx.body) } }), none);

  registerModelControls(r, app);

  r.get("/__emulator/service-account", () => ({ body: { ...app.sa.file } }), none);

  r.get(
    "/__emulator/state",
    () => {
      const s = app.store;
      return {
        body: {
          application_id: app.meta.application_id,
          organization_id: app.meta.organization_id,
          default_workspace_id: app.defaultWorkspaceId,
          connectors: s.col<ConnectorRec>("connectors").all().map(publicConnector),
          grants: s.col<GrantRec>("grants").all().map((g) => ({ ...publicGrant(g), has_app_password: !!g._app_password_hash })),
          webhooks: s.col<WebhookRec>("webhooks").all().map((w) => ({ ...publicFields(w), webhook_secret: w._secret })),
          policies: s.col<PolicyRec>("policies").all().map((p) => ({ ...publicPolicy(p), limits_input: p._limits })),
          rules: s.col<RuleRec>("rules").all().map((x) => publicFields(x)),
          lists: s.col<ListRec>("lists").all().map((l) => ({
            ...publicList(app, l),
            items: (app.idx.items.get(l.id)?.order.ids ?? []).map((id) => s.get<ListItemRec>("list_items", id)!.value),
          })),
          workspaces: s.col<WorkspaceRec>("workspaces").all().map((w) => publicWorkspace(w)),
          domains: s.col<DomainRec>("domains").all().map(publicDomain),
          messages: s.col<MessageRec>("messages").all().map((m) => ({ ...publicMessage(m), message_id: m._message_id })),
          threads: s.col<ThreadRec>("threads").all().map((t) => publicThread(app, t)),
          folders: s.col<GrantRec>("grants").all().flatMap((g) => grantFolders(app, g.id).map((f) => publicFolder(app, f, undefined))),
          signatures: s.col<SignatureRec>("signatures").all().map(publicSignature),
          rule_evaluations: s.col<RuleEvaluationRec>("rule_evaluations").all().map((e) => publicRuleEvaluation(e)),
          channels: s.col<ChannelRec>("channels").all().map((c) => ({ ...publicChannel(c), type: c._kind })),
          application: publicApplication(app),
          principals: s.col<PrincipalRec>("principals").all().map((p) => publicPrincipal(p, DEFAULT_VARIANCE)),
          credentials: s.col<CredentialRec>("credentials").all().map(publicCredential),
          plan: app.config.plan ?? null,
          outbox: s.col<OutboxRec>("outbox").all(),
        },
      };
    },
    none,
  );

  return r;
}
