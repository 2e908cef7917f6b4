/**
 * Outbound HTTP from the emulator: the webhook challenge and CloudEvents-style notifications signed
 * with `x-nylas-signature` = hex HMAC-SHA256 of the exact body bytes.
 */
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { setMaxListeners } from "node:events";
import * as http from "node:http";
import * as https from "node:https";
import { gzipSync } from "node:zlib";

/** The spec's create/update enum (47 names). */
export const CREATE_TRIGGER_TYPES: readonly string[] = [
  "calendar.created",
  "calendar.updated",
  "calendar.deleted",
  "event.created",
  "event.updated",
  "event.deleted",
  "grant.created",
  "grant.updated",
  "grant.deleted",
  "grant.expired",
  "grant.imap_sync_completed",
  "message.send_success",
  "message.send_failed",
  "message.bounce_detected",
  "message.created",
  "message.created.cleaned",
  "message.opened",
  "message.opened.legacy",
  "message.updated",
  "message.link_clicked",
  "message.link_clicked.legacy",
  "thread.replied",
  "thread.replied.legacy",
  "contact.updated",
  "contact.deleted",
  "folder.created",
  "folder.updated",
  "folder.deleted",
  "booking.created",
  "booking.pending",
  "booking.rescheduled",
  "booking.cancelled",
  "booking.reminder",
  "message.deleted",
  "message.transactional.bounced",
  "message.transactional.complaint",
  "message.transactional.delivered",
  "message.transactional.rejected",
  "message.bounced",
  "message.complaint",
  "message.delivered",
  "message.rejected",
  "notetaker.created",
  "notetaker.updated",
  "notetaker.deleted",
  "notetaker.meeting_state",
  "notetaker.media",
];

/** Every name seen anywhere (mock-payload and send-test-event accept them; variance L11 "accepted" lets webhooks use them). */
export const TRIGGER_TYPES: readonly string[] = [
  ...CREATE_TRIGGER_TYPES,
  // Node SDK additions
  "message.created.truncated",
  "message.updated.truncated",
  "message.intelligence.order",
  "message.intelligence.tracking",
  // CLI / skills additions
  "contact.created",
  "message.opened.truncated",
];
const TRIGGER_SET = new Set(TRIGGER_TYPES);
export const isTriggerType = (t: string): boolean => TRIGGER_SET.has(t);
const CREATE_TRIGGER_SET = new Set(CREATE_TRIGGER_TYPES);
export const isCreateTriggerType = (t: string): boolean => CREATE_TRIGGER_SET.has(t);

export const MOCK_WEBHOOK_SECRET = "mock-webhook-secret";
export const newWebhookSecret = (): string => randomBytes(32).toString("hex");

export const signBody = (secret: string, body: Buffer): string =>
  createHmac("sha256", secret).update(body).digest("hex");

const RETRYABLE = new Set([408, 429, 502, 503, 504, 507]);

export interface HttpOutcome {
  status: number; // 0 = network error / timeout
  body: string;
  error?: string;
}

/** One outbound request; never rejects. */
export function httpRequest(
  method: string,
  url: string,
  opts: { headers?: Record<string, string>; body?: Buffer; timeoutMs: number; signal?: AbortSignal },
): Promise<HttpOutcome> {
  return new Promise((resolve) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      resolve({ status: 0, body: "", error: "invalid URL" });
      return;
    }
    const mod = u.protocol === "https:" ? https : http;
    let done = false;
    const finish = (o: HttpOutcome): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(o);
    };
    const req = mod.request(
      u,
      {
        method,
        headers: { "user-agent": "nylas-emulator", ...(opts.headers ?? {}) },
        agent: false,
        signal: opts.signal,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size <= 1024 * 1024) chunks.push(c);
        });
        res.on("end", () => finish({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", (e) => finish({ status: 0, body: "", error: e.message }));
      },
    );
    const timer = setTimeout(() => {
      finish({ status: 0, body: "", error: `timed out after ${opts.timeoutMs / 1000}s` });
      req.destroy();
    }, opts.timeoutMs);
    req.on("error", (e) => finish({ status: 0, body: "", error: e.message }));
    req.end(opts.body);
  });
}

export interface ChallengeResult {
  ok: boolean;
  message?: string;
}

/** `GET <url>?challenge=<random>`; the endpoint must answer 200 with exactly the value within 10 s. */
export async function runChallenge(url: string, signal?: AbortSignal, timeoutMs = 10_000): Promise<ChallengeResult> {
  const challenge = randomBytes(16).toString("hex");
  const u = new URL(url);
  u.searchParams.set("challenge", challenge);
  const r = await httpRequest("GET", u.toString(), { timeoutMs, signal });
  if (r.status === 0) return { ok: false, message: `webhook challenge failed: GET ${url} did not answer (${r.error})` };
  if (r.status !== 200)
    return { ok: false, message: `webhook challenge failed: GET ${url} answered HTTP ${r.status}, expected 200` };
  if (r.body !== challenge)
    return {
      ok: false,
      message: `webhook challenge failed: the response body of GET ${url} must be exactly the challenge query parameter value`,
    };
  return { ok: true };
}

