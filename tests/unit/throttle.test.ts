import { Throttle } from "../../provider/client/throttle";

describe("token bucket throttle", () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it("lets a burst through at once, then paces at the rate", async () => {
    const t = new Throttle(10, 20);
    let count = 0;
    for (let i = 0; i < 40; i++) void t.acquire().then(() => count++);
    await jest.advanceTimersByTimeAsync(0);
    expect(count).toBe(20);
    await jest.advanceTimersByTimeAsync(1000);
    expect(count).toBe(30);
    await jest.advanceTimersByTimeAsync(1000);
    expect(count).toBe(40);
  });

  it("pause() holds every caller until the Retry-After has passed", async () => {
    const t = new Throttle(0, 1);
    t.pause(1500);
    let done = 0;
    for (let i = 0; i < 5; i++) void t.acquire().then(() => done++);
    await jest.advanceTimersByTimeAsync(1400);
    expect(done).toBe(0);
    await jest.advanceTimersByTimeAsync(200);
    expect(done).toBe(5);
  });

  it("after a pause, resumes at the rate with an empty bucket instead of a burst", async () => {
    const t = new Throttle(10, 20);
    t.pause(1000);
    let count = 0;
    for (let i = 0; i < 40; i++) void t.acquire().then(() => count++);
    await jest.advanceTimersByTimeAsync(1000);
    expect(count).toBe(0);
    await jest.advanceTimersByTimeAsync(1000);
    expect(count).toBe(10);
  });

  it("is a no-op when disabled", async () => {
    const t = new Throttle(0, 0);
    let count = 0;
    for (let i = 0; i < 1000; i++) void t.acquire().then(() => count++);
    await jest.advanceTimersByTimeAsync(0);
    expect(count).toBe(1000);
  });
});
