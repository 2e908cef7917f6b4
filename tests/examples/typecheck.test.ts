import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { ROOT, example } from "./support";

/**
 * Every example is a Pulumi project (Pulumi.yaml with runtime nodejs, index.ts, README.md) and
 * type-checks against the package as installed (`npm run typecheck:examples`: examples/tsconfig.json,
 * `pulumi-nylas-agents` resolved through node_modules → dist/, which the test script builds first).
 */
describe("examples", () => {
  const projects = readdirSync(path.join(ROOT, "examples"), { withFileTypes: true })
    // native-*: the plugin's Python/Go/.NET/YAML programs, checked by tests/plugin/examples.test.ts.
    .filter((d) => d.isDirectory() && d.name !== "demo" && d.name !== "agent-loop" && !d.name.startsWith("native-")) // not Node Pulumi projects
    .map((d) => d.name)
    .sort();

  it("are the five documented Pulumi projects, each with Pulumi.yaml, index.ts and a README", () => {
    expect(projects).toEqual(["gitops", "per-customer-fleet", "per-workflow", "quickstart", "reputation-isolation"]);
    for (const p of projects) {
      const yaml = readFileSync(path.join(example(p), "Pulumi.yaml"), "utf8");
      expect(yaml).toMatch(new RegExp(`^name: ${p}$`, "m"));
      expect(yaml).toMatch(/^runtime: nodejs$/m);
      expect(existsSync(path.join(example(p), "index.ts"))).toBe(true);
      const readme = readFileSync(path.join(example(p), "README.md"), "utf8");
      // Each says how to run it against the emulator and against Nylas.
      expect(readme).toMatch(/emulator/i);
      expect(readme).toContain("pulumi config set --secret nylas:apiKey");
    }
    expect(existsSync(path.join(example("gitops"), ".github", "workflows", "nylas-agents.yml"))).toBe(true);
  });

  it("type-check against the installed package (tsc -p examples/tsconfig.json)", () => {
    const tsc = require.resolve("typescript/bin/tsc");
    const r = spawnSync(process.execPath, [tsc, "-p", path.join(ROOT, "examples", "tsconfig.json"), "--noEmit"], { cwd: ROOT, encoding: "utf8" });
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});