export interface DeliveryLogEntry {
  id: string; // notification id
  webhook_id: string;
  url: string;
  trigger: string;
  attempt: number;
  status: number; // 0 = network error / timeout
  error?: string;
  ts: number; // ms
}

/** A publish to a Pub/Sub or SNS channel's topic (no cloud is reachable: this log is the only record). */
export interface ChannelDeliveryLogEntry {
  id: string; // notification id
  channel_id: string;
  channel_type: "pubsub" | "sns";
  topic: string;
  trigger: string;
  /** Message attributes (`trigger_type`, `content_encoding` when compressed). */
  attributes: Record<string, string>;
  /** The message body as published: JSON, or base64 of the gzip bytes with compressed_delivery. */
  message: string;
  status: number; // 200 = published; 0 = the topic could not be reached
  error?: string;
  ts: number; // ms
}

export interface WebhookTarget {
  id: string;
  webhook_url: string;
  compressed_delivery: boolean;
  secret: string;
}

export interface Notification {
  specversion: "1.0";
  type: string;
  source: string;
  id: string;
  time: number;
  webhook_delivery_attempt: number;
  data: { application_id: string; object: unknown };
}

export function buildNotification(trigger: string, applicationId: string, object: unknown, attempt = 1): Notification {
  return {
    specversion: "1.0",
    type: trigger,
    source: "/nylas/emulator",
    id: randomUUID(),
    time: Math.floor(Date.now() / 1000),
    webhook_delivery_attempt: attempt,
    data: { application_id: applicationId, object },
  };
}

export function encodeNotification(n: Notification, secret: string, compressed: boolean): { body: Buffer; headers: Record<string, string> } {
  const json = Buffer.from(JSON.stringify(n), "utf8");
  const body = compressed ? gzipSync(json) : json;
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-nylas-signature": signBody(secret, body),
  };
  if (compressed) headers["content-encoding"] = "gzip";
  return { body, headers };
}

/**
 * Asynchronous delivery with up to 3 attempts (retrying 408/429/502/503/504/507 and network errors).
 * Real Nylas spreads retries over 10–20 minutes; the emulator waits `retryDelaysMs`.
 */
export class Deliverer {
  readonly log: (DeliveryLogEntry | ChannelDeliveryLogEntry)[] = [];
  private timers = new Set<NodeJS.Timeout>();
  private inflight = new Set<Promise<void>>();
  private abort = new AbortController();
  private idleWaiters: Array<() => void> = [];
  closed = false;

  constructor(
    private readonly isStillActive: (webhookId: string) => WebhookTarget | undefined,
    readonly retryDelaysMs: number[] = [200, 800],
    private readonly maxLog = 20_000,
  ) {
    // Every in-flight delivery listens on this one signal (to abort on close): not a leak.
    setMaxListeners(0, this.abort.signal);
  }

  deliver(target: WebhookTarget, trigger: string, applicationId: string, object: unknown): void {
    if (this.closed) return;
    const n = buildNotification(trigger, applicationId, object);
    this.attempt(target, n, 1);
  }

  private attempt(target: WebhookTarget, n: Notification, attempt: number): void {
    n.webhook_delivery_attempt = attempt;
    const { body, headers } = encodeNotification(n, target.secret, target.compressed_delivery);
    const p = httpRequest("POST", target.webhook_url, {
      headers,
      body,
      timeoutMs: 10_000,
      signal: this.abort.signal,
    }).then((r) => {
      this.inflight.delete(p);
      if (this.closed) return this.checkIdle();
      this.record({
        id: n.id,
        webhook_id: target.id,
        url: target.webhook_url,
        trigger: n.type,
        attempt,
        status: r.status,
        error: r.error,
        ts: Date.now(),
      });
      const retry = r.status === 0 || RETRYABLE.has(r.status);
      if (retry && attempt < 3) {
        const t = setTimeout(() => {
          this.timers.delete(t);
          const still = this.isStillActive(target.id);
          if (still) this.attempt({ ...still }, n, attempt + 1);
          this.checkIdle();
        }, this.retryDelaysMs[attempt - 1] ?? 1000);
        this.timers.add(t);
      }
      this.checkIdle();
    });
    this.inflight.add(p);
  }

  /**
   * Resolves once no delivery is in flight or waiting for a retry: every notification of the events so
   * far has had all its attempts. Tests wait on it instead of sleeping before "nothing else arrived".
   */
  idle(): Promise<void> {
    if (this.inflight.size === 0 && this.timers.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private checkIdle(): void {
    if (this.inflight.size === 0 && this.timers.size === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  record(e: DeliveryLogEntry | ChannelDeliveryLogEntry): void {
    this.log.push(e);
    if (this.log.length > this.maxLog) this.log.splice(0, this.log.length - this.maxLog);
  }

  clearLog(): void {
    this.log.length = 0;
  }

  /** Cancel pending retries (used by reset). */
  cancelPending(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.checkIdle();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.cancelPending();
    this.abort.abort();
    await Promise.allSettled([...this.inflight]);
  }
}
