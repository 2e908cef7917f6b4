import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { EmulatorControl, startTestEmulator } from "../harness/stack";
import { stablePort } from "../harness/ports";
import { ROOT, type EmulatorState } from "./support";

/**
 * `npm run demo`, non-interactively, as a user runs it on a machine without the Pulumi CLI: the
 * compiled demo with PATH holding only node (so no `pulumi` is found), a temp state dir and ports of
 * its own. The receiver's port is part of the webhook URL, so it must stay free across the three runs:
 * it is one the kernel never hands out by itself (see stablePort), not a random ephemeral one.
 */
describe("npm run demo", () => {
  const demo = path.join(ROOT, "dist", "examples", "demo", "run.js");
  let stateDir: string;
  let ports: string[];

  beforeAll(async () => {
    stateDir = mkdtempSync(path.join(tmpdir(), "nylas-demo-"));
    const emulatorPort = await stablePort();
    let receiverPort = await stablePort();
    while (receiverPort === emulatorPort) receiverPort = await stablePort();
    ports = ["--emulator-port", String(emulatorPort), "--receiver-port", String(receiverPort)];
  });
  const running = new Set<ChildProcess>();
  afterAll(() => {
    for (const c of running) c.kill("SIGKILL"); // a run cut short by a failed test does not outlive it
    rmSync(stateDir, { recursive: true, force: true });
  });

  const run = (...args: string[]) =>
    new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = spawn(process.execPath, [demo, "--state-dir", stateDir, ...ports, ...args], {
        cwd: ROOT,
        env: { ...process.env, PATH: path.dirname(process.execPath) },
      });
      running.add(child);
      let out = "";
      let err = "";
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (err += d));
      child.on("exit", (code) => {
        running.delete(child);
        resolve({ code, out, err });
      });
    });

  /** What the demo left in the emulator: its data dir opened by a second emulator. */
  const emulatorState = async (): Promise<EmulatorState & { messages: { grant_id: string; thread_id: string; subject: string }[] }> => {
    const e = await startTestEmulator({ dataDir: path.join(stateDir, "emulator") });
    try {
      return await new EmulatorControl(e.url).state();
    } finally {
      await e.close();
    }
  };

  it("deploys the quickstart and shows the round trip: sent, signed webhook verified, reply in the same thread", async () => {
    const { code, out, err } = await run();
    expect({ code, err }).toEqual({ code: 0, err: "" });
    // One line about the missing CLI, then the harness path.
    expect(out.match(/no Pulumi CLI on PATH/g)).toHaveLength(1);
    for (const r of ["List blocked-domains", "Policy agents", "Rule block-listed", "Rule file-team-mail", "Workspace agents", "AgentAccount sales", "AgentAccount support", "Folder support-team", "Webhook inbound"]) {
      expect(out).toMatch(new RegExp(`\\+ create\\s+nylas:${r} \\(`));
    }
    expect(out).toMatch(/▸ sent +sales-agent@agents\.example\.com → support-agent@agents\.example\.com: "Quote for 20 seats/);
    expect(out).toMatch(/▸ webhook +message\.created for support-agent@agents\.example\.com .*verified with webhookSecret ✓/);
    // Filed by the workspace rule into the declared folder, and the rule evaluation says so.
    expect(out).toMatch(/▸ filed +into "Team" of support-agent@agents\.example\.com \(folder [^)]+\) by a rule ✓/);
    expect(out).toMatch(/▸ evaluation +from sales-agent@agents\.example\.com: filed into "Team" by rule "quickstart file team mail"\n/);
    expect(out).toMatch(/▸ reply +support-agent@agents\.example\.com → sales-agent@agents\.example\.com: "Re: Quote for 20 seats.*" in the same thread/);
    expect(out).toMatch(/the reply arrived in the thread it started ✓, signature verified ✓/);
    expect(out).toMatch(/▸ thread .*, 2 messages/);
    expect(out).toMatch(/deployment +9 created via the engine harness/);

    // What the emulator holds matches: both messages of each agent share one thread.
    const s = await emulatorState();
    const grants = Object.fromEntries(s.grants.map((g) => [g.email, g.id]));
    for (const email of ["sales-agent@agents.example.com", "support-agent@agents.example.com"]) {
      const mine = s.messages.filter((m) => m.grant_id === grants[email]);
      expect(mine).toHaveLength(2);
      expect(new Set(mine.map((m) => m.thread_id)).size).toBe(1);
    }
    // Support's copy of the sales agent's mail sits in its Team folder; the rule evaluation records why.
    const team = (s as any).folders.find((f: any) => f.grant_id === grants["support-agent@agents.example.com"] && f.name === "Team");
    const inbound = (s.messages as any[]).find((m) => m.grant_id === grants["support-agent@agents.example.com"] && !m.subject.startsWith("Re:"));
    expect(inbound.folders).toContain(team.id);
    const evaluation = (s as any).rule_evaluations.find((e: any) => e.message_id === inbound.id);
    expect(evaluation).toMatchObject({ evaluation_stage: "inbox_processing", applied_actions: { folder_ids: [team.id] } });
    // The secret is shown masked only; state keeps it encrypted.
    const secret = s.webhooks[0].webhook_secret;
    expect(out).toContain(`secret ${secret.slice(0, 5)}…${secret.slice(-4)}`);
    expect(out).not.toContain(secret);
    expect(readFileSync(path.join(stateDir, "state.json"), "utf8")).not.toContain(secret);
  });

  it("a second run reports no changes (and still does the round trip)", async () => {
    const { code, out, err } = await run();
    expect({ code, err }).toEqual({ code: 0, err: "" });
    expect(out).toMatch(/Resources: 9 unchanged — no changes/);
    expect(out).not.toMatch(/[+~] (create|update)/);
    expect(out).toMatch(/deployment +no changes \(every resource unchanged\)/);
    expect(out).toMatch(/in the same thread/);
    expect(out).toMatch(/▸ evaluation +from sales-agent@agents\.example\.com: filed into "Team"/);
  });

  it("--destroy removes everything the demo made", async () => {
    const { code, out, err } = await run("--destroy");
    expect({ code, err }).toEqual({ code: 0, err: "" });
    expect(out).toMatch(/Resources: 9 deleted/);
    expect(out).toMatch(/Removed 9 resources/);
    const s = await emulatorState();
    expect(s.grants.filter((g) => g.email.endsWith("@agents.example.com"))).toEqual([]);
    expect([s.webhooks, s.policies, s.rules, s.lists]).toEqual([[], [], [], []]);
    expect(s.workspaces.filter((w) => !w.default)).toEqual([]);
    expect(existsSync(path.join(stateDir, "state.json"))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(stateDir, "state.json"), "utf8")).resources).toEqual([]);
  });

  it("a failure is one clear line with what to do, no stack trace", async () => {
    const { code, out, err } = await run("--emulator-port", "not-a-port");
    expect(code).toBe(1);
    expect(out).toBe("");
    expect(err.trim().split("\n")[0]).toBe("✗ --emulator-port must be a port number 1-65535");
    expect(err).not.toMatch(/\n\s+at /);
  });
});
