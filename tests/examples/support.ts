import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { EmulatorOptions, RunningEmulator } from "../../emulator";
import { runProgram, type ConfigValue, type ProgramRunResult, type RunProgramOptions } from "../../provider/offline/program";
import { EmulatorControl, type EmulatorState } from "../../emulator/control-client";
import { providerConfig, startTestEmulator } from "../harness/stack";

export type { EmulatorState };

/** Shared by the example tests: an emulator, a temp dir, and program runs configured against them. */

export const ROOT = path.resolve(__dirname, "..", "..");
export const example = (name: string) => path.join(ROOT, "examples", name);

export interface ExampleEnv {
  emulator: RunningEmulator;
  control: EmulatorControl;
  dir: string;
  /** Connection config for the provider (the harness's: fast retries, no client throttle). */
  config(extra?: Record<string, ConfigValue>): Record<string, ConfigValue>;
  run(opts: Omit<RunProgramOptions, "config" | "stateFile"> & { state: string; config?: Record<string, ConfigValue> }): Promise<ProgramRunResult>;
  state(): Promise<EmulatorState>;
  stop(): Promise<void>;
}

export async function startExampleEnv(opts: { domains?: string[]; variance?: EmulatorOptions["variance"] } = {}): Promise<ExampleEnv> {
  // Without `variance`, this pass's profile (startTestEmulator's default).
  const emulator = await startTestEmulator({ domains: opts.domains, ...(opts.variance === undefined ? {} : { variance: opts.variance }) });
  const control = new EmulatorControl(emulator.url);
  const dir = mkdtempSync(path.join(tmpdir(), "nylas-examples-"));
  const config = (extra: Record<string, ConfigValue> = {}) => providerConfig(emulator, extra);
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
