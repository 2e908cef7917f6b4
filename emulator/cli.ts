#!/usr/bin/env node
/**
 * `npx nylas-emulator --port 4780 --data .nylas [--control] [--smtp-port 2525] …` (the package's `bin`).
 * Every setting is a flag that maps to one {@link EmulatorOptions} field; nothing is read from the
 * environment.
 */
import { parseArgs } from "node:util";
import { startEmulator, type EmulatorOptions } from "./index";

const USAGE = `Usage: nylas-emulator [options]
  --port N                 HTTP port (default 4780; 0 = a free one)
  --host H                 interface to bind (default 127.0.0.1)
  --data DIR               persist state in DIR (default: in-memory only)
  --api-key KEY            the application API key (default nyk_emulator_local_key)
  --iam-admin-key KEY      the Organization-bound IAM admin key for /v3/domains (default nyk_iam_admin_emulator_key)
  --variance PROFILE       default (the corrected reference) or harsh (every disputed behaviour at its harshest)
  --domain D               pre-register (and verify) domain D; repeatable or comma-separated
                           (default agents.example.com)
  --control                mount the /__emulator/ control API (inject mail, outbox, faults, …)
  --smtp-port N            SMTP server for submission with an agent's app password, and inbound
                           mail to agents (needs the optional package smtp-server + mailparser)
  --rate-limit N           app-wide limit in requests per second (429 above it)
  --plan free|full         enforce the Free or Full Platform Agent Account limits (default: none)
  --no-webhook-challenge   do not GET ?challenge=… when creating/reactivating webhooks
  --no-fsync               skip fdatasync after each journal append (faster, less durable)
  --no-inbox               no web inbox at /
  --quiet                  no warnings on stderr
  --help                   this text`;

/** Parses the command line into emulator options; throws with a one-line message on a bad flag. */
export function parseCommandLine(argv: string[]): EmulatorOptions & { help?: boolean } {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      data: { type: "string" },
      "api-key": { type: "string" },
      "iam-admin-key": { type: "string" },
      variance: { type: "string" },
      domain: { type: "string", multiple: true },
      control: { type: "boolean" },
      "smtp-port": { type: "string" },
      "rate-limit": { type: "string" },
      plan: { type: "string" },
      "no-webhook-challenge": { type: "boolean" },
      "no-fsync": { type: "boolean" },
      "no-inbox": { type: "boolean" },
      quiet: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  const port = (flag: string, v: string | undefined, dflt?: number): number | undefined => {
    if (v === undefined) return dflt;
    const p = Number(v);
    if (v.trim() === "" || !Number.isInteger(p) || p < 0 || p > 65535) throw new Error(`--${flag} must be an integer 0-65535, got "${v}"`);
    return p;
  };
  let rateLimitPerSecond: number | undefined;
  if (values["rate-limit"] !== undefined) {
    rateLimitPerSecond = Number(values["rate-limit"]);
    if (!(rateLimitPerSecond > 0)) throw new Error(`--rate-limit must be a positive number, got "${values["rate-limit"]}"`);
  }
  const variance = values.variance;
  if (variance !== undefined && variance !== "default" && variance !== "harsh")
    throw new Error(`--variance must be default or harsh, got "${variance}"`);
  const plan = values.plan;
  if (plan !== undefined && plan !== "free" && plan !== "full") throw new Error(`--plan must be free or full, got "${plan}"`);
  const domains = (values.domain ?? []).flatMap((d) => d.split(",")).map((d) => d.trim()).filter(Boolean);
  const smtpPort = port("smtp-port", values["smtp-port"]);
  return {
    help: values.help,
    port: port("port", values.port, 4780),
    host: values.host,
    dataDir: values.data,
    apiKey: values["api-key"],
    iamAdminKey: values["iam-admin-key"],
    variance,
    domains: domains.length ? domains : undefined,
    control: values.control ?? false,
    smtp: smtpPort === undefined ? undefined : { port: smtpPort },
    rateLimitPerSecond,
    plan,
    webhookChallenge: values["no-webhook-challenge"] ? false : undefined,
    fsync: values["no-fsync"] ? false : undefined,
    inbox: values["no-inbox"] ? false : undefined,
    quiet: values.quiet,
  };
}

async function main(): Promise<void> {
  let opts: ReturnType<typeof parseCommandLine>;
  try {
    opts = parseCommandLine(process.argv.slice(2));
  } catch (e) {
    // parseArgs explains "--" after the first sentence: the usage below says more
    process.stderr.write(`nylas-emulator: ${(e as Error).message.split(". ")[0]}\n${USAGE}\n`);
    process.exit(2);
  }
  if (opts.help) {
    process.stdout.write(USAGE + "\n");
    return;
  }
  const { help: _help, ...options } = opts;
  const emu = await startEmulator(options);
  // The first two lines are read by scripts (bench/procs.ts): keep their wording.
  process.stdout.write(`Nylas emulator listening on ${emu.url}\n`);
  process.stdout.write(`API key: ${emu.apiKey}\n`);
  process.stdout.write(`IAM admin key: ${emu.iamAdminKey}\n`);
  if (options.variance === "harsh") process.stdout.write("Variance: harsh (see emulator/README.md)\n");
  if (options.plan) process.stdout.write(`Plan: ${options.plan === "free" ? "Free" : "Full Platform"}\n`);
  if (emu.inboxUrl) process.stdout.write(`Web inbox: ${emu.inboxUrl}\n`);
  if (emu.smtp) process.stdout.write(`SMTP: ${emu.smtp.host}:${emu.smtp.port} (user = agent address, password = its app password)\n`);
  if (options.dataDir) process.stdout.write(`Data directory: ${options.dataDir}\n`);
  if (options.control) process.stdout.write(`Control API: ${emu.url}/__emulator/\n`);
  let stopping = false;
  const stop = (sig: string): void => {
    if (stopping) return;
    stopping = true;
    emu.close().then(
      () => {
        if (!options.quiet) process.stderr.write(`nylas-emulator: stopped (${sig})\n`);
        process.exit(0);
      },
      (e: unknown) => {
        process.stderr.write(`nylas-emulator: error while stopping: ${(e as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`nylas-emulator: ${(e as Error).message ?? e}\n`);
    process.exit(1);
  });
}
