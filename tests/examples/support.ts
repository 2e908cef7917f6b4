import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { EmulatorOptions, RunningEmulator } from "../../emulator";
import { runProgram, type ConfigValue, type ProgramRunResult, type RunProgramOptions } from "../../provider/offline/program";
import { EmulatorControl, type EmulatorState } from "../../emulator/control-client";
import { WebhookReceiver } from "../../emulator/receiver";
import { startedForFile } from "../harness/for-file";
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

export interface ExampleEnvOptions {
  domains?: string[];
  variance?: EmulatorOptions["variance"];
}

export async function startExampleEnv(opts: ExampleEnvOptions = {}): Promise<ExampleEnv> {
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

/** An example env with a webhook receiver beside it (`env.receiver`), for the programs that register webhooks. */
export interface ExampleEnvWithReceiver extends ExampleEnv {
  readonly receiver: WebhookReceiver;
}

/**
 * The example tests' set-up, once: an env and a webhook receiver started in beforeAll and closed in
 * afterAll (receiver first). Call it in a describe before that block's own hooks; the object it returns
 * reads through to them.
 */
export function useExampleEnv(opts: ExampleEnvOptions = {}): ExampleEnvWithReceiver {
  return startedForFile(
    "example env",
    async () => {
      const env = await startExampleEnv(opts);
      try {
        return { ...env, receiver: await WebhookReceiver.start() };
      } catch (e) {
        await env.stop();
        throw e;
      }
    },
    async (it) => {
      await it.receiver.close();
      await it.stop();
    },
  );
}

/** The ops of a run by `nylas:Type name`. */
export function opsOf(r: ProgramRunResult): Record<string, string> {
  return Object.fromEntries(r.steps.map((s) => [`${s.type} ${s.name}`, s.op]));
}
