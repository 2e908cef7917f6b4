import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

/**
 * The package as a user gets it: `npm pack` → unpacked into a fresh project's node_modules (its
 * dependencies linked from ours, so no network) → a program's `new nylas.Policy(...)` registration
 * (Pulumi mocks) yields the `__provider` text → Pulumi's provider host, started in that project,
 * loads the provider by package name and creates the policy in the emulator.
 */
const ROOT = path.resolve(__dirname, "..", "..");

describe("the packed package in a user's project", () => {
  let project: string;
  let files: string[];

  beforeAll(() => {
    project = mkdtempSync(path.join(tmpdir(), "nylas-user-"));
    const tgz = execFileSync("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", project], { cwd: ROOT, encoding: "utf8" }).trim().split("\n").pop()!;
    files = execFileSync("tar", ["tzf", path.join(project, tgz)], { encoding: "utf8" }).trim().split("\n");
    const modules = path.join(project, "node_modules");
    const pkg = path.join(modules, "pulumi-nylas-agents");
    mkdirSync(pkg, { recursive: true });
    execFileSync("tar", ["xzf", path.join(project, tgz), "-C", pkg, "--strip-components=1"]);
    for (const entry of readdirSync(path.join(ROOT, "node_modules"))) {
      if (entry === "pulumi-nylas-agents" || entry.startsWith(".")) continue;
      symlinkSync(path.join(ROOT, "node_modules", entry), path.join(modules, entry));
    }
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it("ships only the provider (no tests, emulator or bench)", () => {
    expect(files).toContain("package/dist/provider/index.js");
    expect(files).toContain("package/dist/provider/runtime.js");
    expect(files.filter((f) => !f.startsWith("package/dist/provider/")).sort()).toEqual(["package/README.md", "package/package.json"]);
  });

  it("runs a program's resource through the provider host, loading the package by name", () => {
    const script = path.join(project, "program.js");
    writeFileSync(
      script,
      `
const pulumi = require("@pulumi/pulumi");
const { ProviderHost } = require(${JSON.stringify(path.join(ROOT, "dist/provider/offline/host"))});
const { startEmulator } = require(${JSON.stringify(path.join(ROOT, "dist/emulator"))});
(async () => {
  const regs = [];
  await pulumi.runtime.setMocks({ newResource: (a) => (regs.push(a), { id: "x", state: a.inputs }), call: () => ({}) }, "userproj", "dev", false);
  const nylas = require("pulumi-nylas-agents");
  const p = new nylas.Policy("p", { name: " installed ", limits: { limitCountDailyEmailSent: 42 } });
  await new Promise((r) => p.urn.apply(r));
  const emu = await startEmulator({ quiet: true });
  const host = await ProviderHost.start({ cwd: __dirname });
  try {
    await host.configure({ "nylas:apiKey": { secret: emu.apiKey }, "nylas:apiUri": emu.url });
    const urn = "urn:pulumi:dev::userproj::pulumi-nodejs:dynamic/nylas:Policy::p";
    const checked = await host.check(urn, {}, regs[0].inputs);
    const made = await host.create(urn, checked.inputs);
    const resolved = require.resolve("pulumi-nylas-agents");
    console.log(JSON.stringify({ type: regs[0].type, provider: regs[0].inputs.__provider, id: made.id, outputs: made.outputs, resolved }));
  } finally {
    await host.stop();
    await emu.close();
  }
})().catch((e) => { console.error(e.stack); process.exit(1); });
`,
    );
    // A bound for a hang (a sync call cannot be cut short by jest's test timeout), not for a slow run.
    const out = execFileSync(process.execPath, [script], { cwd: project, encoding: "utf8", env: { ...process.env, NODE_NO_WARNINGS: "1" }, timeout: 120_000, killSignal: "SIGKILL" });
    const r = JSON.parse(out.trim().split("\n").pop()!);
    expect(r.type).toBe("pulumi-nodejs:dynamic/nylas:Policy");
    expect(r.resolved).toBe(path.join(project, "node_modules", "pulumi-nylas-agents", "dist", "provider", "index.js"));
    expect(r.provider).toContain('require("pulumi-nylas-agents/dist/provider/runtime")');
    expect(r.provider).not.toContain(ROOT); // no absolute path of the machine that ran the program
    expect(r.id).toEqual(expect.any(String));
    expect(r.outputs).toMatchObject({ name: "installed", limits: { limitCountDailyEmailSent: 42 } });
  });
});
