/**
 * The policy stage of the inbound pipeline (reference §1 "Inbound mail handling", steps 3–4): the
 * workspace policy's limits refuse a message, its `spam_detection` files it in junk. Nylas documents the
 * switches, not the scoring; the emulator's model (README, "Inbound mail"):
 *  - a DNSBL hit (`use_list_dnsbl`; sender domain, a parent domain or the SMTP client IP in the
 *    `dnsbl` config list) scores 5;
 *  - each header anomaly (`use_header_anomaly_detection`) scores 2.5: a Reply-To domain other than the
 *    From domain, a From display name that is another email address, a Return-Path domain other than
 *    the From domain;
 *  - the message is spam when the score reaches 5 / `spam_sensitivity` (default 1: one DNSBL hit or two
 *    anomalies; sensitivity 2: one anomaly).
 */
import type { App } from "./app";
import { publicPolicy } from "./handlers/policies";
import type { GrantRec, MessageRec, Participant, PolicyRec, WorkspaceRec } from "./types";
import { domainOf } from "./validate";

export interface ScreenedMail {
  from: Participant[];
  replyTo: Participant[];
  subject: string;
  body: string;
  headers: { name: string; value: string }[];
  date: number;
  /** SMTP client address, for mail that came in over SMTP. */
  clientIp?: string;
}

export interface SpamVerdict {
  spam: boolean;
  score: number;
  threshold: number;
  reasons: string[];
}

export interface Screening {
  /** Set when a policy limit refuses the message (nothing is stored, no webhook fires). */
  refused?: string;
  spam?: SpamVerdict;
}

function policyOf(app: App, g: GrantRec): PolicyRec | undefined {
  const w = g.workspace_id ? app.store.get<WorkspaceRec>("workspaces", g.workspace_id) : undefined;
  return w?.policy_id ? app.store.get<PolicyRec>("policies", w.policy_id) : undefined;
}

/** Messages the grant received since 00:00 UTC today (newest first, stops at the first older one). */
function receivedToday(app: App, g: GrantRec, t: number): number {
  const dayStart = t - (t % 86_400);
  const ids = app.idx.messagesByGrant.get(g.id)?.ids ?? [];
  let n = 0;
  for (let i = ids.length - 1; i >= 0; i--) {
    const m = app.store.get<MessageRec>("messages", ids[i]);
    if (!m) continue;
    if (m.date < dayStart) break;
    if (!m.folders.includes("sent")) n++;
  }
  return n;
}

const EMAIL_IN_TEXT = /[^\s<>@"]+@[^\s<>@"]+\.[^\s<>@"]+/;

function headerAnomalies(mail: ScreenedMail): string[] {
  const from = mail.from[0];
  if (!from) return ["no From address"];
  const fromDomain = domainOf(from.email);
  const out: string[] = [];
  const replyTo = mail.replyTo[0]?.email;
  if (replyTo && domainOf(replyTo) !== fromDomain) out.push(`Reply-To domain ${domainOf(replyTo)} differs from From domain ${fromDomain}`);
  const named = from.name?.match(EMAIL_IN_TEXT)?.[0];
  if (named && named.toLowerCase() !== from.email.toLowerCase()) out.push(`From display name is another address (${named})`);
  const returnPath = mail.headers.find((h) => h.name.toLowerCase() === "return-path")?.value.replace(/[<>\s]/g, "");
  if (returnPath && returnPath.includes("@") && domainOf(returnPath) !== fromDomain)
    out.push(`Return-Path domain ${domainOf(returnPath)} differs from From domain ${fromDomain}`);
  return out;
}

function dnsblHit(app: App, mail: ScreenedMail): string | undefined {
  const listed = new Set(app.config.dnsbl.map((d) => d.trim().toLowerCase()));
  if (listed.size === 0) return undefined;
  if (mail.clientIp && listed.has(mail.clientIp)) return `client IP ${mail.clientIp} is on the DNSBL`;
  const email = mail.from[0]?.email;
  if (!email) return undefined;
  const labels = domainOf(email).split(".");
  for (let i = 0; i < labels.length - 1; i++) {
    const d = labels.slice(i).join(".");
    if (listed.has(d)) return `sender domain ${d} is on the DNSBL`;
  }
  return undefined;
}

/** Limits, then spam detection, for one recipient agent account's copy. */
export function screenInbound(app: App, g: GrantRec, mail: ScreenedMail): Screening {
  const p = policyOf(app, g);
  if (!p) return {};
  const limits = p._limits as { limit_count_daily_message_received?: number; limit_size_total_mime?: number };
  const size = Buffer.byteLength(mail.body) + mail.headers.reduce((n, h) => n + h.name.length + h.value.length + 4, 0);
  if (limits.limit_size_total_mime !== undefined && limits.limit_size_total_mime >= 0 && size > limits.limit_size_total_mime)
    return { refused: `message size ${size} B is over the policy's limit_size_total_mime ${limits.limit_size_total_mime} B` };
  const daily = limits.limit_count_daily_message_received;
  if (daily !== undefined && daily >= 0 && receivedToday(app, g, mail.date) >= daily)
    return { refused: `${g.email} already received limit_count_daily_message_received (${daily}) messages today` };

  const sd = publicPolicy(p).spam_detection as { use_list_dnsbl: boolean; use_header_anomaly_detection: boolean; spam_sensitivity: number };
  if (!sd.use_list_dnsbl && !sd.use_header_anomaly_detection) return {};
  const reasons: string[] = [];
  let score = 0;
  if (sd.use_list_dnsbl) {
    const hit = dnsblHit(app, mail);
    if (hit) {
      reasons.push(hit);
      score += 5;
    }
  }
  if (sd.use_header_anomaly_detection) {
    const anomalies = headerAnomalies(mail);
    reasons.push(...anomalies);
    score += 2.5 * anomalies.length;
  }
  const threshold = 5 / (sd.spam_sensitivity > 0 ? sd.spam_sensitivity : 1);
  return { spam: { spam: score > 0 && score >= threshold, score, threshold, reasons } };
}
