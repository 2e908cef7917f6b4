/**
 * Time as the client sees it: what it is now, and a way to wait. The system clock by default; unit tests
 * pass a recording one, so retries and Retry-After are checked in milliseconds of real time.
 */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or at once when `signal` aborts (a clock may ignore it; the client races it anyway). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  // The global setTimeout (looked up per call, so jest's fake timers drive the throttle's tests). An abort
  // clears the timer, so a cancelled Retry-After wait keeps no process alive.
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener("abort", done, { once: true });
    }),
};
