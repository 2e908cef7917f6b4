import { spawnSync } from "node:child_process";
import { randomInt } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { getRuleEvaluations, parseWebhookBody, verifyWebhookSignature, type WebhookNotification } from "pulumi-nylas-agents";
import { startEmulator, WebhookReceiver, type Delivery, type RunningEmulator } from "pulumi-nylas-agents/emulator";
import { ProgramRunError, runProgram, type ConfigValue, type ProgramRunResult } from "../../provider/offline/program";

/**
 * `npm run demo`: an AI agent gets its own email, end to end, on this machine.
 *
 * 1. Starts the local Nylas emulator (state in `<state-dir>/emulator`, so it survives between runs).
 * 2. Starts a webhook receiver and deploys `examples/quickstart` — with the Pulumi Automation API and a
 *    local file backend when a Pulumi CLI is on PATH, else through the program runner (the same
 *    provider code, driven by the engine harness; state in `<state-dir>/state.json`).
 * 3. Sends mail from the sales agent to the support agent, shows the signed `message.created` webhook,
 *    shows the rule that filed it into support's declared "Team" folder (Nylas's rule evaluation),
 *    replies in the same thread and lists the thread.
 * 4. Prints a summary. A second run changes nothing; `--destroy` removes every resource.
 */

const ROOT = findRoot();
const PROGRAM = path.join(ROOT, "examples", "quickstart");
const STACK = "demo";
/** Throwaway passphrase for the local Pulumi backend (the demo's secrets are local test values). */
const DEMO_PASSPHRASE = "nylas-agents-demo-throwaway";

const USAGE = `npm run demo [-- options]
  --destroy            remove every resource the demo made
  --state-dir DIR      where state lives (default .demo/)
  --emulator-port N    emulator port (default 4790; a free one if taken)
  --receiver-port N    webhook receiver port (default 4791; keep it stable, the webhook URL contains it)
  --harness            use the program runner even when a Pulumi CLI is installed
  --verbose            details (stack traces, child output) on failure`;

interface Options {
  destroy: boolean;
  stateDir: string;
  emulatorPort: number;
  receiverPort: number;
  forceHarness: boolean;
  verbose: boolean;
}

/** A failure the user can act on: one line, plus what to do. */
class DemoError extends Error {
  constructor(message: string, readonly hint: string, readonly details?: string) {
    super(message);
  }
}

const out = (line = "") => console.log(line);
const step = (line: string) => out(`▸ ${line}`);
const indent = (line: string) => out(`    ${line}`);

async function main(argv: string[]): Promise<void> {
  const opts = parseCommandLine(argv);
  const started = Date.now();
  const rel = shown(opts.stateDir);
  out(`Nylas Agent Accounts demo — ${opts.destroy ? "destroy" : "deploy + round trip"} (state in ${rel}/)`);
  mkdirSync(opts.stateDir, { recursive: true });

  const emulator = await openEmulator(opts);
  let receiver: WebhookReceiver | undefined;
  try {
    step(`emulator      ${emulator.url}  (data in ${path.join(rel, "emulator")})`);
    const deployer = pickDeployer(opts);

    if (opts.destroy) {
      const r = await deployer.run({ destroy: true, config: baseConfig(emulator, opts, "http://127.0.0.1:0/unused") });
      out();
      out(r.counts.delete ? `Removed ${r.counts.delete} resources. The emulator data stays in ${path.join(rel, "emulator")}; delete ${rel}/ to forget everything.` : "Nothing to remove.");
      return;
    }

    receiver = await openReceiver(opts);
    const webhookUrl = `${receiver.url}/webhooks/nylas`;
    step(`receiver      ${webhookUrl}`);
    const r = await deployer.run({ destroy: false, config: baseConfig(emulator, opts, webhookUrl) });
    const o = outputsOf(r);

    await roundTrip(emulator, receiver, o);
    summary(r, o, deployer, rel, started);
  } finally {
    await receiver?.close();
    await emulator.close();
  }
}

// ------------------------------------------------------------------------------ emulator & receiver

async function openEmulator(opts: Options): Promise<RunningEmulator> {
  const dataDir = path.join(opts.stateDir, "emulator");
  const port = (await portFree(opts.emulatorPort)) ? opts.emulatorPort : 0;
  if (port === 0) step(`port ${opts.emulatorPort} is taken: the emulator uses a free port instead (its URL is not part of any resource)`);
  try {
    return await startEmulator({ port, dataDir, quiet: true });
  } catch (e) {
    throw new DemoError(`could not start the emulator with data in ${dataDir}: ${oneLine(e)}`, `delete ${dataDir} to start over (then also delete ${path.join(opts.stateDir, "state.json")})`, stackOf(e));
  }
}

