/**
 * Messages and threads for Agent Accounts (reference §7b): send (with Idempotency-Key), delivery to
 * other emulated agent accounts with RFC 5322 threading, inbound/outbound rule evaluation, list/read.
 */
import { createHash, randomUUID } from "node:crypto";
import { App, publicFields, SYSTEM_FOLDERS } from "../app";
import { ApiError, badRequest, forbidden, notFound } from "../errors";
import { cursorPage } from "../paging";
import type { Router } from "../router";
import { canonicalJson } from "../service-account";
import { OrderedIds } from "../store";
import type {
  Action,
  GrantRec,
  IdempotencyRec,
  MessageRec,
  Participant,
  RuleRec,
  ThreadRec,
  WorkspaceRec,
} from "../types";
import { bodyObject, Body, domainOf, has, isEmail, isObject, now, optBool, queryBool, queryInt } from "../validate";
import type { Variance } from "../variance";

const IDEMPOTENCY_TTL_S = 3600;
const MAX_RECIPIENTS = 50;

// ------------------------------------------------------------------ views

export function publicMessage(m: MessageRec): Record<string, unknown> {
  return publicFields(m);
}

export function publicThread(app: App, t: ThreadRec): Record<string, unknown> {
  const msgs = t.message_ids
    .map((id) => app.store.get<MessageRec>("messages", id))
    .filter((m): m is MessageRec => !!m);
  const participants = new Map<string, Participant>();
  const folders = new Set<string>();
  let earliest: number | undefined;
  let latestReceived: number | undefined;
  let latestSent: number | undefined;
  let latest: MessageRec | undefined;
  for (const m of msgs) {
    for (const p of [...m.from, ...m.to, ...m.cc, ...m.bcc]) {
      const k = p.email.toLowerCase();
      if (!participants.has(k)) participants.set(k, p);
    }
    m.folders.forEach((f) => folders.add(f));
    earliest = earliest === undefined ? m.date : Math.min(earliest, m.date);
    if (m.folders.includes("sent")) latestSent = Math.max(latestSent ?? 0, m.date);
    else latestReceived = Math.max(latestReceived ?? 0, m.date);
    if (!latest || m.date >= latest.date) latest = m;
  }
  const out: Record<string, unknown> = {
    object: "thread",
    id: t.id,
    grant_id: t.grant_id,
    subject: t.subject,
    snippet: latest?.snippet ?? "",
    participants: [...participants.values()],
    message_ids: msgs.map((m) => m.id),
    draft_ids: [],
    folders: [...folders],
    unread: msgs.some((m) => m.unread),
    starred: msgs.some((m) => m.starred),
    has_attachments: false,
    has_drafts: false,
    earliest_message_date: earliest,
    latest_message_received_date: latestReceived,
    latest_message_sent_date: latestSent,
    latest_draft_or_message: latest ? publicMessage(latest) : undefined,
  };
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out;
}

// ------------------------------------------------------------------ helpers

function snippetOf(body: string): string {
  return body
    .replace(/<style[\s\S]*?<\/style>/gi, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&nbsp;/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 100);
}

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

function parseMessageIds(v: string): string[] {
  return v.match(/<[^<>\s]+>/g) ?? (v.trim() ? [`<${v.trim().replace(/^<|>$/g, "")}>`] : []);
}

function headerValue(headers: { name: string; value: string }[], name: string): string | undefined {
  const h = headers.find((x) => x.name.toLowerCase() === name.toLowerCase());
  return h?.value;
}

/** All Message-IDs a message refers to, newest reference first (In-Reply-To, then References reversed). */
function referencedIds(headers: { name: string; value: string }[]): string[] {
  const irt = parseMessageIds(headerValue(headers, "In-Reply-To") ?? "");
  const refs = parseMessageIds(headerValue(headers, "References") ?? "").reverse();
  return [...new Set([...irt, ...refs])];
}

function folderId(name: string): string | undefined {
  const n = name.trim().toLowerCase();
  return SYSTEM_FOLDERS.find((f) => f.id === n || f.name.toLowerCase() === n)?.id;
}

/** Find the grant's thread for any of the referenced Message-IDs, or start a new one. */
function threadFor(app: App, grantId: string, refs: string[], subject: string): ThreadRec {
  for (const ref of refs) {
    const mid = app.idx.messageByHeader.get(`${grantId}\n${ref}`);
    const m = mid ? app.store.get<MessageRec>("messages", mid) : undefined;
    const t = m ? app.store.get<ThreadRec>("threads", m.thread_id) : undefined;
    if (t) return t;
  }
  return { id: randomUUID(), grant_id: grantId, subject, message_ids: [], created_at: now() };
}

