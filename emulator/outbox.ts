/**
 * The outside world's side of an agent's sent mail: every message an agent sends to an address that is
 * not an emulated agent account is kept here (persisted like the rest of the state), so a test can read
 * it and answer it as that correspondent (emulator/inject.ts).
 */
import { randomUUID } from "node:crypto";
import type { App } from "./app";
import type { MessageRec, Participant } from "./types";

export interface OutboxRec {
  id: string;
  grant_id: string;
  /** The sender's sent copy (a Nylas message id) and its thread. */
  message_id: string;
  thread_id: string;
  from: Participant[];
  to: Participant[];
  cc: Participant[];
  bcc: Participant[];
  reply_to: Participant[];
  /** The outside addresses this message went to (to, cc and bcc that are not agent accounts). */
  recipients: string[];
  subject: string;
  body: string;
  headers: { name: string; value: string }[];
  /** RFC 5322 Message-ID, In-Reply-To and References of the message as it left. */
  rfc_message_id: string;
  in_reply_to?: string;
  references: string[];
  date: number;
  [k: string]: unknown;
}

export function recordOutbound(app: App, sent: MessageRec, outside: string[]): OutboxRec {
  const header = (n: string) => sent.headers.find((h) => h.name.toLowerCase() === n)?.value;
  const references = (header("references") ?? "").match(/<[^<>\s]+>/g) ?? [];
  const rec: OutboxRec = {
    id: randomUUID(),
    grant_id: sent.grant_id,
    message_id: sent.id,
    thread_id: sent.thread_id,
    from: sent.from,
    to: sent.to,
    cc: sent.cc,
    bcc: sent.bcc,
    reply_to: sent.reply_to,
    recipients: outside,
    subject: sent.subject,
    body: sent.body,
    headers: sent.headers.filter((h) => h.name.toLowerCase() !== "bcc"),
    rfc_message_id: sent._message_id,
    in_reply_to: header("in-reply-to"),
    references,
    date: sent.date,
  };
  if (rec.in_reply_to === undefined) delete rec.in_reply_to;
  return app.store.put<OutboxRec>("outbox", rec);
}

export interface OutboxFilter {
  to?: string;
  from?: string;
  grantId?: string;
}

/** Oldest first. */
export function listOutbox(app: App, f: OutboxFilter = {}): OutboxRec[] {
  const to = f.to?.trim().toLowerCase();
  const from = f.from?.trim().toLowerCase();
  return app.store
    .col<OutboxRec>("outbox")
    .all()
    .filter(
      (m) =>
        (!to || m.recipients.includes(to)) &&
        (!from || m.from.some((p) => p.email.toLowerCase() === from)) &&
        (!f.grantId || m.grant_id === f.grantId),
    );
}
