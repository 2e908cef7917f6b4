/**
 * Time as the client sees it: what it is now, and a way to wait. The system clock by default; unit tests
 * pass a recording one, so retries and Retry-After are checked in milliseconds of real time.
 */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  // The global setTimeout (looked up per call, so jest's fake timers drive the throttle's tests).
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
