/**
 * Messages and threads for Agent Accounts (Nylas API v3 Messages and Threads): send (with Idempotency-Key; also SMTP
 * submission), outbound rule evaluation, send quotas and the per-second queue, delivery to other
 * emulated agent accounts through the inbound pipeline (emulator/inbound.ts) and to the outbox for
 * outside addresses, list/read/update.
 */
import { createHash, randomUUID } from "node:crypto";
import type { App } from "../app";
import { ApiError, badRequest, forbidden, notFound } from "../errors";
import { deliverInbound } from "../inbound";
import {
  headerValue,
  parseMessageIds,
  publicMessage,
  publicThread,
  referencedIds,
  snippetOf,
  storeMessage,
  threadFor,
} from "../mailbox";
import { recordOutbound } from "../outbox";
import { cursorPage } from "../paging";
import { checkSendQuota, countSend, currentPlan, sendsPerSecond } from "../plan";
import type { Result, Router } from "../router";
import { applyActions, evaluateRules } from "../rule-engine";
import { canonicalJson } from "../service-account";
import { OrderedIds } from "../store";
import type { GrantRec, IdempotencyRec, MessageRec, Participant, ThreadRec } from "../types";
import { bodyObject, Body, domainOf, has, isEmail, isObject, now, optBool, queryBool, queryInt } from "../validate";
import type { Variance } from "../variance";
import { applicationEnvironment } from "./applications";
import { resolveFolderName, resolveFolderRef } from "./folders";
import { evaluationInput, recordEvaluation } from "./rule-evaluations";
import { signatureFor } from "./signatures";

const IDEMPOTENCY_TTL_S = 3600;
const MAX_RECIPIENTS = 50;
/** The non-sandbox per-second send limit above which sends are queued [skills][changelog 2026-10-09]. */
const SENDS_PER_SECOND = 5;

function readParticipants(b: Body, key: string): Participant[] {
  if (!has(b, key) || b[key] === null) return [];
  const v = b[key];
  if (!Array.isArray(v)) throw badRequest(`${key} must be an array of {email, name?} objects`);
  return v.map((p: unknown, i: number) => {
    if (!isObject(p) || typeof p.email !== "string") throw badRequest(`${key}[${i}].email is required`);
    const email = p.email.trim();
    if (!isEmail(email)) throw badRequest(`${key}[${i}].email is not a valid email address: ${p.email}`);
    if (p.name !== undefined && p.name !== null && typeof p.name !== "string") throw badRequest(`${key}[${i}].name must be a string`);
    return p.name ? { email, name: p.name as string } : { email };
  });
}

// ------------------------------------------------------------------ routes

/** Each app's send path (as `POST …/messages/send` without Idempotency-Key), for SMTP submission. */
const sendPaths = new WeakMap<App, (g: GrantRec, body: unknown, variance: Variance) => Result>();

/**
 * Send as `g` through the same path as the API: validation, send quotas and the per-second queue,
 * outbound rules, delivery, the outbox, webhooks and channels.
 */
export function submitMessage(app: App, g: GrantRec, body: unknown): Result {
  const send = sendPaths.get(app);
  if (!send) throw new Error("the messages routes of this emulator are not registered");
  return send(g, body, app.variance);
}

