/**
 * Agent Account plan limits (developer.nylas.com/docs/v3/agent-accounts/send-limits/): Free and Full
 * Platform. Without a plan (`plan` unset) the emulator enforces none of them.
 */
import type { App } from "./app";
import { ApiError, badRequest, forbidden } from "./errors";
import type { InboundRefusal } from "./inbound-policy";
import type { GrantRec } from "./types";

export type PlanName = "free" | "full";
export const PLAN_NAMES: readonly PlanName[] = ["free", "full"];

export interface Plan {
  /** Agent Accounts provisioned at once (organization-wide). */
  accounts: number;
  /** Emails sent per month, organization-wide; `undefined` = overages are billed, never refused. */
  monthlySends?: number;
  /** Emails sent per account per UTC day; `undefined` = unlimited. */
  dailySendsPerAccount?: number;
  /** Inbound message size in bytes (MB = 10^6 bytes, inferred). */
  inboundBytes: number;
  rules: number;
  lists: number;
  /** Application `environment` that stands for the plan; sends/second are pooled per environment. */
  environment: "sandbox" | "production";
  /** Policy `options` (additional folders, CIDR aliasing) are allowed. */
  policyOptions: boolean;
}

export const PLANS: Record<PlanName, Plan> = {
  free: {
    accounts: 3,
    monthlySends: 3_000,
    dailySendsPerAccount: 200,
    inboundBytes: 50_000_000,
    rules: 5,
    lists: 10,
    environment: "sandbox",
    policyOptions: false,
  },
  full: {
    accounts: 20,
    inboundBytes: 100_000_000,
    rules: 30,
    lists: 50,
    environment: "production",
    policyOptions: true,
  },
};

/** Sends per second, pooled per environment: 1/s sandbox, 5/s otherwise [skills]. */
export const sendsPerSecond = (environment: string): number => (environment === "sandbox" ? 1 : 5);

export function currentPlan(app: App): Plan | undefined {
  return app.config.plan ? PLANS[app.config.plan] : undefined;
}

const planLabel = (app: App): string => (app.config.plan === "free" ? "Free" : "Full Platform");

/** 400 when creating one more `what` would pass the plan's cap (object quotas answer 400, as IAM's do). */
export function checkPlanCount(app: App, what: "accounts" | "rules" | "lists", current: () => number): void {
  const plan = currentPlan(app);
  if (!plan || current() < plan[what]) return;
  const noun = what === "accounts" ? "concurrent Agent Accounts" : what;
  throw badRequest(
    `plan limit reached: the ${planLabel(app)} plan allows ${plan[what]} ${noun} per organization; delete one or upgrade the plan`,
  );
}

export const agentAccountCount = (app: App): number => {
  let n = 0;
  for (const g of app.store.col<GrantRec>("grants").values()) if (g.provider === "nylas") n++;
  return n;
};

export function checkPolicyOptions(app: App, options: Record<string, unknown>): void {
  const plan = currentPlan(app);
  if (!plan || plan.policyOptions) return;
  const used = Object.keys(options).filter((k) => options[k] !== undefined && options[k] !== null);
  if (used.length === 0) return;
  throw badRequest(
    `options.${used[0]} is not available on the ${planLabel(app)} plan: policy options (additional_folders, use_cidr_aliasing) need the Full Platform plan`,
  );
}

// ------------------------------------------------------------------ send quotas

interface UsageRec {
  id: string;
  count: number;
  [k: string]: unknown;
}

const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const utcMonth = (ms: number): string => new Date(ms).toISOString().slice(0, 7);
const dayKey = (grantId: string, ms: number): string => `send-day:${grantId}:${utcDay(ms)}`;
const monthKey = (ms: number): string => `send-month:${utcMonth(ms)}`;
const usage = (app: App, id: string): number => app.store.get<UsageRec>("usage", id)?.count ?? 0;

function secondsToNextUtcDay(ms: number): number {
  const d = new Date(ms);
  return Math.ceil((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1) - ms) / 1000);
}

