/**
 * The control API's side of outside correspondents: `POST /__emulator/inbound` (mail from any address
 * on the internet into agent accounts) and `POST /__emulator/outbox/{id}/reply` (an outside recipient
 * answers what an agent sent). Both only read the JSON; the mail goes through the inbound pipeline
 * (emulator/inbound.ts) like mail arriving over SMTP.
 */
import type { App } from "./app";
import { badRequest, notFound } from "./errors";
import { deliverOutsideMail, type InjectResult } from "./inbound";
import { parseMessageIds } from "./mailbox";
import type { OutboxRec } from "./outbox";
import type { Participant } from "./types";
import { bodyObject, isEmail, isObject, optString, type Body } from "./validate";

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
    return parseMessageIds(x);
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

function sizeBytes(b: Body): number | undefined {
  const v = b.size_bytes;
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0) throw badRequest("size_bytes must be a non-negative integer (the simulated MIME size)");
  return v;
}

function date(b: Body): number | undefined {
  if (b.date === undefined || b.date === null) return undefined;
  if (typeof b.date !== "number" || !Number.isInteger(b.date) || b.date < 0) throw badRequest("date must be a Unix timestamp (integer seconds)");
  return b.date;
}

/** `POST /__emulator/inbound`: `{from, to, cc?, reply_to?, subject?, body?, message_id?, in_reply_to?, references?, headers?, date?, size_bytes?}`. */
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
    sizeBytes: sizeBytes(b),
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
