import { ADAPTIVE_DEFAULTS, AdaptiveRate, Throttle, TokenBucket, type AdaptiveOptions } from "../../provider/client/throttle";

/**
 * The adaptive throttle's logic with an injected clock: no timers, no real time. The last block
 * simulates several processes sharing one application's 50 req/s budget, to check the property the
 * adaptive default exists for — they settle on a fair share and keep the budget in use.
 */

function clock(start = 0) {
  const c = { now: start, fn: () => c.now };
  return c;
}

describe("TokenBucket", () => {
  it("hands out the burst at once, then one token per 1/rate", () => {
    const b = new TokenBucket(10, 3, 0);
    expect([b.take(0), b.take(0), b.take(0)]).toEqual([0, 0, 0]);
    expect(b.take(0)).toBe(100);
    expect(b.take(50)).toBe(50);
    expect(b.take(100)).toBe(0);
  });

  it("saves up no more than the burst", () => {
    const b = new TokenBucket(10, 2, 0);
    b.take(0);
    b.take(0);
    expect(b.take(60_000)).toBe(0);
    expect(b.take(60_000)).toBe(0);
    expect(b.take(60_000)).toBeGreaterThan(0);
  });

  it("empty(until) gives nothing before `until` and no saved-up burst after it", () => {
    const b = new TokenBucket(10, 5, 0);
    b.empty(1000);
    expect(b.take(400)).toBe(600);
    expect(b.take(1000)).toBe(100);
    expect(b.take(1100)).toBe(0);
  });

  it("setRate keeps what is saved up, capped at the new burst", () => {
    const b = new TokenBucket(50, 5, 0);
    b.setRate(10, 1, 0);
    expect(b.take(0)).toBe(0);
    expect(b.take(0)).toBe(100);
    expect(b.perSecond).toBe(10);
  });
});

describe("AdaptiveRate (AIMD)", () => {
  const opts = (o: Partial<AdaptiveOptions> = {}): AdaptiveOptions => ({ ...ADAPTIVE_DEFAULTS, ...o });

  it("starts at Nylas's published 50 req/s", () => {
    expect(ADAPTIVE_DEFAULTS.max).toBe(50);
    expect(new AdaptiveRate(opts(), clock().fn).rate).toBe(50);
  });

  it("cuts multiplicatively on a 429, once per epoch: the 429s of requests already in flight are one signal", () => {
    const c = clock();
    const r = new AdaptiveRate(opts({ decrease: 0.5 }), c.fn);
    const inFlight = Array.from({ length: 10 }, () => r.stamp());
    expect(r.throttled(inFlight[0])).toBe(true);
    expect(r.rate).toBe(25);
    for (const t of inFlight.slice(1)) expect(r.throttled(t)).toBe(false);
    expect(r.rate).toBe(25);
    // A request sent at the new rate that is refused again: another cut.
    expect(r.throttled(r.stamp())).toBe(true);
    expect(r.rate).toBe(12.5);
  });

  it("never goes below the floor", () => {
    const r = new AdaptiveRate(opts({ min: 0.5 }), clock().fn);
    for (let i = 0; i < 50; i++) r.throttled(r.stamp());
    expect(r.rate).toBe(0.5);
  });

  it("recovers additively while answers come at the rate, faster the longer since the cut, up to the ceiling", () => {
    const c = clock();
    const r = new AdaptiveRate(opts({ increase: 1, accelerateSeconds: 2 }), c.fn);
    r.throttled(r.stamp()); // 25
    r.throttled(r.stamp()); // 12.5
    const gained: number[] = [];
    for (let second = 0; second < 4; second++) {
      const before = r.rate;
      const end = c.now + 1000;
      while (c.now < end) {
        c.now += 1000 / r.rate;
        r.answered();
      }
      gained.push(r.rate - before);
    }
    // ≈ increase × (1 + t / accelerateSeconds) per second: ~1.25, ~1.75, ~2.25, ~2.75.
    gained.forEach((g, i) => expect(g).toBeCloseTo(1 + (i + 0.5) / 2, 0));
    for (let i = 0; i < 1000; i++) {
      c.now += 1000 / r.rate;
      r.answered();
    }
    expect(r.rate).toBe(50);
  });

  it("gains nothing from a burst of answers arriving together, and one interval's worth from an idle spell", () => {
    const c = clock();
    const r = new AdaptiveRate(opts({ increase: 1, accelerateSeconds: Infinity }), c.fn);
    r.throttled(r.stamp());
    const cut = r.rate;
    c.now += 40;
    for (let i = 0; i < 10; i++) r.answered();
    expect(r.rate).toBeCloseTo(cut + 1 * 0.04, 6);
    const before = r.rate;
    c.now += 60_000;
    r.answered();
    expect(r.rate).toBeCloseTo(before + 1 / before, 6);
  });
});

