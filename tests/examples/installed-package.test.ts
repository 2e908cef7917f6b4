import { execFileSync, spawn, spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

/**
 * The package as a user gets it: `npm pack` → installed into a fresh project's node_modules the way
 * `npm install <tgz>` lays it out (unpacked, its bin linked into node_modules/.bin and made
 * executable; its dependencies linked from ours, so no network) → a program's `new nylas.Policy(...)`
 * registration (Pulumi mocks) yields the `__provider` text → Pulumi's provider host, started in that
 * project, loads the provider by package name and creates the policy in the emulator; `npx
 * nylas-emulator` starts the emulator; examples/agent-loop, copied into the project, passes its jest
 * test against the installed package.
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
    // What npm does with the package's `bin`: a link in node_modules/.bin, the target made executable.
    const bins = (JSON.parse(readFileSync(path.join(pkg, "package.json"), "utf8")) as { bin: Record<string, string> }).bin;
    mkdirSync(path.join(modules, ".bin"));
    for (const [name, target] of Object.entries(bins)) {
      chmodSync(path.join(pkg, target), 0o755);
      symlinkSync(path.join("..", "pulumi-nylas-agents", target), path.join(modules, ".bin", name));
    }
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it("ships the provider and the emulator (no tests, examples or bench)", () => {
    expect(files).toContain("package/dist/provider/index.js");
    expect(files).toContain("package/dist/provider/runtime.js");
    expect(files).toContain("package/dist/emulator/index.js");
    expect(files).toContain("package/dist/emulator/cli.js");
    expect(files.filter((f) => !f.startsWith("package/dist/provider/") && !f.startsWith("package/dist/emulator/")).sort()).toEqual([
      "package/README.md",
      "package/emulator/README.md",
      "package/package.json",
    ]);
  });

  it("`npx nylas-emulator --port … --data .nylas` starts the emulator, with its web inbox, from the installed package", async () => {
    const npx = path.join(path.dirname(process.execPath), "npx");
    const child = spawn(existsSync(npx) ? npx : "npx", ["--no-install", "nylas-emulator", "--port", "0", "--data", ".nylas", "--control"], {
      cwd: project,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true, // its own process group: npx, its shell and the emulator stop together, as on Ctrl-C
    });
    try {
      const banner = await new Promise<string>((resolve, reject) => {
        let out = "";
        let err = "";
        child.stdout!.on("data", (d: Buffer) => {
          out += d.toString();
          if (out.includes("Control API:")) resolve(out);
        });
        child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
        child.once("exit", (code) => reject(new Error(`npx nylas-emulator exited (${code}): ${err}${out}`)));
      });
      const url = /listening on (\S+)/.exec(banner)![1];
      expect(banner).toContain(`Web inbox: ${url}/`);
      expect(banner).toContain("Data directory: .nylas");
      const health = await fetch(`${url}/__emulator/health`);
      expect(await health.json()).toEqual({ ok: true });
      const inbox = await fetch(`${url}/`);
      expect(inbox.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(existsSync(path.join(project, ".nylas", "state.json"))).toBe(true);
    } finally {
      // "close": npx and the emulator it started have both exited (their pipes are shut).
      const closed = new Promise((r) => child.once("close", r));
      process.kill(-child.pid!, "SIGTERM");
      await closed;
    }
  });

  it("runs examples/agent-loop's jest test against the installed package", () => {
    const dir = path.join(project, "agent-loop");
    mkdirSync(dir);
    for (const f of ["agent.ts", "agent-loop.test.ts", "tsconfig.json", "package.json"]) copyFileSync(path.join(ROOT, "examples", "agent-loop", f), path.join(dir, f));
    symlinkSync(path.join(project, "node_modules"), path.join(dir, "node_modules"));
    const jest = path.join(ROOT, "node_modules", "jest", "bin", "jest.js");
    // A bound for a hang (a sync call cannot be cut short by jest's test timeout): a jest that never exits
    // (a hook that timed out and left a server open) fails this test with its report, not the whole run.
    const r = spawnSync(process.execPath, [jest, "--ci", "--runInBand", "--colors=false"], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, NODE_NO_WARNINGS: "1" },
      timeout: 150_000,
      killSignal: "SIGKILL",
    });
    const report = `${r.stdout}${r.stderr}`;
    expect({ signal: r.signal, report }).toEqual({ signal: null, report: expect.stringContaining("PASS ./agent-loop.test.ts") });
    expect(report).toMatch(/Tests: +2 passed, 2 total/);
    expect(r.status).toBe(0);
  }, 180_000);

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