export function registerMessages(r: Router, app: App): void {
  const inflight = new Set<string>();
  let lastPurge = 0;
  /** Drop idempotency records older than their 1 h lifetime (at most once a minute). */
  const purgeIdempotency = (): void => {
    const t = now();
    if (t - lastPurge < 60) return;
    lastPurge = t;
    for (const rec of app.store.col<IdempotencyRec>("idempotency").all())
      if (t - rec.created_at >= IDEMPOTENCY_TTL_S) app.store.del("idempotency", rec.id);
  };
  purgeIdempotency();

  const requireMessage = (g: GrantRec, id: string): MessageRec => {
    const m = app.store.get<MessageRec>("messages", id);
    if (!m || m.grant_id !== g.id) throw notFound(`message not found: ${id}`);
    return m;
  };

  r.post("/v3/grants/:grant/messages/send", async (ctx) => {
    const g = app.requireGrant(ctx.params.grant);
    const rawKey = ctx.headers["idempotency-key"];
    const key = Array.isArray(rawKey) ? rawKey[0] : rawKey;
    if (key === undefined) return send(g, ctx.body, ctx.variance);
    if (key.length === 0 || key.length > 256)
      throw new ApiError(400, "api.invalid_idempotency_key", "Idempotency-Key must be 1 to 256 characters");
    purgeIdempotency();
    const recId = `${g.id}\n${key}`;
    const hash = createHash("sha256").update(canonicalJson(ctx.body ?? null)).digest("hex");
    if (inflight.has(recId))
      throw new ApiError(409, "api.concurrent_idempotent_request", "a request with this Idempotency-Key is already in progress");
    const rec = app.store.get<IdempotencyRec>("idempotency", recId);
    if (rec && now() - rec.created_at < IDEMPOTENCY_TTL_S) {
      if (rec.hash !== hash)
        throw new ApiError(
          409,
          "api.invalid_idempotent_request",
          "this Idempotency-Key was already used with a different request payload",
        );
      return { status: rec.status, body: rec.body, headers: { "Idempotent-Response": "true" } };
    }
    inflight.add(recId);
    try {
      const res = send(g, ctx.body, ctx.variance);
      app.store.put<IdempotencyRec>("idempotency", {
        id: recId,
        hash,
        status: res.status ?? 200,
        body: res.body!,
        created_at: now(),
      });
      return res;
    } finally {
      inflight.delete(recId);
    }
  });

  const send = (g: GrantRec, rawBody: unknown, variance: Variance) => {
    const b = bodyObject(rawBody);
    if (g.grant_status !== "valid" || g.blocked) throw badRequest(`grant ${g.id} cannot send: it is not valid`);
    const to = readParticipants(b, "to");
    const cc = readParticipants(b, "cc");
    const bcc = readParticipants(b, "bcc");
    const replyTo = readParticipants(b, "reply_to");
    const fromIn = readParticipants(b, "from");
    if (to.length + cc.length + bcc.length === 0) throw badRequest("at least one recipient (to, cc or bcc) is required");
    if (to.length + cc.length + bcc.length > MAX_RECIPIENTS)
      throw badRequest(`a message can have at most ${MAX_RECIPIENTS} recipients`);
    if (fromIn.length > 0 && fromIn[0].email.toLowerCase() !== g.email)
      throw badRequest(`from must be the sending account's address (${g.email})`);
    const from: Participant[] = [
      fromIn[0]?.name ? { email: g.email, name: fromIn[0].name } : g.name ? { email: g.email, name: g.name } : { email: g.email },
    ];
    if (has(b, "subject") && b.subject !== null && typeof b.subject !== "string") throw badRequest("subject must be a string");
    if (has(b, "body") && b.body !== null && typeof b.body !== "string") throw badRequest("body must be a string");
    const subject = (b.subject as string | undefined) ?? "";
    const plaintext = optBool(b, "is_plaintext") ?? false;
    // signature_id: the grant's signature, after a line break at the end of the body (Nylas Signatures)
    const body = signatureFor(app, g, b, (b.body as string | undefined) ?? "", plaintext);
    if (has(b, "send_at") && b.send_at !== null && (typeof b.send_at !== "number" || !Number.isInteger(b.send_at)))
      throw badRequest("send_at must be a Unix timestamp (integer seconds)");
    const custom: { name: string; value: string }[] = [];
    if (has(b, "custom_headers") && b.custom_headers !== null) {
      if (!Array.isArray(b.custom_headers)) throw badRequest("custom_headers must be an array of {name, value}");
      b.custom_headers.forEach((h: unknown, i: number) => {
        if (!isObject(h) || typeof h.name !== "string" || typeof h.value !== "string" || !h.name)
          throw badRequest(`custom_headers[${i}] must be an object with string name and value`);
        if (h.name.toLowerCase() !== "message-id") custom.push({ name: h.name, value: h.value });
      });
    }

    // threading headers
    let inReplyTo: string[] = parseMessageIds(headerValue(custom, "In-Reply-To") ?? "");
    let references: string[] = parseMessageIds(headerValue(custom, "References") ?? "");
    let senderThread: ThreadRec | undefined;
    if (has(b, "reply_to_message_id") && b.reply_to_message_id !== null) {
      if (typeof b.reply_to_message_id !== "string") throw badRequest("reply_to_message_id must be a string");
      const orig = app.store.get<MessageRec>("messages", b.reply_to_message_id);
      if (!orig || orig.grant_id !== g.id) throw badRequest(`reply_to_message_id not found: ${b.reply_to_message_id}`);
      inReplyTo = [orig._message_id];
      const origRefs = parseMessageIds(headerValue(orig.headers, "References") ?? "");
      references = [...origRefs.filter((x) => x !== orig._message_id), orig._message_id];
      senderThread = app.store.get<ThreadRec>("threads", orig.thread_id);
    }
    const messageId = `<${randomUUID()}@${domainOf(g.email)}>`;
    const headers: { name: string; value: string }[] = [
      { name: "Message-ID", value: messageId },
      { name: "Subject", value: subject },
      { name: "From", value: g.email },
      { name: "To", value: to.map((p) => p.email).join(", ") },
    ];
    if (inReplyTo.length) headers.push({ name: "In-Reply-To", value: inReplyTo.join(" ") });
    if (references.length) headers.push({ name: "References", value: references.join(" ") });
    for (const h of custom) {
      const n = h.name.toLowerCase();
      if (n === "in-reply-to" || n === "references") continue;
      headers.push(h);
    }
    const refs = referencedIds(headers);
    const recipients = [...to, ...cc, ...bcc].map((p) => p.email.toLowerCase());

    const outboundType = refs.length > 0 ? "reply" : "compose";
    checkSendQuota(app, g);
    const outbound = evaluateRules(app, g, "outbound", { from: g.email, recipients, outboundType }, variance.outboundRuleScope);
    const input = evaluationInput(g.email, { recipients, type: outboundType });
    if (outbound.blocked) {
      recordEvaluation(app, g, { stage: "outbound_send", messageId: null, input, applied: { blocked: true }, matched: outbound.matched });
      throw forbidden(`message blocked by outbound rule ${outbound.blocked.id} (${outbound.blocked.name})`, "forbidden");
    }
    // Plan sends/second, pooled per environment: a burst above it is queued (202), a full queue → 429.
    const queuedMs = currentPlan(app) ? app.sendQueue.admit(sendsPerSecond(applicationEnvironment(app)), app.config.sendQueueSeconds) : 0;

    const t = now();
    const thread = senderThread ?? threadFor(app, g.id, refs, subject);
    const outgoing: MessageRec = {
      id: randomUUID(),
      object: "message",
      grant_id: g.id,
      thread_id: thread.id,
      date: t,
      created_at: t,
      folders: ["sent"],
      from,
      to,
      cc,
      bcc,
      reply_to: replyTo,
      subject,
      body,
      snippet: snippetOf(body),
      unread: false,
      starred: false,
      attachments: [],
      headers,
      _message_id: messageId,
      _refs: refs,
    };
    const { message: sent, applied } = applyActions(outgoing, outbound.actions, (name) => resolveFolderName(app, g, name));
    storeMessage(app, sent, thread);
    recordEvaluation(app, g, { stage: "outbound_send", messageId: sent.id, input, applied, matched: outbound.matched });
    countSend(app, g);
    const pub = publicMessage(sent);

    // deliver to emulated agent accounts (one copy per account), now or when the queue reaches it
    const dispatch = (): void => {
      if (!app.store.get("grants", g.id)) return;
      const seen = new Set<string>();
      const outside: string[] = [];
      const publicHeaders = headers.filter((h) => h.name.toLowerCase() !== "bcc");
      for (const addr of recipients) {
        if (seen.has(addr)) continue;
        seen.add(addr);
        const rg = app.grantByEmail(addr);
        if (!rg || rg.provider !== "nylas") outside.push(addr);
        if (!rg || rg.provider !== "nylas" || rg.grant_status !== "valid") continue;
        deliverInbound(app, rg, { messageId, from, to, cc, replyTo, subject, body, headers: publicHeaders, date: t }, variance);
      }
      if (outside.length) recordOutbound(app, sent, outside);
      if (app.config.notifySentMessages) app.emit("message.created", pub);
      app.emit("message.send_success", pub);
      if (g.provider === "nylas") app.emit("message.delivered", pub); // agent-account deliverability event
    };
    if (queuedMs > 0) app.schedule(queuedMs, dispatch);
    else dispatch();
    // variance W8: a queued send answers 202 with the message minus its headers array — really queued
    // under a plan's sends/second, or (without a plan) as the variance switch says.
    const queued =
      queuedMs > 0 ||
      (!currentPlan(app) &&
        (variance.sendAnswer === "202" || (variance.sendAnswer === "202-under-burst" && app.varianceState.sendBurst(SENDS_PER_SECOND))));
    if (queued) {
      const { headers: _headers, ...withoutHeaders } = pub;
      return { status: 202, body: { data: withoutHeaders } as Record<string, unknown> };
    }
    return { status: 200, body: { data: pub } as Record<string, unknown> };
  };
  sendPaths.set(app, send);

  r.get("/v3/grants/:grant/messages", (ctx) => {
    const g = app.requireGrant(ctx.params.grant);
    const q = ctx.query;
    const unread = queryBool(q, "unread");
    const starred = queryBool(q, "starred");
    const threadId = q.get("thread_id") || undefined;
    const inRaw = q.get("in") || undefined;
    const inFolder = inRaw ? (resolveFolderRef(app, g, inRaw) ?? inRaw) : undefined;
    const subject = q.get("subject") || undefined;
    const from = q.get("from")?.toLowerCase() || undefined;
    const to = q.get("to")?.toLowerCase() || undefined;
    const any = q.get("any_email")?.toLowerCase().split(",").filter(Boolean);
    const after = q.has("received_after") ? queryInt(q, "received_after", 0) : undefined;
    const before = q.has("received_before") ? queryInt(q, "received_before", 0) : undefined;
    const has = (ps: Participant[], e: string): boolean => ps.some((p) => p.email.toLowerCase() === e);
    const msgs = app.store.col<MessageRec>("messages");
    const page = cursorPage(app.idx.messagesByGrant.get(g.id) ?? new OrderedIds(), q, {
      get: (id) => msgs.get(id),
      reverse: true,
      filter: (m) =>
        (unread === undefined || m.unread === unread) &&
        (starred === undefined || m.starred === starred) &&
        (!threadId || m.thread_id === threadId) &&
        (!inFolder || m.folders.includes(inFolder)) &&
        (!subject || m.subject === subject) &&
        (!from || has(m.from, from)) &&
        (!to || has(m.to, to)) &&
        (!any || any.some((e) => has([...m.from, ...m.to, ...m.cc, ...m.bcc], e))) &&
        (after === undefined || m.date > after) &&
        (before === undefined || m.date < before),
    });
    return { body: { data: page.data.map(publicMessage), next_cursor: page.next_cursor } };
  });

  r.get("/v3/grants/:grant/messages/:mid", (ctx) => {
    const g = app.requireGrant(ctx.params.grant);
    return { body: { data: publicMessage(requireMessage(g, ctx.params.mid)) } };
  });

  r.put("/v3/grants/:grant/messages/:mid", (ctx) => {
    const g = app.requireGrant(ctx.params.grant);
    const m = requireMessage(g, ctx.params.mid);
    const b = bodyObject(ctx.body);
    const next: MessageRec = { ...m };
    const unread = optBool(b, "unread");
    if (unread !== undefined) next.unread = unread;
    const starred = optBool(b, "starred");
    if (starred !== undefined) next.starred = starred;
    if (has(b, "folders") && b.folders !== null) {
      if (!Array.isArray(b.folders) || b.folders.some((f) => typeof f !== "string"))
        throw badRequest("folders must be an array of folder IDs");
      next.folders = (b.folders as string[]).map((f) => {
        const id = resolveFolderRef(app, g, f);
        if (!id) throw badRequest(`folder not found: ${f}`);
        return id;
      });
    }
    app.store.put("messages", next);
    const pub = publicMessage(next);
    app.emit("message.updated", pub);
    return { body: { data: pub } };
  });

  r.get("/v3/grants/:grant/threads", (ctx) => {
    const g = app.requireGrant(ctx.params.grant);
    const threads = app.store.col<ThreadRec>("threads");
    const page = cursorPage(app.idx.threadsByGrant.get(g.id) ?? new OrderedIds(), ctx.query, {
      get: (id) => threads.get(id),
      reverse: true,
    });
    return { body: { data: page.data.map((t) => publicThread(app, t)), next_cursor: page.next_cursor } };
  });

  r.get("/v3/grants/:grant/threads/:tid", (ctx) => {
    const g = app.requireGrant(ctx.params.grant);
    const t = app.store.get<ThreadRec>("threads", ctx.params.tid);
    if (!t || t.grant_id !== g.id) throw notFound(`thread not found: ${ctx.params.tid}`);
    return { body: { data: publicThread(app, t) } };
  });
}
