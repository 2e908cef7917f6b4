import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import { killOnExit } from "../provider/offline/children";

/**
 * The benchmark's helper processes. The emulator and the webhook receiver each run in their own
 * process, so their CPU is never counted as the provider's (nor as the raw client's). Both are started
 * through the package's public entry points: the `nylas-emulator` bin and `pulumi-nylas-agents/emulator`.
 */

const PACKAGE_JSON = require.resolve("pulumi-nylas-agents/package.json");
const EMULATOR_BIN = path.join(path.dirname(PACKAGE_JSON), (require(PACKAGE_JSON) as { bin: Record<string, string> }).bin["nylas-emulator"]);

export interface Child {
  proc: ChildProcess;
  lines: string[];
  stop(): Promise<void>;
}

/** Spawns `node args…` and resolves once stdout has printed `lines` lines. */
async function start(args: string[], lines: number): Promise<Child> {
  const proc = killOnExit(spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] }));
  const got: string[] = [];
  let stderr = "";
  proc.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  await new Promise<void>((resolve, reject) => {
    let buf = "";
    proc.stdout!.on("data", (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        got.push(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
        if (got.length === lines) resolve();
      }
    });
    proc.once("exit", (code) => reject(new Error(`${args.join(" ")} exited (${code}) before it was ready: ${stderr}`)));
    proc.once("error", reject);
  });
  proc.removeAllListeners("exit");
  return {
    proc,
    lines: got,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((r) => proc.once("exit", r));
      proc.kill("SIGTERM");
      await exited;
    },
  };
}

export interface EmulatorProcess extends Child {
  url: string;
  apiKey: string;
}

/** `nylas-emulator --port 0 --control …` in its own process. */
export async function startEmulatorProcess(opts: { rateLimit?: number } = {}): Promise<EmulatorProcess> {
  const args = [EMULATOR_BIN, "--port", "0", "--control", "--quiet"];
  if (opts.rateLimit) args.push("--rate-limit", String(opts.rateLimit));
  const child = await start(args, 2);
  const url = /listening on (\S+)/.exec(child.lines[0])?.[1];
  const apiKey = /API key: (\S+)/.exec(child.lines[1])?.[1];
  if (!url || !apiKey) throw new Error(`unexpected emulator banner: ${child.lines.join(" | ")}`);
  return { ...child, url, apiKey };
}

/** The package's webhook receiver (answers every challenge, any path) in its own process. */
export async function startReceiverProcess(): Promise<Child & { url: string }> {
  const emulator = require.resolve("pulumi-nylas-agents/emulator");
  const script = `require(${JSON.stringify(emulator)}).WebhookReceiver.start().then((r) => console.log(r.url))`;
  const child = await start(["-e", script], 1);
  return { ...child, url: child.lines[0].trim() };
}