async function openReceiver(opts: Options): Promise<WebhookReceiver> {
  try {
    return await WebhookReceiver.start({ port: opts.receiverPort });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EADDRINUSE") throw e;
    step(`port ${opts.receiverPort} is taken: the receiver uses a free port, so the webhook URL changes (one in-place update)`);
    return WebhookReceiver.start();
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}

// ----------------------------------------------------------------------------------------- deploying

interface RunRequest {
  destroy: boolean;
  config: Record<string, ConfigValue>;
}

interface Deployer {
  kind: "automation" | "harness";
  stateDescription: string;
  run(req: RunRequest): Promise<ProgramRunResult>;
}

/** Stack config: where the API is, the receiver URL, and app passwords generated once and kept in the state dir. */
function baseConfig(emulator: RunningEmulator, opts: Options, webhookUrl: string): Record<string, ConfigValue> {
  const secretsFile = path.join(opts.stateDir, "app-passwords.json");
  let pw: { sales: string; support: string };
  if (existsSync(secretsFile)) pw = JSON.parse(readFileSync(secretsFile, "utf8"));
  else writeFileSync(secretsFile, JSON.stringify((pw = { sales: appPassword(), support: appPassword() })), { mode: 0o600 });
  return {
    "nylas:apiUri": emulator.url,
    "nylas:apiKey": { secret: emulator.apiKey },
    "quickstart:webhookUrl": webhookUrl,
    "quickstart:salesAppPassword": { secret: pw.sales },
    "quickstart:supportAppPassword": { secret: pw.support },
  };
}

/** 24 characters, upper + lower + digits: what Nylas requires of an app password. */
function appPassword(): string {
  const sets = ["ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnopqrstuvwxyz", "23456789"];
  const all = sets.join("");
  const chars = sets.map((s) => s[randomInt(s.length)]);
  while (chars.length < 24) chars.push(all[randomInt(all.length)]);
  return chars.join("");
}

function pickDeployer(opts: Options): Deployer {
  const cli = opts.forceHarness ? undefined : pulumiCliVersion();
  if (cli) {
    step(`Pulumi CLI ${cli} found: deploying with the Automation API (local file backend in ${shown(path.join(opts.stateDir, "pulumi"))})`);
    return automationDeployer(opts);
  }
  if (!opts.forceHarness) {
    step("no Pulumi CLI on PATH: applying the same program through the engine harness (same provider code; install the CLI for the Automation API path)");
  }
  const stateFile = path.join(opts.stateDir, "state.json");
  return {
    kind: "harness",
    stateDescription: `${shown(stateFile)} (secrets encrypted with the key in ${shown(stateFile)}.key)`,
    async run(req) {
      step(`${req.destroy ? "destroying" : "deploying"} examples/quickstart (stack ${STACK})`);
      try {
        // The runner's own "Outputs:" block is left out: the summary shows what matters.
        let inOutputs = false;
        const onLine = (l: string) => {
          inOutputs ||= l.startsWith("Outputs:");
          if (!inOutputs) indent(l);
        };
        return await runProgram({ program: PROGRAM, stack: STACK, stateFile, config: req.config, destroy: req.destroy, onLine });
      } catch (e) {
        const err = e as ProgramRunError;
        throw new DemoError(
          `${req.destroy ? "destroy" : "deploy"} failed: ${err.message}`,
          err.result
            ? `what was done is saved in ${shown(stateFile)}; fix the cause and run again${req.destroy ? "" : " (or remove everything with npm run demo -- --destroy)"}`
            : `nothing was changed; run again with --verbose for details, or start over by deleting ${shown(opts.stateDir)}/`,
          err.details,
        );
      }
    },
  };
}

function pulumiCliVersion(): string | undefined {
  const r = spawnSync("pulumi", ["version"], { encoding: "utf8", timeout: 15_000 });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** The Pulumi CLI path: Automation API, local program examples/quickstart, file backend in the state dir. */
function automationDeployer(opts: Options): Deployer {
  const backend = path.join(opts.stateDir, "pulumi");
  mkdirSync(backend, { recursive: true });
  return {
    kind: "automation",
    stateDescription: `${shown(backend)} (Pulumi file backend, passphrase "${DEMO_PASSPHRASE}")`,
    async run(req) {
      const started = Date.now();
      const auto = await import("@pulumi/pulumi/automation");
      const envVars = { PULUMI_BACKEND_URL: `file://${backend}`, PULUMI_CONFIG_PASSPHRASE: DEMO_PASSPHRASE, PULUMI_SKIP_UPDATE_CHECK: "true" };
      try {
        const stack = await auto.LocalWorkspace.createOrSelectStack({ stackName: STACK, workDir: PROGRAM }, { envVars });
        const config: Record<string, { value: string; secret?: boolean }> = {};
        for (const [k, v] of Object.entries(req.config)) config[k] = typeof v === "string" ? { value: v } : { value: v.secret, secret: true };
        await stack.setAllConfig(config);
        step(`${req.destroy ? "destroying" : "deploying"} examples/quickstart (stack ${STACK}) with pulumi ${req.destroy ? "destroy" : "up"}`);
        const onOutput = (s: string) => s.split("\n").filter((l) => l.trim()).forEach(indent);
        const counts = { create: 0, update: 0, replace: 0, same: 0, delete: 0 };
        let outputs: Record<string, unknown> = {};
        const secretOutputs: string[] = [];
        if (req.destroy) {
          const d = await stack.destroy({ onOutput, color: "never" });
          counts.delete = d.summary.resourceChanges?.delete ?? 0;
        } else {
          const u = await stack.up({ onOutput, color: "never" });
          const c = u.summary.resourceChanges ?? {};
          Object.assign(counts, { create: c.create ?? 0, update: c.update ?? 0, replace: c.replace ?? 0, same: c.same ?? 0, delete: c.delete ?? 0 });
          for (const [k, v] of Object.entries(u.outputs)) {
            outputs[k] = v.value;
            if (v.secret) secretOutputs.push(k);
          }
        }
        const resources = (await stack.exportStack()).deployment?.resources ?? [];
        return {
          steps: [],
          counts,
          outputs,
          secretOutputs,
          resources: resources
            .filter((r: { type: string }) => r.type.startsWith("pulumi-nodejs:dynamic/nylas:"))
            .map((r: { type: string; urn: string; id: string }) => ({ type: `nylas:${r.type.split(":").pop()}`, name: r.urn.split("::").pop()!, id: r.id, urn: r.urn })),
          stateFile: backend,
          durationMs: Date.now() - started,
        };
      } catch (e) {
        throw new DemoError(`pulumi ${req.destroy ? "destroy" : "up"} failed: ${oneLine(e).slice(0, 400)}`, "see the output above; run again with --verbose for details, or with --harness to skip the CLI", stackOf(e));
      }
    },
  };
}

// ---------------------------------------------------------------------------------------- round trip

interface DemoOutputs {
  salesEmail: string;
  salesGrantId: string;
  supportEmail: string;
  supportGrantId: string;
  supportTeamFolderId: string;
  webhookSecret: string;
}

function outputsOf(r: ProgramRunResult): DemoOutputs {
  const o = r.outputs as Partial<DemoOutputs>;
  for (const k of ["salesEmail", "salesGrantId", "supportEmail", "supportGrantId", "supportTeamFolderId", "webhookSecret"] as const) {
    if (typeof o[k] !== "string" || !o[k]) throw new DemoError(`the quickstart program did not export ${k}`, "examples/quickstart/index.ts must export it");
  }
  return o as DemoOutputs;
}

interface Message {
  id: string;
  thread_id: string;
  grant_id: string;
  subject: string;
  from: { email: string; name?: string }[];
  to: { email: string; name?: string }[];
  snippet?: string;
  date: number;
}

async function roundTrip(emulator: RunningEmulator, receiver: WebhookReceiver, o: DemoOutputs): Promise<void> {
  const api = async <T>(method: string, p: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${emulator.url}${p}`, {
      method,
      headers: { authorization: `Bearer ${emulator.apiKey}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new DemoError(`${method} ${p} answered ${res.status}: ${text.slice(0, 300)}`, "the emulator refused the call; run again with --verbose, or start over by deleting the state dir");
    return (JSON.parse(text) as { data: T }).data;
  };
  const received = (grantId: string, subject: string) => (d: Delivery) => {
    try {
      const n = parseWebhookBody(d.rawBody, d.headers);
      const m = n.data.object as unknown as Message;
      return n.type === "message.created" && m.grant_id === grantId && m.subject === subject;
    } catch {
      return false;
    }
  };
  const waitDelivery = async (pred: (d: Delivery) => boolean, who: string) => {
    try {
      return await receiver.waitFor(pred, 30_000);
    } catch {
      throw new DemoError(`no message.created webhook for ${who} arrived within 30 s`, "check that the webhook is active (the summary lists it) and nothing else holds the receiver port; run again with --verbose");
    }
  };

  out();
  const subject = `Quote for 20 seats (#${new Date().toISOString().slice(11, 19)})`;
  const sent = await api<Message>("POST", `/v3/grants/${o.salesGrantId}/messages/send`, {
    to: [{ email: o.supportEmail, name: "Support Agent" }],
    subject,
    body: "Hi support — a customer asks for a quote for 20 seats. Can you confirm the volume discount?",
  });
  step(`sent          ${o.salesEmail} → ${o.supportEmail}: "${subject}" (message ${short(sent.id)})`);

  // Support's copy arrives, and Nylas (the emulator) notifies the webhook.
  const delivery = await waitDelivery(received(o.supportGrantId, subject), o.supportEmail);
  const signature = String(delivery.headers["x-nylas-signature"] ?? "");
  if (!verifyWebhookSignature(delivery.rawBody, delivery.headers["x-nylas-signature"], o.webhookSecret)) {
    throw new DemoError("the message.created webhook arrived but its x-nylas-signature does not verify with webhookSecret", "the secret in state is stale: run npm run demo -- --destroy, then npm run demo");
  }
  const notification = parseWebhookBody<WebhookNotification>(delivery.rawBody, delivery.headers);
  const inbound = notification.data.object as unknown as Message;
  step(`webhook       message.created for ${o.supportEmail} (message ${short(inbound.id)}), x-nylas-signature ${signature.slice(0, 12)}… verified with webhookSecret ✓`);

  // A workspace rule filed it into support's declared "Team" folder; Nylas's rule evaluation says why.
  const stored = await api<{ folders?: string[] }>("GET", `/v3/grants/${o.supportGrantId}/messages/${inbound.id}`);
  const [evaluation] = await getRuleEvaluations(o.supportGrantId, { messageId: inbound.id, connection: { apiKey: emulator.apiKey, apiUri: emulator.url } });
  if (!stored.folders?.includes(o.supportTeamFolderId) || !evaluation) {
    throw new DemoError(`the message was not filed into support's "Team" folder (folders: ${(stored.folders ?? []).join(", ") || "none"})`, "the quickstart's file-team-mail rule or Team folder is missing: run npm run demo again, or --destroy and start over");
  }
  step(`filed         into "Team" of ${o.supportEmail} (folder ${short(o.supportTeamFolderId)}) by a rule ✓`);
  step(`evaluation    ${evaluation.summary}`);

  const reply = await api<Message>("POST", `/v3/grants/${o.supportGrantId}/messages/send`, {
    to: [{ email: o.salesEmail, name: "Sales Agent" }],
    subject: `Re: ${subject}`,
    body: "Confirmed: 15% off from 20 seats. I'll send the quote to the customer today.",
    reply_to_message_id: inbound.id,
  });
  if (reply.thread_id !== inbound.thread_id) {
    throw new DemoError(`the reply landed in thread ${reply.thread_id}, not in ${inbound.thread_id}`, "the emulator did not thread the reply; run again with --verbose and report it");
  }
  step(`reply         ${o.supportEmail} → ${o.salesEmail}: "Re: ${subject}" in the same thread (${short(reply.thread_id)})`);

  // Sales gets the reply in the conversation it started.
  const back = await waitDelivery(received(o.salesGrantId, `Re: ${subject}`), o.salesEmail);
  const backMsg = parseWebhookBody<WebhookNotification>(back.rawBody, back.headers).data.object as unknown as Message;
  const salesSide = backMsg.thread_id === sent.thread_id ? "in the thread it started ✓" : `in another thread (${short(backMsg.thread_id)}) ✗`;
  step(`webhook       message.created for ${o.salesEmail}: the reply arrived ${salesSide}, signature verified ${verifyWebhookSignature(back.rawBody, back.headers["x-nylas-signature"], o.webhookSecret) ? "✓" : "✗"}`);

  const thread = await api<{ id: string; subject: string; message_ids: string[]; participants: { email: string }[] }>(
    "GET",
    `/v3/grants/${o.supportGrantId}/threads/${inbound.thread_id}`,
  );
  const messages = await api<Message[]>("GET", `/v3/grants/${o.supportGrantId}/messages?thread_id=${encodeURIComponent(thread.id)}&limit=50`);
  const byId = new Map(messages.map((m) => [m.id, m]));
  step(`thread        ${short(thread.id)} of ${o.supportEmail}: "${thread.subject}", ${thread.message_ids.length} messages`);
  thread.message_ids.forEach((id, i) => {
    const m = byId.get(id);
    if (m) indent(`${i + 1}. ${m.from.map((p) => p.email).join(", ")} → ${m.to.map((p) => p.email).join(", ")}: "${clip(m.snippet ?? "", 48)}"`);
  });
}

// ------------------------------------------------------------------------------------------- summary

function summary(r: ProgramRunResult, o: DemoOutputs, deployer: Deployer, rel: string, started: number): void {
  const changed = r.counts.create + r.counts.update + r.counts.replace + r.counts.delete;
  out();
  out("Summary");
  const past: Record<string, string> = { create: "created", update: "updated", replace: "replaced", same: "unchanged", delete: "deleted" };
  out(`  deployment   ${changed === 0 ? "no changes (every resource unchanged)" : (Object.entries(r.counts) as [string, number][]).filter(([, n]) => n).map(([k, n]) => `${n} ${past[k]}`).join(", ")} via ${deployer.kind === "harness" ? "the engine harness" : "the Automation API"}`);
  out(`  resources    ${r.resources.length}`);
  for (const res of r.resources) out(`    ${res.type.padEnd(19)} ${res.name.padEnd(16)} ${res.id}`);
  out(`  agents       ${o.salesEmail} (grant ${o.salesGrantId})`);
  out(`               ${o.supportEmail} (grant ${o.supportGrantId})`);
  const reveal = deployer.kind === "automation" ? "pulumi stack output webhookSecret --show-secrets -s demo, in examples/quickstart" : "encrypted in the state file";
  out(`  webhook      secret ${mask(o.webhookSecret)} (a secret output: ${reveal})`);
  out(`  state        ${deployer.stateDescription}; emulator data ${path.join(rel, "emulator")}`);
  out(`  done in      ${((Date.now() - started) / 1000).toFixed(1)} s — run again: no changes; remove everything: npm run demo -- --destroy`);
}

function mask(secret: string): string {
  return secret.length <= 12 ? "••••" : `${secret.slice(0, 5)}…${secret.slice(-4)}`;
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** A path as the user would type it: relative to the working directory when inside it. */
function shown(p: string): string {
  const r = path.relative(process.cwd(), p);
  return r === "" ? "." : r.startsWith("..") ? p : r;
}

const short = (id: string) => (id.length > 13 ? `${id.slice(0, 8)}…` : id);

// ------------------------------------------------------------------------------------------- helpers

function parseCommandLine(argv: string[]): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        destroy: { type: "boolean" },
        "state-dir": { type: "string" },
        "emulator-port": { type: "string" },
        "receiver-port": { type: "string" },
        harness: { type: "boolean" },
        verbose: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    throw new DemoError(oneLine(e).split(". ")[0], USAGE); // parseArgs' first sentence names the flag
  }
  if (values.help) {
    out(USAGE);
    process.exit(0);
  }
  const port = (flag: string, v: string | undefined, dflt: number) => {
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 65535) throw new DemoError(`--${flag} must be a port number 1-65535`, USAGE);
    return n;
  };
  return {
    destroy: values.destroy ?? false,
    stateDir: values["state-dir"] !== undefined ? path.resolve(values["state-dir"]) : path.join(ROOT, ".demo"),
    emulatorPort: port("emulator-port", values["emulator-port"], 4790),
    receiverPort: port("receiver-port", values["receiver-port"], 4791),
    forceHarness: values.harness ?? false,
    verbose: values.verbose ?? false,
  };
}

function findRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, "package.json"))) {
    const up = path.dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
  return dir;
}

function oneLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, " ").trim();
}

function stackOf(e: unknown): string | undefined {
  return e instanceof Error ? e.stack : undefined;
}

if (require.main === module) {
  const verbose = process.argv.includes("--verbose");
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (e: unknown) => {
      if (e instanceof DemoError) {
        console.error(`✗ ${e.message}`);
        console.error(`  → ${e.hint}`);
        if (verbose && e.details) console.error(e.details);
      } else {
        console.error(`✗ ${oneLine(e)}`);
        console.error("  → run again with --verbose for details");
        if (verbose && e instanceof Error) console.error(e.stack);
      }
      process.exit(1);
    },
  );
}
