/** Durable state: restart, crash recovery (journal replay, torn line), scale, and the CLI. */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as ts from "typescript";
import { createAccount, Harness, PASSWORD, startHarness } from "./helpers";
import { EmulatorControl } from "../../emulator/control-client";
import { WebhookReceiver } from "../../emulator/receiver";

const dirs: string[] = [];
const tmp = (): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "nylas-emu-test-"));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

test("a restart keeps every object, id, secret and the service-account key", async () => {
  const dir = tmp();
  const rcv = await WebhookReceiver.start();
  let h: Harness = await startHarness({ dataDir: dir });
  const grant = await createAccount(h, "keep@agents.example.com", { settings: { email: "keep@agents.example.com", app_password: PASSWORD } });
  const wh = (await h.api("POST", "/v3/webhooks", { webhook_url: `${rcv.url}/p`, trigger_types: ["message.created"] })).body.data;
  const pol = (await h.api("POST", "/v3/policies", { name: "p", limits: { limit_attachment_count_limit: 3 } })).body.data;
  const rule = (await h.api("POST", "/v3/rules", {
    name: "r",
    match: { conditions: [{ field: "from.tld", operator: "is", value: "xyz" }] },
    actions: [{ type: "trash" }],
  })).body.data;
  const list = (await h.api("POST", "/v3/lists", { name: "l", type: "tld" })).body.data;
  await h.api("POST", `/v3/lists/${list.id}/items`, { items: ["xyz", "top"] });
  const ws = (await h.api("POST", "/v3/workspaces", { name: "W", domain: "w.example.com", policy_id: pol.id, rule_ids: [rule.id] })).body.data;
  const dom = (await h.signed("POST", "/v3/admin/domains", { name: "d", domain_address: "d.example.com" })).body.data;
  await h.signed("POST", `/v3/admin/domains/${dom.id}/verify`, { type: "mx" });
  const msg = (await h.api("POST", `/v3/grants/${grant.id}/messages/send`, { to: [{ email: "keep@agents.example.com" }], subject: "self" }, { "Idempotency-Key": "persist-1" })).body.data;
  const sa = h.emu.serviceAccount;
  const stateBefore = (await h.control.state());
  await h.close();

  h = await startHarness({ dataDir: dir });
  try {
    expect(h.emu.serviceAccount).toEqual(sa);
    const stateAfter = (await h.control.state());
    expect(stateAfter).toEqual(stateBefore);
    expect(stateAfter.webhooks[0].webhook_secret).toBe(wh.webhook_secret);
    expect((await h.api("GET", `/v3/grants/${grant.id}`)).body.data.email).toBe("keep@agents.example.com");
    expect((await h.api("GET", `/v3/workspaces/${ws.workspace_id}`)).body.data.rule_ids).toEqual([rule.id]);
    expect((await h.api("GET", `/v3/lists/${list.id}`)).body.data.items_count).toBe(2);
    expect((await h.signed("GET", `/v3/admin/domains/${dom.id}`)).body.data.verified_mx).toBe(true);
    // idempotency records survive too
    const replay = await h.api("POST", `/v3/grants/${grant.id}/messages/send`, { to: [{ email: "keep@agents.example.com" }], subject: "self" }, { "Idempotency-Key": "persist-1" });
    expect(replay.headers.get("idempotent-response")).toBe("true");
    expect(replay.body.data.id).toBe(msg.id);
    // new objects keep being created after the restart, in order
    await h.api("POST", "/v3/policies", { name: "after" });
    expect((await h.api("GET", "/v3/policies")).body.data.map((p: any) => p.name)).toEqual(["p", "after"]);
  } finally {
    await h.close();
    await rcv.close();
  }
});

test("crash recovery: the journal is replayed and a torn last line is ignored", async () => {
  const dir = tmp();
  const h = await startHarness({ dataDir: dir });
  try {
    await h.api("POST", "/v3/policies", { name: "one" });
    await h.api("POST", "/v3/policies", { name: "two" });
    await h.api("POST", "/v3/lists", { name: "l", type: "domain" });
    // Simulate a crash now: copy the files as they are on disk while the emulator is still running.
    const crash = tmp();
    for (const f of fs.readdirSync(dir)) fs.copyFileSync(path.join(dir, f), path.join(crash, f));
    const journal = fs.readFileSync(path.join(crash, "journal.jsonl"), "utf8");
    expect(journal.trim().split("\n")).toHaveLength(3); // one line per mutating request, state.json untouched
    fs.appendFileSync(path.join(crash, "journal.jsonl"), '{"t":1,"o":[["p","policies",999,{"id":"torn"'); // torn write
    const h2 = await startHarness({ dataDir: crash });
    try {
      expect((await h2.api("GET", "/v3/policies")).body.data.map((p: any) => p.name)).toEqual(["one", "two"]);
      expect((await h2.api("GET", "/v3/lists")).body.data).toHaveLength(1);
      // the torn line was dropped by the compaction at startup
      expect(fs.readFileSync(path.join(crash, "journal.jsonl"), "utf8")).toBe("");
      JSON.parse(fs.readFileSync(path.join(crash, "state.json"), "utf8"));
    } finally {
      await h2.close();
    }
  } finally {
    await h.close();
  }
});