/** The workspace policy's explicit `limit_count_daily_email_sent` (omitted = plan maximum). */
function policyDailySends(app: App, g: GrantRec): number | undefined {
  const v = app.grantPolicy(g)?._limits.limit_count_daily_email_sent;
  return typeof v === "number" && v >= 0 ? v : undefined;
}

/** 403 naming the limit when this send would pass the daily (policy or plan) or monthly quota. */
export function checkSendQuota(app: App, g: GrantRec): void {
  const t = Date.now();
  const sentToday = usage(app, dayKey(g.id, t));
  const policy = policyDailySends(app, g);
  if (policy !== undefined && sentToday >= policy)
    throw forbidden(
      `daily send limit reached: the workspace policy allows ${policy} messages per account per day (limit_count_daily_email_sent); it resets at 00:00 UTC, in ${secondsToNextUtcDay(t)} s`,
    );
  const plan = currentPlan(app);
  if (plan?.dailySendsPerAccount !== undefined && sentToday >= plan.dailySendsPerAccount)
    throw forbidden(
      `daily send limit reached: the ${planLabel(app)} plan allows ${plan.dailySendsPerAccount} messages per account per day; it resets at 00:00 UTC, in ${secondsToNextUtcDay(t)} s`,
    );
  if (plan?.monthlySends !== undefined && usage(app, monthKey(t)) >= plan.monthlySends)
    throw forbidden(`monthly send limit reached: the ${planLabel(app)} plan allows ${plan.monthlySends} messages per month per organization`);
}

/** Control API: set today's send count of a grant and/or this month's organization count. */
export function setSendUsage(app: App, grantId: string, u: { today?: number; month?: number }): { today: number; month: number } {
  const t = Date.now();
  if (u.today !== undefined) app.store.put<UsageRec>("usage", { id: dayKey(grantId, t), count: u.today });
  if (u.month !== undefined) app.store.put<UsageRec>("usage", { id: monthKey(t), count: u.month });
  return { today: usage(app, dayKey(grantId, t)), month: usage(app, monthKey(t)) };
}

export function countSend(app: App, g: GrantRec): void {
  const t = Date.now();
  for (const id of [dayKey(g.id, t), monthKey(t)]) app.store.put<UsageRec>("usage", { id, count: usage(app, id) + 1 });
}

// ------------------------------------------------------------------ inbound size

/** The plan's inbound message size (the policy's stricter `limit_size_total_mime` is inbound-policy.ts's). */
export function planInboundRefusal(app: App, sizeBytes: number): InboundRefusal | undefined {
  const plan = currentPlan(app);
  if (!plan || sizeBytes <= plan.inboundBytes) return undefined;
  return {
    code: 552,
    reason: `5.3.4 message size ${sizeBytes} bytes exceeds the ${planLabel(app)} plan's inbound limit of ${plan.inboundBytes} bytes`,
  };
}

// ------------------------------------------------------------------ per-second send queue

/**
 * Sends per second pooled per environment, with the 2026-10-09 queue: a send within the rate goes
 * out at once; a burst above it is queued (202) and sent in order; a full queue (what the rate
 * drains in `sendQueueSeconds`, 90 s by default — "a message at the back of a full queue can take
 * up to 90 seconds") answers 429 with Retry-After.
 */
export class SendQueue {
  /** Time (ms) at which the next send slot is free. */
  private nextSlot = 0;

  /** `0` = send now; `> 0` = queued for that many ms. Throws 429 when the queue is full. */
  admit(ratePerSecond: number, queueSeconds: number): number {
    const t = Date.now();
    const interval = 1000 / ratePerSecond;
    const slot = Math.max(t, this.nextSlot);
    const wait = slot - t;
    if (wait > queueSeconds * 1000) {
      const retryAfter = Math.max(1, Math.ceil((wait - queueSeconds * 1000) / 1000));
      throw new ApiError(429, "rate_limit_error", "the send queue is full: too many messages per second; retry later", {
        "Retry-After": String(retryAfter),
      });
    }
    this.nextSlot = slot + interval;
    // Up to `ratePerSecond` sends in one second are within the limit: they go out at once.
    return wait <= 1000 - interval ? 0 : wait;
  }

  reset(): void {
    this.nextSlot = 0;
  }
}
