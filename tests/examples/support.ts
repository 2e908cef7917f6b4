import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../emulator";
import { runProgram, type ConfigValue, type ProgramRunResult, type RunProgramOptions } from "../../provider/offline/program";
import { EmulatorControl, type EmulatorState } from "../../emulator/control-client";

export type { EmulatorState };

/** Shared by the example tests: an emulator, a temp dir, and program runs configured against them. */

export const ROOT = path.resolve(__dirname, "..", "..");
export const example = (name: string) => path.join(ROOT, "examples", name);

export interface ExampleEnv {
  emulator: RunningEmulator;
  control: EmulatorControl;
  dir: string;
  /** Connection config for the provider (fast retries, no client throttle). */
  config(extra?: Record<string, ConfigValue>): Record<string, ConfigValue>;
  run(opts: Omit<RunProgramOptions, "config" | "stateFile"> & { state: string; config?: Record<string, ConfigValue> }): Promise<ProgramRunResult>;
  state(): Promise<EmulatorState>;
  stop(): Promise<void>;
}


export async function startExampleEnv(opts: { domains?: string[]; variance?: EmulatorOptions["variance"] } = {}): Promise<ExampleEnv> {
  const emulator = await startEmulator({ quiet: true, domains: opts.domains, variance: opts.variance });
  const control = new EmulatorControl(emulator.url);
  const dir = mkdtempSync(path.join(tmpdir(), "nylas-examples-"));
  const config = (extra: Record<string, ConfigValue> = {}): Record<string, ConfigValue> => ({
    "nylas:apiUri": emulator.url,
    "nylas:apiKey": { secret: emulator.apiKey },
    "nylas:iamApiKey": { secret: emulator.iamAdminKey },
    "nylas:requestsPerSecond": "0",
    "nylas:retryBaseDelayMs": "20",
    ...extra,
  });
  return {
    emulator,
    control,
    dir,
    config,
    run: ({ state, config: extra, ...rest }) => runProgram({ ...rest, stateFile: path.join(dir, state), config: config(extra) }),
    state: () => control.state(),
    async stop() {
      await emulator.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The ops of a run by `nylas:Type name`. */
export function opsOf(r: ProgramRunResult): Record<string, string> {
  return Object.fromEntries(r.steps.map((s) => [`${s.type} ${s.name}`, s.op]));
}

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
