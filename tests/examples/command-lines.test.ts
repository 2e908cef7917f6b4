import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { ROOT } from "./support";

/**
 * A bound on a hung command only: under a second suite on 2 cores one start of the runner (which loads
 * the engine and gRPC) took over 30 s.
 */
const HANG_MS = 150_000;
jest.setTimeout(HANG_MS + 30_000);

/** The program runner's and the demo's command lines (node:util parseArgs), from their compiled form. */
const run = (script: string, args: string[]) => {
  const r = spawnSync(process.execPath, [path.join(ROOT, "dist", script), ...args], { encoding: "utf8", timeout: HANG_MS });
  return { status: r.status, out: r.stdout, err: r.stderr };
};

describe("program runner CLI", () => {
  const PROGRAM = "provider/offline/program.js";
  it("prints its usage with --help", () => {
    const r = run(PROGRAM, ["--help"]);
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/^usage: node dist\/provider\/offline\/program\.js <program dir\|file> --state <file>/);
  });
  it.each([
    [["--bogus"], "error: Unknown option '--bogus'"],
    [["examples/quickstart"], "error: --state <file> is required"],
    [["--state", "s.json"], "error: a program directory or file is required"],
    [["a", "b", "--state", "s.json"], "error: one program expected, got a b"],
    [["--state"], "error: Option '--state <value>' argument missing"],
  ])("refuses %j with one line, then the usage", (args, line) => {
    const r = run(PROGRAM, args);
    expect(r.status).toBe(2);
    expect(r.err.split("\n")[0]).toBe(line);
    expect(r.err.split("\n")[1]).toMatch(/^usage: /);
  });
  it("refuses a malformed --config before running anything", () => {
    const r = run(PROGRAM, ["examples/quickstart", "--state", "s.json", "--config", "novalue"]);
    expect(r.status).toBe(1);
    expect(r.err).toBe("error: --config novalue: expected ns:key=value\n");
  });
});

describe("demo CLI", () => {
  it.each([
    [["--nope"], "✗ Unknown option '--nope'"],
    [["--emulator-port", "x"], "✗ --emulator-port must be a port number 1-65535"],
  ])("refuses %j before starting anything", (args, line) => {
    const r = run("examples/demo/run.js", args);
    expect(r.status).toBe(1);
    expect(r.err.split("\n")[0]).toBe(line);
    expect(r.err).toContain("--receiver-port N");
  });
});
