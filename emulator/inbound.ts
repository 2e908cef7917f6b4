/**
 * The inbound pipeline. Every copy of mail into an agent account goes through {@link deliverInbound}:
 * mail from outside senders ({@link deliverOutsideMail} — the control API's inject and outbox replies in
 * emulator/inject.ts, SMTP without AUTH in emulator/smtp.ts) and mail one agent account sends another
 * (the send path, handlers/messages.ts). The stages follow Nylas's account of Agent Account inbound mail:
 *  1. RCPT-time rules ({@link rcptStage}): a matching `block` rule refuses the copy (SMTP 550) and
 *     leaves an `smtp_rcpt` rule evaluation without a message;
 *  2. limits (inbound-policy.ts): the plan's inbound size and the policy's `limit_size_total_mime`
 *     (552) and `limit_count_daily_message_received` (452) refuse it — nothing stored, no webhook;
 *  3. spam detection (inbound-policy.ts): the policy's `spam_detection` files it in junk;
 *  4. inbox-processing rules: the other actions (`mark_as_spam`, `assign_to_folder` into system or
 *     custom folders, …), recorded as an `inbox_processing` rule evaluation;
 *  5. threading and store, then `message.created` to every subscribed webhook and Pub/Sub/SNS channel
 *     (for mail filed in junk as the variance L10 switch `junkNotification` says).
 */
import { randomUUID } from "node:crypto";
import type { App } from "./app";
import { resolveFolderName } from "./handlers/folders";
import { evaluationInput, recordEvaluation } from "./handlers/rule-evaluations";
import { screenInbound, type InboundRefusal, type SpamVerdict } from "./inbound-policy";
import { bracketMessageId, publicMessage, referencedIds, snippetOf, storeMessage, threadFor, type Header } from "./mailbox";
import { applyActions, evaluateRules, type RuleOutcome } from "./rule-engine";
import type { GrantRec, MessageRec, Participant } from "./types";
import { domainOf, now } from "./validate";
import type { Variance } from "./variance";

export type { InboundRefusal, SpamVerdict } from "./inbound-policy";

/** One copy of a message as it reaches an agent account. */
export interface InboundMail {
  messageId: string;
  from: Participant[];
  to: Participant[];
  cc: Participant[];
  replyTo: Participant[];
  subject: string;
  body: string;
  headers: Header[];
  date: number;
  /** Size of the whole MIME message (plan and policy size limits); default: body + headers. */
  sizeBytes?: number;
  /** SMTP client address, for mail that came in over SMTP (DNSBL check). */
  clientIp?: string;
}

/** What happened to one account's copy. */
export interface CopyOutcome {
  outcome: "delivered" | "blocked" | "refused";
  /** The stored message, when delivered. */
  message?: MessageRec;
  matchedRuleIds: string[];
  /** Blocked or refused: the SMTP reply the sending server gets. */
  refusal?: InboundRefusal;
  spam?: SpamVerdict;
}

/** Stage 1, at `RCPT TO`: the account's inbound rules; a `block` refuses the copy and is recorded. */
export function rcptStage(app: App, g: GrantRec, from: string): { rules: RuleOutcome; refusal?: InboundRefusal } {
  const rules = evaluateRules(app, g, "inbound", { from, recipients: [g.email] });
  if (!rules.blocked) return { rules };
  recordEvaluation(app, g, { stage: "smtp_rcpt", messageId: null, input: evaluationInput(from), applied: { blocked: true }, matched: rules.matched });
  return { rules, refusal: { code: 550, reason: `5.7.1 rejected by inbound rule ${rules.blocked.id} (${rules.blocked.name})` } };
}

