import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../emulator";
import { EmulatorControl } from "../../emulator/control-client";
import { Engine, type EngineOptions, type FrontDoor } from "../../provider/offline/engine";

export { EmulatorControl, type FaultRule, type LoggedRequest } from "../../emulator/control-client";

/**
 * A test "stack": the local Nylas emulator (in-process, random port) plus the engine harness driving
 * the real provider host configured against it. Retries are fast and the client throttle is off so
 * tests run quickly; tests about throttling or backoff override `config`. `frontDoor: "plugin"` runs the
 * same through the native plugin instead of the dynamic-provider host.
 */

export interface TestStack {
  emulator: RunningEmulator;
  engine: Engine;
  control: EmulatorControl;
  /** Plain API access for out-of-band changes (what a colleague does in the dashboard). */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

export async function startStack(
  opts: { emulator?: EmulatorOptions; config?: EngineOptions["config"]; env?: NodeJS.ProcessEnv; frontDoor?: FrontDoor } = {},
): Promise<TestStack> {
  const emulator = await startEmulator({ quiet: true, ...opts.emulator });
  const sa = emulator.serviceAccount;
  const engine = await Engine.start({
    frontDoor: opts.frontDoor,
    env: opts.env,
    config: {
      "nylas:apiKey": { secret: emulator.apiKey },
      "nylas:apiUri": emulator.url,
      "nylas:serviceAccount": { secret: JSON.stringify({ private_key_id: sa.privateKeyId, private_key: sa.privateKeyPem }) },
      "nylas:requestsPerSecond": "0",
      "nylas:retryBaseDelayMs": "20",
      "nylas:requestTimeoutMs": "5000",
      ...opts.config,
    },
  });
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${emulator.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${emulator.apiKey}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    emulator,
    engine,
    control: new EmulatorControl(emulator.url),
    api,
    async stop() {
      await engine.stop();
      await emulator.close();
    },
  };
}
