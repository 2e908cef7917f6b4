/**
 * Outside correspondents: mail from any address on the internet into agent accounts (control API
 * `POST /__emulator/inbound`, SMTP without AUTH), and answers to what an agent sent out (the outbox).
 * Each recipient's copy goes through the inbound pipeline of emulator/handlers/messages.ts — rules,
 * policy limits, spam detection, threading — and fires `message.created` like any other mail.
 */
import { randomUUID } from "node:crypto";
import type { App } from "./app";
import { badRequest, notFound } from "./errors";
import { deliverInbound, publicMessage, type InboundVerdict } from "./handlers/messages";
import type { OutboxRec } from "./outbox";
import type { Participant } from "./types";
import { bodyObject, isEmail, isObject, now, optString, type Body } from "./validate";

export interface OutsideMail {
  from: Participant;
  to: Participant[];
  cc: Participant[];
  replyTo: Participant[];
  subject: string;
  body: string;
  /** With angle brackets; generated when absent. */
  messageId?: string;
  inReplyTo?: string;
  references: string[];
  /** Extra headers (e.g. Return-Path, X-Mailer). */
  headers: { name: string; value: string }[];
  date?: number;
  /** Agent addresses to deliver to; default every agent account among to and cc. */
  envelopeTo?: string[];
  clientIp?: string;
}

/** One recipient's outcome. */
export interface RecipientResult {
  email: string;
  outcome: "delivered" | "blocked" | "refused" | "not_an_agent_account";
  /** Where the copy landed (`inbox`, `junk`, `archive`, …). */
  folder?: string;
  message_id?: string;
  thread_id?: string;
  matched_rule_ids: string[];
  reason?: string;
  spam?: { spam: boolean; score: number; threshold: number; reasons: string[] };
}

export interface InjectResult {
  /** The delivered copies (Message objects), one per agent account that stored it. */
  data: Record<string, unknown>[];
  /** The RFC 5322 Message-ID the mail carried. */
  message_id: string;
  results: RecipientResult[];
}

const bracket = (id: string): string => `<${id.trim().replace(/^<|>$/g, "")}>`;

export function deliverOutsideMail(app: App, mail: OutsideMail): InjectResult {
  const messageId = mail.messageId ? bracket(mail.messageId) : `<${randomUUID()}@${mail.from.email.split("@")[1]}>`;
  const headers: { name: string; value: string }[] = [
    { name: "Message-ID", value: messageId },
    { name: "Subject", value: mail.subject },
    { name: "From", value: mail.from.name ? `${mail.from.name} <${mail.from.email}>` : mail.from.email },
    { name: "To", value: mail.to.map((p) => p.email).join(", ") },
  ];
  if (mail.cc.length) headers.push({ name: "Cc", value: mail.cc.map((p) => p.email).join(", ") });
  if (mail.inReplyTo) headers.push({ name: "In-Reply-To", value: bracket(mail.inReplyTo) });
  if (mail.references.length) headers.push({ name: "References", value: mail.references.map(bracket).join(" ") });
  const taken = new Set(headers.map((h) => h.name.toLowerCase()));
  for (const h of mail.headers) if (!taken.has(h.name.toLowerCase())) headers.push(h);

  const date = mail.date ?? now();
  const targets = [...new Set((mail.envelopeTo ?? [...mail.to, ...mail.cc].map((p) => p.email)).map((e) => e.trim().toLowerCase()))];
  const data: Record<string, unknown>[] = [];
  const results: RecipientResult[] = [];
  for (const email of targets) {
    const g = app.grantByEmail(email);
    if (!g || g.provider !== "nylas") {
      results.push({ email, outcome: "not_an_agent_account", matched_rule_ids: [] });
      continue;
    }
    const verdict: InboundVerdict = {};
    const m = deliverInbound(
      app,
      g,
      { messageId, from: [mail.from], to: mail.to, cc: mail.cc, replyTo: mail.replyTo, subject: mail.subject, body: mail.body, headers, date, clientIp: mail.clientIp },
      verdict,
    );
    const r: RecipientResult = { email, outcome: verdict.outcome ?? "refused", matched_rule_ids: verdict.matchedRuleIds ?? [] };
    if (m) {
      data.push(publicMessage(m));
      Object.assign(r, { folder: m.folders[0], message_id: m.id, thread_id: m.thread_id });
    }
    if (verdict.reason) r.reason = verdict.reason;
    if (verdict.spam) r.spam = verdict.spam;
    results.push(r);
  }
  return { data, message_id: messageId, results };
}