/** One copy into an agent account, through every stage of the pipeline (`variance`: the request's switches). */
export function deliverInbound(app: App, g: GrantRec, mail: InboundMail, variance: Variance = app.variance): CopyOutcome {
  const from = mail.from[0]?.email ?? "";
  const { rules, refusal } = rcptStage(app, g, from);
  if (refusal) return { outcome: "blocked", matchedRuleIds: rules.matched, refusal };
  const screening = screenInbound(app, g, mail);
  if (screening.refused) return { outcome: "refused", matchedRuleIds: rules.matched, refusal: screening.refused };
  const refs = referencedIds(mail.headers);
  // the account's own copy of the same Message-ID (a message to oneself) shares its thread
  const thread = threadFor(app, g.id, [mail.messageId, ...refs], mail.subject);
  const received: MessageRec = {
    id: randomUUID(),
    object: "message",
    grant_id: g.id,
    thread_id: thread.id,
    date: mail.date,
    created_at: mail.date,
    folders: [screening.spam?.spam ? "junk" : "inbox"],
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
  const { message: m, applied } = applyActions(received, rules.actions, (name) => resolveFolderName(app, g, name));
  storeMessage(app, m, thread);
  recordEvaluation(app, g, { stage: "inbox_processing", messageId: m.id, input: evaluationInput(from), applied, matched: rules.matched });
  if (!m.folders.includes("junk") || variance.junkNotification === "fires") app.emit("message.created", publicMessage(m));
  return { outcome: "delivered", message: m, matchedRuleIds: rules.matched, spam: screening.spam };
}

// ------------------------------------------------------------------ mail from outside senders

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
  headers: Header[];
  date?: number;
  /** Agent addresses to deliver to; default every agent account among to and cc. */
  envelopeTo?: string[];
  sizeBytes?: number;
  clientIp?: string;
}

/** One recipient's outcome. */
export interface RecipientResult {
  email: string;
  /** The agent account (absent for addresses that are not agent accounts). */
  grant_id?: string;
  outcome: "delivered" | "blocked" | "refused" | "not_an_agent_account";
  /** Where the copy landed (`inbox`, `junk`, `archive`, a custom folder id, …). */
  folder?: string;
  message_id?: string;
  thread_id?: string;
  matched_rule_ids: string[];
  /** Blocked or refused: the SMTP reply code the sending server gets (550 rule, 552 size, 452 daily count). */
  smtp_code?: number;
  reason?: string;
  spam?: SpamVerdict;
}

export interface InjectResult {
  /** The delivered copies (Message objects), one per agent account that stored it. */
  data: Record<string, unknown>[];
  /** The RFC 5322 Message-ID the mail carried. */
  message_id: string;
  results: RecipientResult[];
}

/** Mail from an outside address into every agent account it is addressed to. */
export function deliverOutsideMail(app: App, mail: OutsideMail, variance: Variance = app.variance): InjectResult {
  const messageId = mail.messageId ? bracketMessageId(mail.messageId) : `<${randomUUID()}@${domainOf(mail.from.email)}>`;
  const headers: Header[] = [
    { name: "Message-ID", value: messageId },
    { name: "Subject", value: mail.subject },
    { name: "From", value: mail.from.name ? `${mail.from.name} <${mail.from.email}>` : mail.from.email },
    { name: "To", value: mail.to.map((p) => p.email).join(", ") },
  ];
  if (mail.cc.length) headers.push({ name: "Cc", value: mail.cc.map((p) => p.email).join(", ") });
  if (mail.inReplyTo) headers.push({ name: "In-Reply-To", value: bracketMessageId(mail.inReplyTo) });
  if (mail.references.length) headers.push({ name: "References", value: mail.references.map(bracketMessageId).join(" ") });
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
    const copy = deliverInbound(app, g, {
      messageId,
      from: [mail.from],
      to: mail.to,
      cc: mail.cc,
      replyTo: mail.replyTo,
      subject: mail.subject,
      body: mail.body,
      headers,
      date,
      sizeBytes: mail.sizeBytes,
      clientIp: mail.clientIp,
    }, variance);
    const r: RecipientResult = { email, grant_id: g.id, outcome: copy.outcome, matched_rule_ids: copy.matchedRuleIds };
    const m = copy.message;
    if (m) {
      data.push(publicMessage(m));
      Object.assign(r, { folder: m.folders[0], message_id: m.id, thread_id: m.thread_id });
    }
    if (copy.refusal) Object.assign(r, { smtp_code: copy.refusal.code, reason: copy.refusal.reason });
    if (copy.spam) r.spam = copy.spam;
    results.push(r);
  }
  return { data, message_id: messageId, results };
}
