/** `/v3/webhooks…` */
import { randomUUID } from "node:crypto";
import { App, publicFields } from "../app";
import { ApiError, badRequest, notFound } from "../errors";
import type { Router } from "../router";
import type { WebhookRec } from "../types";
import {
  encodeNotification,
  buildNotification,
  httpRequest,
  isCreateTriggerType,
  isTriggerType,
  MOCK_WEBHOOK_SECRET,
  newWebhookSecret,
  runChallenge,
} from "../webhook-delivery";
import { bodyObject, Body, has, isEmail, now, optBool, optString, optStringArray } from "../validate";
import type { Variance } from "../variance";
import { sampleObject } from "./samples";

export function publicWebhook(w: WebhookRec, withSecret = false): Record<string, unknown> {
  const out = publicFields(w);
  if (withSecret) out.webhook_secret = w._secret;
  return out;
}

function checkUrl(v: string): string {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw badRequest(`webhook_url is not a valid URL: ${v}`);
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") throw badRequest("webhook_url must be an http(s) URL");
  return v;
}

/** variance L11: names outside the spec's create enum are refused unless the switch accepts every name seen. */
function checkTriggers(v: string[], variance: Variance): string[] {
  const known = variance.unknownTriggerTypes === "accepted" ? isTriggerType : isCreateTriggerType;
  const unknown = v.filter((t) => !known(t));
  if (unknown.length) throw badRequest(`unknown trigger_types: ${unknown.join(", ")}`);
  return [...new Set(v)];
}

function checkEmails(v: string[] | undefined): string[] | undefined {
  if (!v) return v;
  const bad = v.filter((e) => !isEmail(e));
  if (bad.length) throw badRequest(`notification_email_addresses contains invalid addresses: ${bad.join(", ")}`);
  return v;
}