function storeMessage(app: App, m: MessageRec, thread: ThreadRec): MessageRec {
  app.store.put<ThreadRec>("threads", { ...thread, message_ids: [...thread.message_ids, m.id] });
  return app.store.put<MessageRec>("messages", m);
}

// ------------------------------------------------------------------ rules

interface EvalInput {
  from: string;
  recipients: string[];
  outboundType?: "compose" | "reply";
}

function tldOf(domain: string): string {
  return domain.slice(domain.lastIndexOf(".") + 1);
}

function fieldValues(field: string, input: EvalInput): string[] {
  const addr = (a: string): string => a.toLowerCase();
  switch (field) {
    case "from.address":
      return [addr(input.from)];
    case "from.domain":
      return [domainOf(input.from)];
    case "from.tld":
      return [tldOf(domainOf(input.from))];
    case "recipient.address":
      return input.recipients.map(addr);
    case "recipient.domain":
      return input.recipients.map(domainOf);
    case "recipient.tld":
      return input.recipients.map((r) => tldOf(domainOf(r)));
    case "outbound.type":
      return input.outboundType ? [input.outboundType] : [];
    default:
      return [];
  }
}

function inList(app: App, listIds: string[], field: string, value: string, input: EvalInput): boolean {
  for (const id of listIds) {
    const e = app.idx.items.get(id);
    if (!e) continue;
    if (e.byValue.has(value)) return true;
    if (field.endsWith(".tld")) {
      // multi-label suffixes (co.uk) match against the whole domain
      const domains = field.startsWith("from.") ? [domainOf(input.from)] : input.recipients.map(domainOf);
      for (const d of domains) for (const item of e.byValue.keys()) if (d.endsWith(`.${item}`)) return true;
    }
  }
  return false;
}

function conditionMatches(app: App, c: RuleRec["match"]["conditions"][number], input: EvalInput): boolean {
  const values = fieldValues(c.field, input);
  switch (c.operator) {
    case "is":
      return values.some((v) => v === String(c.value).toLowerCase());
    case "is_not":
      // for recipient.* true only when no recipient matches
      return !values.some((v) => v === String(c.value).toLowerCase());
    case "contains":
      return values.some((v) => v.includes(String(c.value).toLowerCase()));
    case "in_list":
      return values.some((v) => inList(app, c.value as string[], c.field, v, input));
    default:
      return false;
  }
}

export interface RuleOutcome {
  blocked?: RuleRec;
  actions: Action[];
  matched: string[];
}

/**
 * Evaluate the enabled rules for one trigger, lowest priority first: inbound rules of the grant's
 * workspace; outbound rules of the whole application, or (§10 R1 "workspace") of the sender's workspace.
 */
/** The non-sandbox per-second send limit above which sends are queued [skills][changelog 2026-10-09]. */
const SENDS_PER_SECOND = 5;

export function evaluateRules(
  app: App,
  g: GrantRec,
  trigger: "inbound" | "outbound",
  input: EvalInput,
  outboundScope: "application" | "workspace" = "application",
): RuleOutcome {
  const out: RuleOutcome = { actions: [], matched: [] };
  const col = app.store.col<RuleRec>("rules");
  let ids: string[];
  if (trigger === "outbound" && outboundScope === "application") ids = col.order.ids;
  else {
    const w = g.workspace_id ? app.store.get<WorkspaceRec>("workspaces", g.workspace_id) : undefined;
    ids = w?.rule_ids ?? [];
  }
  if (ids.length === 0) return out;
  const rules = ids
    .map((id) => col.get(id))
    .filter((r): r is RuleRec => !!r && r.enabled && r.trigger === trigger)
    .sort((a, b) => a.priority - b.priority || (col.seqOf.get(a.id)! - col.seqOf.get(b.id)!));
  for (const r of rules) {
    const results = r.match.conditions.map((c) => conditionMatches(app, c, input));
    const hit = r.match.operator === "any" ? results.some(Boolean) : results.every(Boolean);
    if (!hit) continue;
    out.matched.push(r.id);
    if (r.actions.some((a) => a.type === "block")) {
      out.blocked = r;
      return out;
    }
    out.actions.push(...r.actions);
  }
  return out;
}

