/**
 * The mail store of agent accounts: the public views of messages and threads, RFC 5322 threading
 * (In-Reply-To / References) and storing a message into its thread. Shared by the send path
 * (handlers/messages.ts) and the inbound pipeline (inbound.ts).
 */
import { randomUUID } from "node:crypto";
import { App, publicFields } from "./app";
import type { MessageRec, Participant, ThreadRec } from "./types";
import { now } from "./validate";

export type Header = { name: string; value: string };

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

// ------------------------------------------------------------------ helpers and threading

export function snippetOf(body: string): string {
  return body
    .replace(/<(style|script)[\s\S]*?<\/\1>/gi, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&nbsp;/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 100);
}

/** A Message-ID in angle brackets, however it was given. */
export const bracketMessageId = (id: string): string => `<${id.trim().replace(/^<|>$/g, "")}>`;

/** The Message-IDs of an In-Reply-To or References value (a bare id is bracketed). */
export function parseMessageIds(v: string): string[] {
  return v.match(/<[^<>\s]+>/g) ?? (v.trim() ? [bracketMessageId(v)] : []);
}

export function headerValue(headers: Header[], name: string): string | undefined {
  const h = headers.find((x) => x.name.toLowerCase() === name.toLowerCase());
  return h?.value;
}

/** All Message-IDs a message refers to, newest reference first (In-Reply-To, then References reversed). */
export function referencedIds(headers: Header[]): string[] {
  const irt = parseMessageIds(headerValue(headers, "In-Reply-To") ?? "");
  const refs = parseMessageIds(headerValue(headers, "References") ?? "").reverse();
  return [...new Set([...irt, ...refs])];
}

/** Find the grant's thread for any of the referenced Message-IDs, or start a new one. */
export function threadFor(app: App, grantId: string, refs: string[], subject: string): ThreadRec {
  for (const ref of refs) {
    const mid = app.idx.messageByHeader.get(`${grantId}\n${ref}`);
    const m = mid ? app.store.get<MessageRec>("messages", mid) : undefined;
    const t = m ? app.store.get<ThreadRec>("threads", m.thread_id) : undefined;
    if (t) return t;
  }
  return { id: randomUUID(), grant_id: grantId, subject, message_ids: [], created_at: now() };
}

export function storeMessage(app: App, m: MessageRec, thread: ThreadRec): MessageRec {
  app.store.put<ThreadRec>("threads", { ...thread, message_ids: [...thread.message_ids, m.id] });
  return app.store.put<MessageRec>("messages", m);
}
