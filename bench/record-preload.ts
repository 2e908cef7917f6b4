/**
 * Preloaded into the provider host (`NODE_OPTIONS=--require …/record-preload.js`) by the benchmark:
 * appends every HTTP request the provider's undici client creates — method, path with query, body — to
 * the file named by BENCH_RECORD_FILE, one JSON line each. The raw floor replays exactly these calls.
 * It listens on undici's public diagnostics channel, so the provider code is not touched.
 */
import * as diagnostics from "node:diagnostics_channel";
import { appendFileSync, writeFileSync } from "node:fs";

// Profiling (BENCH_CPU_PROF_DIR, see run.ts): a V8 CPU profile of the whole host, written when the
// harness stops it (--cpu-prof is not allowed in NODE_OPTIONS, hence the inspector session).
const profDir = process.env.BENCH_CPU_PROF_DIR;
if (profDir) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const inspector = require("node:inspector") as typeof import("node:inspector");
  const session = new inspector.Session();
  session.connect();
  session.post("Profiler.enable", () => session.post("Profiler.start"));
  process.on("SIGTERM", () => {
    session.post("Profiler.stop", (err, res) => {
      if (!err) writeFileSync(`${profDir}/host-${process.pid}.cpuprofile`, JSON.stringify(res.profile));
      process.exit(0);
    });
  });
}

const file = process.env.BENCH_RECORD_FILE;
if (file) {
  // Kept in memory while a phase runs (a push per request) and written only when the benchmark asks
  // (SIGUSR2, between phases), so recording adds no I/O to the timed work.
  let calls: Array<{ m: string; p: string; b: unknown }> = [];
  let flushes = 0;
  diagnostics.subscribe("undici:request:create", (message) => {
    const { request } = message as { request: { method: string; path: string; body: unknown } };
    calls.push({ m: request.method, p: request.path, b: request.body });
  });
  process.on("SIGUSR2", () => {
    const lines = calls.map((c) => {
      const b = Buffer.isBuffer(c.b) ? c.b.toString("utf8") : typeof c.b === "string" ? c.b : null;
      return JSON.stringify({ m: c.m, p: c.p, b }) + "\n";
    });
    calls = [];
    appendFileSync(file, lines.join("") + JSON.stringify({ flush: ++flushes }) + "\n");
  });
}