describe("Throttle", () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it("adaptive: a 429 of a current ticket cuts the rate and empties the bucket; a stale ticket does not cut again", async () => {
    const t = new Throttle({ kind: "adaptive" });
    expect(t.rate).toBe(50);
    const tickets = await Promise.all([t.acquire(), t.acquire()]);
    t.throttled(tickets[0]);
    expect(t.rate).toBe(25);
    t.throttled(tickets[1]);
    expect(t.rate).toBe(25);
    let sent = 0;
    for (let i = 0; i < 5; i++) void t.acquire().then(() => sent++);
    await jest.advanceTimersByTimeAsync(0);
    expect(sent).toBe(0); // no saved-up burst after a 429
    await jest.advanceTimersByTimeAsync(200);
    expect(sent).toBe(5); // 25 req/s: one per 40 ms
  });

  it("adaptive: a Retry-After pauses every caller and cuts the rate", async () => {
    const t = new Throttle({ kind: "adaptive" });
    t.throttled(await t.acquire(), 1000);
    expect(t.rate).toBe(25);
    let sent = 0;
    for (let i = 0; i < 3; i++) void t.acquire().then(() => sent++);
    await jest.advanceTimersByTimeAsync(990);
    expect(sent).toBe(0);
    await jest.advanceTimersByTimeAsync(200);
    expect(sent).toBe(3);
  });

  it("fixed: the rate stays pinned through 429s; only a Retry-After pauses", async () => {
    const t = new Throttle({ kind: "fixed", perSecond: 10, burst: 1 });
    const ticket = await t.acquire();
    t.throttled(ticket);
    expect(t.rate).toBe(10);
    t.throttled(ticket, 500);
    expect(t.rate).toBe(10);
    let sent = 0;
    void t.acquire().then(() => sent++);
    await jest.advanceTimersByTimeAsync(450);
    expect(sent).toBe(0);
    await jest.advanceTimersByTimeAsync(200);
    expect(sent).toBe(1);
  });
});

// ---------------------------------------------------------------------------------- a shared budget

/** Park–Miller: the simulation is the same on every run. */
function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

/**
 * `k` processes, each with `concurrency` requests in flight at most and its own adaptive rate, against
 * one server allowing `serverRate` req/s (a token bucket of one second, as the emulator's), answering
 * after `latencyMs` (± half). A 429 is retried after the Retry-After (1 s), like the client does.
 * Returns the requests each process got through during [from, to) ms of simulated time.
 */
function simulate(k: number, serverRate: number, latencyMs: number, from: number, to: number, seed: number): number[] {
  const c = clock();
  const rnd = random(seed);
  const server = new TokenBucket(serverRate, serverRate, 0);
  const events: Array<{ at: number; run: () => void }> = [];
  const at = (when: number, run: () => void) => events.push({ at: when, run });
  const done = new Array(k).fill(0);
  for (let p = 0; p < k; p++) {
    const rate = new AdaptiveRate(ADAPTIVE_DEFAULTS, c.fn);
    const bucket = new TokenBucket(rate.rate, rate.burst(), 0);
    let pausedUntil = 0;
    let waiting = 0;
    let wake = false;
    const send = () => {
      const ticket = rate.stamp();
      at(c.now + latencyMs * (0.5 + rnd()), () => {
        const ok = server.take(c.now) === 0;
        at(c.now + latencyMs * (0.5 + rnd()), () => {
          if (ok) {
            if (c.now >= from && c.now < to) done[p]++;
            rate.answered();
            bucket.setRate(rate.rate, rate.burst(), c.now);
            waiting++;
          } else {
            if (rate.throttled(ticket)) bucket.setRate(rate.rate, rate.burst(), c.now);
            pausedUntil = Math.max(pausedUntil, c.now + 1000);
            bucket.empty(pausedUntil);
            at(c.now + 1000, () => ((waiting++), drain()));
          }
          drain();
        });
      });
    };
    const drain = () => {
      if (wake) return;
      while (waiting > 0) {
        const wait = c.now < pausedUntil ? pausedUntil - c.now : bucket.take(c.now);
        if (wait > 0) {
          wake = true;
          at(c.now + wait, () => ((wake = false), drain()));
          return;
        }
        waiting--;
        send();
      }
    };
    waiting = 10;
    at(0, drain);
  }
  while (events.length > 0) {
    let next = 0;
    for (let i = 1; i < events.length; i++) if (events[i].at < events[next].at) next = i;
    const e = events[next];
    events[next] = events[events.length - 1];
    events.pop();
    if (e.at >= to) continue;
    c.now = e.at;
    e.run();
  }
  return done;
}

/** Jain's fairness index: 1 when all shares are equal, 1/n when one process has everything. */
const jain = (xs: number[]) => xs.reduce((a, b) => a + b, 0) ** 2 / (xs.length * xs.reduce((a, b) => a + b * b, 0));

describe("processes sharing one application's budget (simulated, injected clock)", () => {
  it.each([
    [8, 50, 5],
    [8, 50, 100],
    [4, 20, 30],
  ])("%i processes on %i req/s at %i ms latency settle on fair shares and keep the budget in use", (k, serverRate, latencyMs) => {
    const from = 20_000;
    const to = 60_000;
    const done = simulate(k, serverRate, latencyMs, from, to, 42);
    const perSecond = done.map((d) => d / ((to - from) / 1000));
    const total = perSecond.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(0.95 * serverRate);
    expect(jain(perSecond)).toBeGreaterThan(0.9);
    for (const share of perSecond) expect(share).toBeGreaterThan(0.5 * (serverRate / k));
  });

  it("one process alone on the budget keeps to the full 50 req/s", () => {
    const [done] = simulate(1, 50, 5, 5_000, 25_000, 7);
    expect(done / 20).toBeGreaterThan(49);
  });
});