function applyActions(m: MessageRec, actions: Action[]): MessageRec {
  const next = { ...m, folders: [...m.folders] };
  for (const a of actions) {
    switch (a.type) {
      case "mark_as_spam":
        next.folders = ["junk"];
        break;
      case "assign_to_folder": {
        const f = folderId(a.value ?? "");
        if (f) next.folders = [f]; // unknown folders are skipped
        break;
      }
      case "mark_as_read":
        next.unread = false;
        break;
      case "mark_as_starred":
        next.starred = true;
        break;
      case "archive":
        next.folders = ["archive"];
        break;
      case "trash":
        next.folders = ["trash"];
        break;
      default:
        break;
    }
  }
  return next;
}

// ------------------------------------------------------------------ delivery

export interface InboundMail {
  messageId: string;
  from: Participant[];
  to: Participant[];
  cc: Participant[];
  replyTo: Participant[];
  subject: string;
  body: string;
  headers: { name: string; value: string }[];
  date: number;
}

/** Deliver one copy to an agent account's inbox (rules applied); returns undefined when blocked. */
export function deliverInbound(app: App, g: GrantRec, mail: InboundMail): MessageRec | undefined {
  const outcome = evaluateRules(app, g, "inbound", {
    from: mail.from[0]?.email ?? "",
    recipients: [g.email],
  });
  if (outcome.blocked) return undefined;
  const refs = referencedIds(mail.headers);
  // the account's own copy of the same Message-ID (a message to oneself) shares its thread
  const thread = threadFor(app, g.id, [mail.messageId, ...refs], mail.subject);
  let m: MessageRec = {
    id: randomUUID(),
    object: "message",
    grant_id: g.id,
    thread_id: thread.id,
    date: mail.date,
    created_at: mail.date,
    folders: ["inbox"],
    from: mail.from,
    to: mail.to,
    cc: mail.cc,
    bcc: [],
    reply_to: mail.replyTo,
    subject: mail.subject,
    body: mail.body,
    snippet: snippetOf(mail.body),
    unread: true,
    starred: false,
    attachments: [],
    headers: mail.headers,
    _message_id: mail.messageId,
    _refs: refs,
  };
  m = applyActions(m, outcome.actions);
  storeMessage(app, m, thread);
  app.emit("message.created", publicMessage(m));
  return m;
}

// ------------------------------------------------------------------ routes

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
    const body = (b.body as string | undefined) ?? "";
    optBool(b, "is_plaintext");
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

    const outbound = evaluateRules(app, g, "outbound", {
      from: g.email,
      recipients,
      outboundType: refs.length > 0 ? "reply" : "compose",
    }, variance.outboundRuleScope);
    if (outbound.blocked)
      throw forbidden(`message blocked by outbound rule ${outbound.blocked.id} (${outbound.blocked.name})`, "forbidden");

    const t = now();
    const thread = senderThread ?? threadFor(app, g.id, refs, subject);
    let sent: MessageRec = {
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
    sent = applyActions(sent, outbound.actions);
    storeMessage(app, sent, thread);

    // deliver to emulated agent accounts (one copy per account)
    const seen = new Set<string>();
    const publicHeaders = headers.filter((h) => h.name.toLowerCase() !== "bcc");
    for (const addr of recipients) {
      if (seen.has(addr)) continue;
      seen.add(addr);
      const rg = app.grantByEmail(addr);
      if (!rg || rg.provider !== "nylas" || rg.grant_status !== "valid") continue;
      deliverInbound(app, rg, {
        messageId,
        from,
        to,
        cc,
        replyTo,
        subject,
        body,
        headers: publicHeaders,
        date: t,
      });
    }
    const pub = publicMessage(sent);
    if (app.config.notifySentMessages) app.emit("message.created", pub);
    app.emit("message.send_success", pub);
    // §10 W8/L3: a queued send answers 202 with the message minus its headers array.
    const queued = variance.sendAnswer === "202" || (variance.sendAnswer === "202-under-burst" && app.varianceState.sendBurst(SENDS_PER_SECOND));
    if (queued) {
      const { headers: _headers, ...withoutHeaders } = pub;
      return { status: 202, body: { data: withoutHeaders } as Record<string, unknown> };
    }
    return { status: 200, body: { data: pub } as Record<string, unknown> };
  };

  r.get("/v3/grants/:grant/messages", (ctx) => {
    const g = app.requireGrant(ctx.params.grant);
    const q = ctx.query;
    const unread = queryBool(q, "unread");
    const starred = queryBool(q, "starred");
    const threadId = q.get("thread_id") || undefined;
    const inRaw = q.get("in") || undefined;
    const inFolder = inRaw ? (folderId(inRaw) ?? inRaw) : undefined;
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
        const id = folderId(f);
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
