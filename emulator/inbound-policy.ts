/**
 * The limits and spam stages of the inbound pipeline (inbound.ts, stages 3–4): the plan's inbound size and
 * the workspace policy's limits refuse a message, the policy's `spam_detection` files it in junk. Nylas
 * documents the switches, not the scoring; the emulator's model (README, "Inbound mail"):
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
import type { Header } from "./mailbox";
import { planInboundRefusal } from "./plan";
import type { InboundMail } from "./inbound";
import type { GrantRec, MessageRec } from "./types";
import { domainOf } from "./validate";

/** What these stages read of a copy. */
export type ScreenedMail = Pick<InboundMail, "from" | "replyTo" | "body" | "headers" | "date" | "sizeBytes" | "clientIp">;

/** What the sending server is told when a message is refused (nothing is stored, no webhook fires). */
export interface InboundRefusal {
  /** SMTP reply code. */
  code: number;
  /** Enhanced status code and text, e.g. `5.3.4 message size …`. */
  reason: string;
}

export interface SpamVerdict {
  spam: boolean;
  score: number;
  threshold: number;
  reasons: string[];
}

export interface Screening {
  /** Set when a limit refuses the message. */
  refused?: InboundRefusal;
  spam?: SpamVerdict;
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

export const estimatedSize = (mail: { body: string; headers: Header[] }): number =>
  Buffer.byteLength(mail.body) + mail.headers.reduce((n, h) => n + h.name.length + h.value.length + 4, 0);

/** Limits (plan inbound size, then the policy's), then spam detection, for one recipient agent account's copy. */
export function screenInbound(app: App, g: GrantRec, mail: ScreenedMail): Screening {
  const size = mail.sizeBytes ?? estimatedSize(mail);
  const plan = planInboundRefusal(app, size);
  if (plan) return { refused: plan };
  const p = app.grantPolicy(g);
  if (!p) return {};
  const limits = p._limits as { limit_count_daily_message_received?: number; limit_size_total_mime?: number };
  const maxSize = limits.limit_size_total_mime;
  if (maxSize !== undefined && maxSize >= 0 && size > maxSize)
    return { refused: { code: 552, reason: `5.3.4 message size ${size} bytes exceeds the policy's limit_size_total_mime of ${maxSize} bytes` } };
  const daily = limits.limit_count_daily_message_received;
  if (daily !== undefined && daily >= 0 && receivedToday(app, g, mail.date) >= daily)
    return { refused: { code: 452, reason: `4.2.2 ${g.email} already received limit_count_daily_message_received (${daily}) messages today` } };

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
