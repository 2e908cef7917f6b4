import { systemClock, type Clock } from "./clock";

/**
 * Client-side token bucket. Keeps a large stack under Nylas's per-application limit (50 req/s) so
 * 429s stay rare; a 429's Retry-After pauses every caller, not just the one that saw it.
 */
export class Throttle {
  private tokens: number;
  private last: number;
  private pausedUntil = 0;
  private queue: Array<() => void> = [];
  private waking = false;

  /** `perSecond <= 0` disables throttling. */
  constructor(private readonly perSecond: number, private readonly burst: number, private readonly clock: Clock = systemClock) {
    this.tokens = burst;
    this.last = clock.now();
  }

  /** Resolves when the caller may send one request. FIFO. */
  acquire(): Promise<void> {
    if (this.perSecond <= 0 && this.clock.now() >= this.pausedUntil) return Promise.resolve();
    return new Promise((resolve) => {
      this.queue.push(resolve);
      this.drain();
    });
  }

  /**
   * Holds every caller until `ms` from now (used for Retry-After), and empties the bucket: a 429 says
   * the server's budget is spent, so after the wait requests resume at the steady rate instead of a
   * burst that would overrun the server's refilled budget again. (Without this, a client paced at
   * the server's own rate kept the server's bucket near empty and drew 429s all along: ~100 per
   * 1000 mailboxes at 50 req/s in the bench, see bench/RESULTS.md.)
   */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + ms);
    this.tokens = 0;
    this.last = this.pausedUntil;
  }

  private refill(now: number): void {
    if (this.perSecond <= 0 || now <= this.last) return;
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
  }

  private drain(): void {
    if (this.waking) return;
    const now = this.clock.now();
    this.refill(now);
    if (now < this.pausedUntil) {
      this.schedule(this.pausedUntil - now);
      return;
    }
    while (this.queue.length > 0 && (this.perSecond <= 0 || this.tokens >= 1)) {
      if (this.perSecond > 0) this.tokens -= 1;
      this.queue.shift()!();
    }
    if (this.queue.length > 0) this.schedule(Math.ceil(((1 - this.tokens) / this.perSecond) * 1000));
  }

  private schedule(ms: number): void {
    this.waking = true;
    void this.clock.sleep(Math.max(1, ms)).then(() => {
      this.waking = false;
      this.drain();
    });
  }
}