// How fast that is belongs to a benchmark, not to a test with a time limit: this one checks the cause
// of speed that does not depend on the machine (the work per request stays small and constant).
test("with 5,000+ objects a request appends one small journal line and never rewrites the snapshot", async () => {
  const dir = tmp();
  const h = await startHarness({ dataDir: dir });
  try {
    const list = (await h.api("POST", "/v3/lists", { name: "big", type: "domain" })).body.data;
    for (let b = 0; b < 6; b++) {
      const items = Array.from({ length: 1000 }, (_, i) => `d${b}-${i}.example.com`);
      expect((await h.api("POST", `/v3/lists/${list.id}/items`, { items })).status).toBe(200);
    }
    for (let i = 0; i < 20; i++) await createAccount(h, `bulk${i}@agents.example.com`);
    const snapMtime = fs.statSync(path.join(dir, "state.json")).mtimeMs;
    const before = fs.statSync(path.join(dir, "journal.jsonl")).size;
    for (let i = 0; i < 200; i++) await h.api("POST", "/v3/policies", { name: `p${i}` });
    const perRequestBytes = (fs.statSync(path.join(dir, "journal.jsonl")).size - before) / 200;
    expect(perRequestBytes).toBeLessThan(1000);
    expect(fs.statSync(path.join(dir, "state.json")).mtimeMs).toBe(snapMtime);
    expect((await h.api("GET", `/v3/lists/${list.id}`)).body.data.items_count).toBe(6000);
    const byEmail = await h.api("GET", "/v3/grants?email=bulk7@agents.example.com");
    expect(byEmail.body.data.map((g: any) => g.email)).toEqual(["bulk7@agents.example.com"]);
  } finally {
    await h.close();
  }
  const h2 = await startHarness({ dataDir: dir });
  try {
    expect((await h2.api("GET", "/v3/policies?limit=200")).body.data).toHaveLength(200);
  } finally {
    await h2.close();
  }
});

/** Transpile emulator/*.ts to a temp dir so the CLI can run without a full build. */
function transpileEmulator(): string {
  const out = tmp();
  const root = path.resolve(__dirname, "../../emulator");
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".ts")) {
        const js = ts.transpileModule(fs.readFileSync(p, "utf8"), {
          compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
        }).outputText;
        const dest = path.join(out, path.relative(root, p)).replace(/\.ts$/, ".js");
        fs.mkdirSync(path.dirname(dest), { recursive: true });
        fs.writeFileSync(dest, js);
      }
    }
  };
  walk(root);
  return out;
}

test("CLI prints the URL, API key and IAM admin key, serves requests (harsh when asked), and stops cleanly on SIGTERM", async () => {
  const bin = path.join(transpileEmulator(), "cli.js");
  const dir = tmp();
  const args = [bin, "--port", "0", "--data", dir, "--api-key", "k_test", "--iam-admin-key", "k_iam", "--domain", "cli.example.com", "--variance", "harsh", "--control", "--quiet"];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  // Whatever happens below, the child does not outlive the test.
  const stop = () => (child.exitCode === null && child.signalCode === null ? child.kill("SIGKILL") : undefined);
  try {
    let out = "";
    const lines = await new Promise<string[]>((resolve, reject) => {
      child.stdout.on("data", (c: Buffer) => {
        out += c.toString();
        if (out.split("\n").length > 3) resolve(out.split("\n"));
      });
      void exited.then((code) => reject(new Error(`cli exited early (${code}): ${out}`)));
      // A bound for a CLI that never starts, not for a slow one.
      setTimeout(() => reject(new Error(`cli did not start within 30 s: ${out}`)), 30_000).unref();
    });
    expect(lines[0]).toMatch(/^Nylas emulator listening on http:\/\/127\.0\.0\.1:\d+$/);
    expect(lines[1]).toBe("API key: k_test");
    expect(lines[2]).toBe("IAM admin key: k_iam");
    const url = lines[0].replace("Nylas emulator listening on ", "");
    const r = await fetch(`${url}/v3/workspaces`, { headers: { Authorization: "Bearer k_test" } });
    expect(r.status).toBe(200);
    expect((await fetch(`${url}/v3/domains`, { headers: { Authorization: "Bearer k_iam" } })).status).toBe(200);
    const control = new EmulatorControl(url);
    expect((await control.currentVariance()).profile).toBe("harsh");
    expect((await control.state()).domains.map((d: any) => d.domain_address)).toEqual(["cli.example.com"]);
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(fs.existsSync(path.join(dir, "state.json"))).toBe(true);
    expect(fs.existsSync(path.join(dir, "service-account.json"))).toBe(true);
  } finally {
    stop();
  }
});