export function registerWebhooks(r: Router, app: App): void {
  const challenge = async (url: string): Promise<void> => {
    if (!app.config.webhookChallenge) return;
    const ac = new AbortController();
    app.pendingChallenges.add(ac);
    try {
      const res = await runChallenge(url, ac.signal);
      if (!res.ok) throw badRequest(res.message!);
    } finally {
      app.pendingChallenges.delete(ac);
    }
  };
  const urlTaken = (url: string, except?: string): boolean => {
    if (!app.config.uniqueWebhookUrls) return false;
    for (const w of app.store.col<WebhookRec>("webhooks").values()) if (w.webhook_url === url && w.id !== except) return true;
    return false;
  };
  /** A webhook that is not there: 400 "record not found" (the spec's answer on writes) or 404 (variance N1, N2). */
  const gone = (form: "400" | "404", id: string): ApiError =>
    form === "400"
      ? new ApiError(400, "70000", "destination.id.not.found : record not found")
      : notFound(`webhook not found: ${id}`);
  const requireWebhook = (id: string, v: Variance, op: "read" | "write"): WebhookRec => {
    const w = app.store.get<WebhookRec>("webhooks", id);
    if (!w) throw gone(op === "read" ? v.webhookGoneOnRead : v.webhookGoneOnWrite, id);
    return w;
  };

  r.get("/v3/webhooks", () => ({
    body: { data: app.store.col<WebhookRec>("webhooks").all().map((w) => publicWebhook(w)) },
  }));

  r.post("/v3/webhooks", async (ctx) => {
    const b = bodyObject(ctx.body);
    const url = optString(b, "webhook_url");
    if (!url) throw badRequest("webhook_url is required");
    checkUrl(url);
    const triggers = optStringArray(b, "trigger_types");
    if (!triggers || triggers.length === 0) throw badRequest("trigger_types is required and must not be empty");
    const trigger_types = checkTriggers(triggers, ctx.variance);
    const description = optString(b, "description");
    const emails = checkEmails(optStringArray(b, "notification_email_addresses")) ?? [];
    const compressed = optBool(b, "compressed_delivery") ?? false;
    if (urlTaken(url)) throw badRequest(`a webhook with webhook_url ${url} already exists; each webhook needs its own endpoint`);
    await challenge(url);
    if (urlTaken(url)) throw badRequest(`a webhook with webhook_url ${url} already exists; each webhook needs its own endpoint`);
    const t = now();
    const w = app.store.put<WebhookRec>("webhooks", {
      id: randomUUID(),
      description,
      trigger_types,
      webhook_url: url,
      status: "active",
      notification_email_addresses: emails,
      compressed_delivery: compressed,
      status_updated_at: t,
      created_at: t,
      updated_at: t,
      _secret: newWebhookSecret(), // minted only after the challenge succeeded
    });
    return { body: { data: publicWebhook(w, true) } };
  });

  // variance W3: the full destination with its new secret, only {webhook_secret}, or the secret at the top level.
  r.post("/v3/webhooks/rotate-secret/:id", (ctx) => {
    const w = requireWebhook(ctx.params.id, ctx.variance, "write");
    const next = app.store.put<WebhookRec>("webhooks", { ...w, _secret: newWebhookSecret(), updated_at: now() });
    switch (ctx.variance.rotateSecretAnswer) {
      case "minimal":
        return { body: { data: { webhook_secret: next._secret } } };
      case "top-level":
        return { body: { webhook_secret: next._secret } };
      default:
        return { body: { data: publicWebhook(next, true) } };
    }
  });

  r.post("/v3/webhooks/mock-payload", (ctx) => {
    const b = bodyObject(ctx.body);
    const trigger = optString(b, "trigger_type");
    if (!trigger) throw badRequest("trigger_type is required");
    if (!isTriggerType(trigger)) throw badRequest(`unknown trigger_type: ${trigger}`);
    const n = buildNotification(trigger, app.meta.application_id, sampleObject(trigger, app));
    return { body: { data: n as unknown as Record<string, unknown> } };
  });

  r.post("/v3/webhooks/send-test-event", async (ctx) => {
    const b = bodyObject(ctx.body);
    const trigger = optString(b, "trigger_type");
    if (!trigger) throw badRequest("trigger_type is required");
    if (!isTriggerType(trigger)) throw badRequest(`unknown trigger_type: ${trigger}`);
    const url = optString(b, "webhook_url");
    if (!url) throw badRequest("webhook_url is required");
    checkUrl(url);
    const n = buildNotification(trigger, app.meta.application_id, sampleObject(trigger, app));
    const { body, headers } = encodeNotification(n, MOCK_WEBHOOK_SECRET, false);
    const res = await httpRequest("POST", url, { headers, body, timeoutMs: 10_000 });
    if (res.status < 200 || res.status > 299)
      throw badRequest(
        `test event delivery to ${url} failed: ${res.status === 0 ? res.error : `HTTP ${res.status}`}`,
      );
    return { body: { data: "success" } as Record<string, unknown> };
  });

  r.get("/v3/webhooks/:id", (ctx) => ({ body: { data: publicWebhook(requireWebhook(ctx.params.id, ctx.variance, "read")) } }));

  r.put("/v3/webhooks/:id", async (ctx) => {
    const w = requireWebhook(ctx.params.id, ctx.variance, "write");
    const b: Body = bodyObject(ctx.body);
    // "empty fields in the request do not overwrite existing fields"
    const nonEmpty = (k: string): boolean =>
      has(b, k) && b[k] !== null && b[k] !== "" && !(Array.isArray(b[k]) && (b[k] as unknown[]).length === 0);
    const next: WebhookRec = { ...w };
    if (nonEmpty("webhook_url")) next.webhook_url = checkUrl(optString(b, "webhook_url")!);
    if (nonEmpty("trigger_types")) next.trigger_types = checkTriggers(optStringArray(b, "trigger_types")!, ctx.variance);
    if (nonEmpty("description")) next.description = optString(b, "description");
    if (nonEmpty("notification_email_addresses"))
      next.notification_email_addresses = checkEmails(optStringArray(b, "notification_email_addresses"))!;
    const compressed = optBool(b, "compressed_delivery");
    if (compressed !== undefined) next.compressed_delivery = compressed;
    if (nonEmpty("status")) {
      const s = optString(b, "status");
      if (s !== "active" && s !== "pause") throw badRequest("status must be one of: active, pause");
      next.status = s;
    }
    if (next.webhook_url !== w.webhook_url && urlTaken(next.webhook_url, w.id))
      throw badRequest(`a webhook with webhook_url ${next.webhook_url} already exists; each webhook needs its own endpoint`);
    const reactivated = next.status === "active" && w.status !== "active";
    const moved = next.status === "active" && next.webhook_url !== w.webhook_url;
    if (reactivated || moved) await challenge(next.webhook_url);
    const cur = app.store.get<WebhookRec>("webhooks", w.id);
    if (!cur) throw gone(ctx.variance.webhookGoneOnWrite, ctx.params.id);
    const t = now();
    if (next.status !== w.status) next.status_updated_at = t;
    next.updated_at = t;
    next._secret = cur._secret;
    app.store.put("webhooks", next);
    return { body: { data: publicWebhook(next) } };
  });

  r.delete("/v3/webhooks/:id", (ctx) => {
    const w = requireWebhook(ctx.params.id, ctx.variance, "write");
    app.store.del("webhooks", w.id);
    return { body: { data: { status: "success" } } };
  });
}
