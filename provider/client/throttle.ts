/**
 * Client-side token bucket. Keeps a large stack under Nylas's per-application limit (50 req/s) so
 * 429s stay rare; a 429's Retry-After pauses every caller, not just the one that saw it.
 */
export class Throttle {
  private tokens: number;
  private last: number;
  private pausedUntil = 0;
  private queue: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;

  /** `perSecond <= 0` disables throttling. */
  constructor(private readonly perSecond: number, private readonly burst: number) {
    this.tokens = burst;
    this.last = Date.now();
  }

  /** Resolves when the caller may send one request. FIFO. */
  acquire(): Promise<void> {
    if (this.perSecond <= 0 && Date.now() >= this.pausedUntil) return Promise.resolve();
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
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms);
    this.tokens = 0;
    this.last = this.pausedUntil;
  }

  private refill(now: number): void {
    if (this.perSecond <= 0 || now <= this.last) return;
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
  }

  private drain(): void {
    if (this.timer) return;
    const now = Date.now();
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
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.drain();
    }, Math.max(1, ms));
    this.timer.unref?.();
  }
}