// ------------------------------------------------------------------ the control API's JSON

function participant(v: unknown, label: string): Participant {
  if (typeof v === "string" && isEmail(v.trim())) return { email: v.trim() };
  if (isObject(v) && typeof v.email === "string" && isEmail(v.email.trim())) {
    if (v.name !== undefined && typeof v.name !== "string") throw badRequest(`${label}.name must be a string`);
    return v.name ? { email: v.email.trim(), name: v.name as string } : { email: v.email.trim() };
  }
  throw badRequest(`${label} must be an email address or {email, name?}`);
}

function participants(b: Body, key: string, required = false): Participant[] {
  const v = b[key];
  if (v === undefined || v === null) {
    if (required) throw badRequest(`${key} is required: an email address, {email, name?} or an array of them`);
    return [];
  }
  const list = Array.isArray(v) ? v : [v];
  if (required && list.length === 0) throw badRequest(`${key} must name at least one recipient`);
  return list.map((p, i) => participant(p, Array.isArray(v) ? `${key}[${i}]` : key));
}

function messageIds(b: Body, key: string): string[] {
  const v = b[key];
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? v : [v];
  return list.flatMap((x, i) => {
    if (typeof x !== "string") throw badRequest(`${key}[${i}] must be a Message-ID string`);
    return x.match(/<[^<>\s]+>/g) ?? (x.trim() ? [bracket(x)] : []);
  });
}

function extraHeaders(b: Body): { name: string; value: string }[] {
  const v = b.headers;
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw badRequest("headers must be an array of {name, value}");
  return v.map((h, i) => {
    if (!isObject(h) || typeof h.name !== "string" || !h.name || typeof h.value !== "string")
      throw badRequest(`headers[${i}] must be {name, value} with string values`);
    return { name: h.name, value: h.value };
  });
}

function date(b: Body): number | undefined {
  if (b.date === undefined || b.date === null) return undefined;
  if (typeof b.date !== "number" || !Number.isInteger(b.date) || b.date < 0) throw badRequest("date must be a Unix timestamp (integer seconds)");
  return b.date;
}

/** `POST /__emulator/inbound`: `{from, to, cc?, reply_to?, subject?, body?, message_id?, in_reply_to?, references?, headers?, date?}`. */
export function injectFromJson(app: App, raw: unknown): InjectResult {
  const b = bodyObject(raw);
  const from = participant(b.from, "from");
  const inReplyTo = messageIds(b, "in_reply_to")[0];
  const references = messageIds(b, "references");
  return deliverOutsideMail(app, {
    from,
    to: participants(b, "to", true),
    cc: participants(b, "cc"),
    replyTo: participants(b, "reply_to"),
    subject: optString(b, "subject") ?? "",
    body: optString(b, "body") ?? "",
    messageId: optString(b, "message_id"),
    inReplyTo,
    // a reply's References end with the message it answers
    references: inReplyTo && !references.includes(inReplyTo) ? [...references, inReplyTo] : references,
    headers: extraHeaders(b),
    date: date(b),
  });
}

/**
 * `POST /__emulator/outbox/{id}/reply`: the outside recipient answers an agent's message, in its thread
 * (In-Reply-To = its Message-ID, References = its References + its Message-ID). Body:
 * `{body, from? (default: its first outside recipient), subject? (default "Re: …"), to?, cc?, headers?}`.
 */
export function replyToOutbox(app: App, id: string, raw: unknown): InjectResult {
  const orig = app.store.get<OutboxRec>("outbox", id);
  if (!orig) throw notFound(`outbox message not found: ${id}`);
  const b = bodyObject(raw);
  const from = b.from === undefined || b.from === null ? { email: orig.recipients[0] } : participant(b.from, "from");
  const to = b.to === undefined || b.to === null ? (orig.reply_to.length ? orig.reply_to : orig.from) : participants(b, "to", true);
  const subject = optString(b, "subject") ?? (/^re:/i.test(orig.subject) ? orig.subject : `Re: ${orig.subject}`);
  return deliverOutsideMail(app, {
    from,
    to,
    cc: participants(b, "cc"),
    replyTo: [],
    subject,
    body: optString(b, "body") ?? "",
    messageId: optString(b, "message_id"),
    inReplyTo: orig.rfc_message_id,
    references: [...orig.references.filter((r) => r !== orig.rfc_message_id), orig.rfc_message_id],
    headers: extraHeaders(b),
    date: date(b),
  });
}
