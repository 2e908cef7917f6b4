import { systemClock, type Clock } from "./clock";

/**
 * Client-side rate limiting. Nylas's limit is per application (50 req/s published for grants and
 * webhooks), shared by every process that uses the API key — a CI matrix of stacks, other tools —
 * and it sends no `X-RateLimit-*` headers, so the only signal is the 429.
 *
 * By default the rate is adaptive (AIMD, as TCP does for a shared link): start at the published 50
 * req/s, halve on a 429, recover additively while answers come back. Processes that share one budget
 * all see its 429s; each cuts in proportion to its rate and all regain at the same pace, so their rates
 * converge on equal shares without any configuration. `nylas:requestsPerSecond` pins a fixed rate.
 *
 * The pieces below are pure (an injected clock, no timers) except {@link Throttle}, which queues
 * callers and wakes them (through its {@link Clock}'s sleep) when {@link TokenBucket} says so.
 */

/** Milliseconds now: the client's {@link Clock} in production, a variable in the AIMD tests. */
export type Now = () => number;

// ----------------------------------------------------------------------------------- token bucket

/** `rate` tokens per second, at most `burst` saved up; a pause empties it until a moment. */
export class TokenBucket {
  private tokens: number;
  /** Tokens are counted up to here; in the future while paused. */
  private last: number;

  constructor(private rate: number, private burst: number, now: number) {
    this.tokens = burst;
    this.last = now;
  }

  get perSecond(): number {
    return this.rate;
  }

  /** Takes a token and returns 0, or returns the ms until one is there (and takes nothing). */
  take(now: number): number {
    if (now < this.last) return this.last - now;
    this.refill(now);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil(((1 - this.tokens) / this.rate) * 1000));
  }

  /** A new rate; what is saved up stays (capped at the new burst). */
  setRate(rate: number, burst: number, now: number): void {
    this.refill(now);
    this.rate = rate;
    this.burst = burst;
    this.tokens = Math.min(this.tokens, burst);
  }

  /**
   * Nothing before `until`, and nothing saved up after it: a 429 says the server's budget is spent,
   * so requests resume at the steady rate instead of in a burst that would overrun the refilled
   * budget again (a client paced at the server's own rate otherwise drew 429s all along: ~100 per
   * 1000 mailboxes at 50 req/s, see bench/RESULTS.md).
   */
  empty(until: number): void {
    this.tokens = 0;
    this.last = Math.max(this.last, until);
  }

  private refill(now: number): void {
    if (now <= this.last) return;
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
  }
}

// ------------------------------------------------------------------------------------------- AIMD

export interface AdaptiveOptions {
  /** Starting rate and ceiling, req/s: Nylas's published per-application limit. */
  max: number;
  /** Floor, req/s: progress continues even when many processes share the budget. */
  min: number;
  /** Multiplied into the rate on a 429. */
  decrease: number;
  /** Req/s regained per second of requests answered without a 429, right after a cut. */
  increase: number;
  /**
   * Seconds after which the regain per second has doubled (and tripled after twice that…), so a
   * process left alone on the budget climbs back to the ceiling in seconds, while processes that
   * share it — cut every second or two — keep to the small steps that let them converge.
   */
  accelerateSeconds: number;
  /** Seconds of the current rate that may go out at once. */
  burstSeconds: number;
}

/**
 * 50 req/s is Nylas's published per-application limit (it also assumes it for the admin objects whose
 * limit is unpublished, see developer.nylas.com/docs/dev-guide/platform/rate-limits/). The decrease and
 * increase were chosen with the bench's fleet scenario (8 processes on one 50 req/s application): see
 * bench/RESULTS.md.
 */
export const ADAPTIVE_DEFAULTS: AdaptiveOptions = { max: 50, min: 0.5, decrease: 0.5, increase: 1, accelerateSeconds: 2, burstSeconds: 0.1 };

/**
 * Additive-increase / multiplicative-decrease rate. Every request carries the epoch it was sent in
 * ({@link stamp}); only a 429 of a request sent at the current rate cuts it, so the burst of 429s that
 * the requests already in flight bring back counts as one signal, not ten.
 */
export class AdaptiveRate {
  rate: number;
  private epoch = 0;
  private lastAnswer: number;
  private lastCut: number;

  constructor(private readonly o: AdaptiveOptions, private readonly clock: Now) {
    this.rate = o.max;
    this.lastAnswer = this.lastCut = clock();
  }

  /** The epoch a request sent now belongs to. */
  stamp(): number {
    return this.epoch;
  }

