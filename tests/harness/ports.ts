import { readFileSync } from "node:fs";
import { createServer } from "node:net";

/**
 * A free port that the kernel never hands out on its own: below the ephemeral range (where port-0
 * listeners and outgoing connections get theirs), so it stays free while a test stops and restarts a
 * server on it, even on a machine busy with other test runs. Random, so parallel runs rarely meet;
 * checked free before it is returned.
 */
export async function stablePort(): Promise<number> {
  const [low] = ephemeralRange();
  const min = 10_000;
  const max = Math.max(min + 1000, low - 1);
  for (let tries = 0; tries < 50; tries++) {
    const port = min + Math.floor(Math.random() * (max - min));
    if (await isFree(port)) return port;
  }
  throw new Error(`no free port found between ${min} and ${max}`);
}

function ephemeralRange(): [number, number] {
  try {
    const [a, b] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/).map(Number);
    if (a > 0 && b > a) return [a, b];
  } catch {
    /* not Linux */
  }
  return [32768, 60999];
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}
