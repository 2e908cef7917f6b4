/**
 * Preloaded into the provider host (`NODE_OPTIONS=--require …/record-preload.js`) by the benchmark:
 * appends every HTTP request the provider's undici client creates — method, path with query, body — to
 * the file named by BENCH_RECORD_FILE, one JSON line each. The raw floor replays exactly these calls.
 * It listens on undici's public diagnostics channel, so the provider code is not touched; the cost is
 * one small synchronous write per request (measured in bench/RESULTS.md).
 */
import * as diagnostics from "node:diagnostics_channel";
import { openSync, writeSync } from "node:fs";

const file = process.env.BENCH_RECORD_FILE;
if (file) {
  const fd = openSync(file, "a");
  diagnostics.subscribe("undici:request:create", (message) => {
    const { request } = message as { request: { method: string; path: string; body: unknown } };
    const body = Buffer.isBuffer(request.body) ? request.body.toString("utf8") : typeof request.body === "string" ? request.body : null;
    writeSync(fd, JSON.stringify({ m: request.method, p: request.path, b: body }) + "\n");
  });
}