  /**
   * A request was answered without a 429: regain `increase` req/s per second of answers. The time
   * credited per answer is at most one request interval, so an idle spell (or a burst of answers
   * arriving together) does not count as a second of success.
   */
  answered(): void {
    const now = this.clock();
    const dt = Math.min(Math.max(0, now - this.lastAnswer) / 1000, 1 / this.rate);
    this.lastAnswer = now;
    const sinceCut = Math.max(0, now - this.lastCut) / 1000;
    this.rate = Math.min(this.o.max, this.rate + this.o.increase * (1 + sinceCut / this.o.accelerateSeconds) * dt);
  }

  /** A 429: cut the rate, once per epoch. Returns whether it did. */
  throttled(epoch: number): boolean {
    if (epoch !== this.epoch) return false;
    this.epoch++;
    this.rate = Math.max(this.o.min, this.rate * this.o.decrease);
    this.lastAnswer = this.lastCut = this.clock();
    return true;
  }

  burst(): number {
    return Math.max(1, this.rate * this.o.burstSeconds);
  }
}

// --------------------------------------------------------------------------------------- throttle

export type ThrottleMode =
  /** A pinned rate (`nylas:requestsPerSecond`); `perSecond <= 0` turns throttling off. */
  | { kind: "fixed"; perSecond: number; burst: number }
  | ({ kind: "adaptive" } & Partial<AdaptiveOptions>);

/** What {@link Throttle.acquire} hands out: give it back through `answered` or `throttled`. */
export type Ticket = number;

/**
 * FIFO queue in front of the bucket. A 429's Retry-After pauses every caller, not just the one that
 * saw it; in adaptive mode every 429 (with or without Retry-After) also cuts the rate.
 */
export class Throttle {
  private readonly bucket?: TokenBucket;
  private readonly adaptive?: AdaptiveRate;
  private pausedUntil = 0;
  private queue: Array<(t: Ticket) => void> = [];
  private waking = false;

  constructor(mode: ThrottleMode, private readonly clock: Clock = systemClock) {
    const now = clock.now();
    if (mode.kind === "adaptive") {
      this.adaptive = new AdaptiveRate({ ...ADAPTIVE_DEFAULTS, ...definedOnly(mode) }, () => clock.now());
      this.bucket = new TokenBucket(this.adaptive.rate, this.adaptive.burst(), now);
    } else if (mode.perSecond > 0) {
      this.bucket = new TokenBucket(mode.perSecond, Math.max(1, mode.burst), now);
    }
  }

  /** The current rate in req/s (Infinity when off). */
  get rate(): number {
    return this.bucket?.perSecond ?? Infinity;
  }

  /** Resolves when the caller may send one request. FIFO. */
  acquire(): Promise<Ticket> {
    if (!this.bucket && this.queue.length === 0 && this.clock.now() >= this.pausedUntil) return Promise.resolve(0);
    return new Promise((resolve) => {
      this.queue.push(resolve);
      this.drain();
    });
  }

  /** The request of `ticket` got an answer other than 429. */
  answered(_ticket: Ticket): void {
    if (!this.adaptive) return;
    this.adaptive.answered();
    this.bucket!.setRate(this.adaptive.rate, this.adaptive.burst(), this.clock.now());
  }

  /** The request of `ticket` got a 429, with the Retry-After in ms when there was one. */
  throttled(ticket: Ticket, retryAfterMs?: number): void {
    const now = this.clock.now();
    const cut = this.adaptive?.throttled(ticket) ?? false;
    if (cut) this.bucket!.setRate(this.adaptive!.rate, this.adaptive!.burst(), now);
    if (retryAfterMs !== undefined) {
      this.pausedUntil = Math.max(this.pausedUntil, now + retryAfterMs);
      this.bucket?.empty(this.pausedUntil);
    } else if (cut) {
      this.bucket!.empty(now);
    }
  }

  private drain(): void {
    if (this.waking) return;
    for (;;) {
      if (this.queue.length === 0) return;
      const now = this.clock.now();
      const wait = now < this.pausedUntil ? this.pausedUntil - now : (this.bucket?.take(now) ?? 0);
      if (wait > 0) return this.schedule(wait);
      this.queue.shift()!(this.adaptive?.stamp() ?? 0);
    }
  }

  private schedule(ms: number): void {
    this.waking = true;
    void this.clock.sleep(Math.max(1, ms)).then(() => {
      this.waking = false;
      this.drain();
    });
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([k, v]) => v !== undefined && k !== "kind")) as Partial<T>;
}
