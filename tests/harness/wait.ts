import { setTimeout as sleep } from "node:timers/promises";

/**
 * Waits until `condition()` holds, checking every few milliseconds. The bound is generous on purpose:
 * it only limits how long a test waits for something that must happen, so a slow machine makes the
 * test slower, never red.
 */
export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}
