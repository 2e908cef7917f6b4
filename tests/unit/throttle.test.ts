import { Throttle } from "../../provider/client/throttle";

describe("fixed-rate throttle (nylas:requestsPerSecond)", () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it("lets a burst through at once, then paces at the rate", async () => {
    const t = new Throttle({ kind: "fixed", perSecond: 10, burst: 20 });
    let count = 0;
    for (let i = 0; i < 40; i++) void t.acquire().then(() => count++);
    await jest.advanceTimersByTimeAsync(0);
    expect(count).toBe(20);
    await jest.advanceTimersByTimeAsync(1000);
    expect(count).toBe(30);
    await jest.advanceTimersByTimeAsync(1000);
    expect(count).toBe(40);
  });

  it("a 429 with Retry-After holds every caller until the Retry-After has passed", async () => {
    const t = new Throttle({ kind: "fixed", perSecond: 0, burst: 1 });
    t.throttled(0, 1500);
    let done = 0;
    for (let i = 0; i < 5; i++) void t.acquire().then(() => done++);
    await jest.advanceTimersByTimeAsync(1400);
    expect(done).toBe(0);
    await jest.advanceTimersByTimeAsync(200);
    expect(done).toBe(5);
  });

  it("after a Retry-After, resumes at the rate with an empty bucket instead of a burst", async () => {
    const t = new Throttle({ kind: "fixed", perSecond: 10, burst: 20 });
    t.throttled(0, 1000);
    let count = 0;
    for (let i = 0; i < 40; i++) void t.acquire().then(() => count++);
    await jest.advanceTimersByTimeAsync(1000);
    expect(count).toBe(0);
    await jest.advanceTimersByTimeAsync(1000);
    expect(count).toBe(10);
  });

  it("is a no-op when disabled", async () => {
    const t = new Throttle({ kind: "fixed", perSecond: 0, burst: 0 });
    let count = 0;
    for (let i = 0; i < 1000; i++) void t.acquire().then(() => count++);
    await jest.advanceTimersByTimeAsync(0);
    expect(count).toBe(1000);
  });
});
