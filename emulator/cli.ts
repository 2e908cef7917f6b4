#!/usr/bin/env node
/**
 * node dist/emulator/cli.js --port 4780 --data .nylas-emulator [--host H] [--api-key K] [--iam-admin-key K]
 *   [--domain d ...] [--variance default|harsh] [--control] [--rate-limit 50] [--no-webhook-challenge] [--no-fsync] [--quiet]
 */
import { startEmulator, EmulatorOptions } from "./index";

const USAGE = `Usage: nylas-emulator [options]
  --port N                 port to listen on (default 4780; 0 = random)
  --host H                 interface to bind (default 127.0.0.1)
  --data DIR               persist state in DIR (default: in-memory only)
  --api-key KEY            the application API key (default nyk_emulator_local_key)
  --iam-admin-key KEY      the Organization-bound IAM admin key for /v3/domains (default nyk_iam_admin_emulator_key)
  --variance PROFILE       default (the corrected reference) or harsh (every disputed behaviour at its harshest)
  --domain D               pre-register (and verify) domain D; repeatable (default agents.example.com)
  --control                enable the /__emulator/ control API (off by default on the CLI)
  --rate-limit N           app-wide limit in requests per second (429 above it)
  --no-webhook-challenge   do not GET ?challenge=… when creating/reactivating webhooks
  --no-fsync               skip fdatasync after each journal append (faster, less durable)
  --quiet                  no warnings on stderr
  --help                   this text`;

function parse(argv: string[]): EmulatorOptions {
  const opts: EmulatorOptions = { port: 4780, control: false };
  const domains: string[] = [];
  const need = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith("--")) throw new Error(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    const value = (): string => {
      if (inline !== undefined) return inline;
      const v = need(i, flag);
      i++;
      return v;
    };
    switch (flag) {
      case "--port": {
        const p = Number(value());
        if (!Number.isInteger(p) || p < 0 || p > 65535) throw new Error("--port must be an integer 0-65535");
        opts.port = p;
        break;
      }
      case "--host":
        opts.host = value();
        break;
      case "--data":
        opts.dataDir = value();
        break;
      case "--api-key":
        opts.apiKey = value();
        break;
      case "--iam-admin-key":
        opts.iamAdminKey = value();
        break;
      case "--variance": {
        const v = value();
        if (v !== "default" && v !== "harsh") throw new Error("--variance must be default or harsh");
        opts.variance = v;
        break;
      }
      case "--domain":
        domains.push(...value().split(",").filter(Boolean));
        break;
      case "--control":
        opts.control = true;
        break;
      case "--rate-limit": {
        const n = Number(value());
        if (!(n > 0)) throw new Error("--rate-limit must be a positive number");
        opts.rateLimitPerSecond = n;
        break;
      }
      case "--no-webhook-challenge":
        opts.webhookChallenge = false;
        break;
      case "--no-fsync":
        process.env.NYLAS_EMULATOR_FSYNC = "0";
        break;
      case "--quiet":
        opts.quiet = true;
        break;
      case "--help":
      case "-h":
        process.stdout.write(USAGE + "\n");
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${a}`);
    }
  }
  if (domains.length) opts.domains = domains;
  return opts;
}

async function main(): Promise<void> {
  let opts: EmulatorOptions;
  try {
    opts = parse(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  const emu = await startEmulator(opts);
  process.stdout.write(`Nylas emulator listening on ${emu.url}\n`);
  process.stdout.write(`API key: ${emu.apiKey}\n`);
  process.stdout.write(`IAM admin key: ${emu.iamAdminKey}\n`);
  if (opts.variance === "harsh") process.stdout.write("Variance: harsh (see emulator/README.md)\n");
  if (opts.dataDir) process.stdout.write(`Data directory: ${opts.dataDir}\n`);
  if (opts.control) process.stdout.write(`Control API: ${emu.url}/__emulator/\n`);
  let stopping = false;
  const stop = (sig: string): void => {
    if (stopping) return;
    stopping = true;
    emu.close().then(
      () => {
        if (!opts.quiet) process.stderr.write(`nylas-emulator: stopped (${sig})\n`);
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

main().catch((e: unknown) => {
  process.stderr.write(`nylas-emulator: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
