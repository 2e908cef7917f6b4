import { execFile } from "node:child_process";
import * as path from "node:path";

/**
 * The benchmark runs end to end with a tiny N and prints, as its last line, one JSON object with
 * exactly the keys of issues 5 and 14 and sane values. Timings are not asserted (they depend on the machine);
 * what is asserted is that every number is there, has the right type and is consistent.
 */

const RUN = path.resolve(__dirname, "..", "..", "dist", "bench", "run.js");

const KEYS = [
  "create_s",
  "raw_create_s",
  "create_overhead",
  "transport_floor_s",
  "create_ratio",
  "create_calls_per_resource",
  "noop_preview_calls",
  "refresh_calls_per_resource",
  "refresh_s",
  "raw_refresh_s",
  "update_calls_per_resource",
  "update_s",
  "delete_calls_per_resource",
  "delete_s",
  "ratelimited_ratio",
  "ratelimited_429s",
  "ratelimited_failures",
  "fleet_ratio",
  "fleet_failures",
  "fleet_429_share",
  "provider_bytes",
  "state_bytes_per_resource",
  "host_rss_mb",
].sort();

function runBench(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [RUN, ...args], { timeout: 230_000, killSignal: "SIGKILL", maxBuffer: 10 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message}\n${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

describe("npm run bench -- --n 5 --fleet 2 --json", () => {
  let out: { stdout: string; stderr: string };
  let result: Record<string, unknown>;

  beforeAll(async () => {
    out = await runBench(["--n", "5", "--concurrency", "4", "--fleet", "2", "--json"]);
    const lines = out.stdout.trimEnd().split("\n");
    result = JSON.parse(lines[lines.length - 1]);
  }, 240_000); // a bound for a hang: the bench's own processes slow down with the machine

  it("prints one JSON object with exactly the issue's keys on the last line", () => {
    expect(Object.keys(result).sort()).toEqual(KEYS);
  });

  it("has sane values", () => {
    const positive = ["create_s", "raw_create_s", "create_overhead", "transport_floor_s", "create_ratio", "refresh_s", "raw_refresh_s", "update_s", "delete_s"];
    for (const k of [...positive, "ratelimited_ratio", "fleet_ratio", "host_rss_mb"]) {
      expect(typeof result[k]).toBe("number");
      expect(result[k] as number).toBeGreaterThan(0);
      expect(Number.isFinite(result[k])).toBe(true);
    }
    // The ratio is the quotient of the two timings it is printed with (both rounded to ms).
    expect(result.create_overhead as number).toBeCloseTo((result.create_s as number) / (result.raw_create_s as number), 0);
    expect(result.create_ratio as number).toBeCloseTo((result.create_s as number) / ((result.transport_floor_s as number) + (result.raw_create_s as number)), 1);
    // Calls per resource: every resource is written once by the up, the change and the destroy; Check
    // and Diff make no API calls; a refresh reads each resource at most once.
    expect(result.noop_preview_calls).toBe(0);
    for (const k of ["create_calls_per_resource", "update_calls_per_resource", "delete_calls_per_resource"]) {
      expect(result[k] as number).toBeGreaterThanOrEqual(1);
      expect(result[k] as number).toBeLessThan(3);
    }
    expect(result.refresh_calls_per_resource as number).toBeGreaterThan(0);
    expect(result.refresh_calls_per_resource as number).toBeLessThanOrEqual(1);
    expect(result.fleet_failures).toBe(0);
    expect(result.fleet_429_share as number).toBeGreaterThanOrEqual(0);
    expect(result.fleet_429_share as number).toBeLessThan(1);
    for (const k of ["ratelimited_429s", "ratelimited_failures", "state_bytes_per_resource"]) {
      expect(Number.isInteger(result[k])).toBe(true);
      expect(result[k] as number).toBeGreaterThanOrEqual(0);
    }
    expect(result.ratelimited_failures).toBe(0);
    const bytes = result.provider_bytes as Record<string, number>;
    expect(Object.keys(bytes).sort()).toEqual(["AgentAccount", "Webhook", "Workspace"]);
    for (const b of Object.values(bytes)) {
      expect(Number.isInteger(b)).toBe(true);
      expect(b).toBeGreaterThan(0);
    }
    // Every resource stores its __provider in state, so a resource's state is bigger than that.
    expect(result.state_bytes_per_resource as number).toBeGreaterThan(Math.min(...Object.values(bytes)));
  });

  it("prints the human table before the JSON, without warnings", () => {
    expect(out.stdout).toContain("metric");
    for (const k of KEYS.filter((k) => k !== "provider_bytes")) expect(out.stdout).toMatch(new RegExp(`^${k} `, "m"));
    expect(out.stdout).toMatch(/^provider_bytes\.AgentAccount /m);
    expect(out.stderr).not.toContain("WARNING");
  });

  it("refuses an unknown option with the usage", async () => {
    await expect(runBench(["--m", "3"])).rejects.toThrow(/Unknown option '--m'[\s\S]*usage: node dist\/bench\/run\.js/);
    await expect(runBench(["--n", "0"])).rejects.toThrow(/--n must be a positive integer, got "0"[\s\S]*usage:/);
  });
});
