import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../emulator";
import { EmulatorControl } from "../../emulator/control-client";
import { Engine, type EngineOptions, type FrontDoor } from "../../provider/offline/engine";

export { EmulatorControl, type FaultRule, type LoggedRequest } from "../../emulator/control-client";

/**
 * A test "stack": the local Nylas emulator (in-process, random port) plus the engine harness driving
 * the real provider host configured against it. Retries are fast and the client throttle is off so
 * tests run quickly; tests about throttling or backoff override `config`. `frontDoor: "plugin"` runs the
 * same through the native plugin instead of the dynamic-provider host.
 *
 * The "harsh" jest project (package.json) sets the global `__NYLAS_EMULATOR_VARIANCE__` to "harsh": every
 * stack's emulator then answers the provider with each disputed behaviour of the reference's §10 at its
 * harshest (emulator/variance.ts). The stack's own out-of-band calls (`api`, `domainsApi`) are answered
 * under the default profile, so what a test checks at "Nylas" reads the same under both profiles.
 */
export type VarianceProfile = "default" | "harsh";
export const PROFILE: VarianceProfile =
  (globalThis as { __NYLAS_EMULATOR_VARIANCE__?: unknown }).__NYLAS_EMULATOR_VARIANCE__ === "harsh" ? "harsh" : "default";
const PLAIN = { "x-emulator-variance": "default" };

export interface TestStack {
  emulator: RunningEmulator;
  engine: Engine;
  control: EmulatorControl;
  /** The variance profile the provider meets. */
  profile: VarianceProfile;
  /** Plain API access for out-of-band changes (what a colleague does in the dashboard). */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** The same for Manage Domains on /v3/domains, with the Organization-bound IAM admin key. */
  domainsApi(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

export async function startStack(
  opts: { emulator?: EmulatorOptions; config?: EngineOptions["config"]; env?: NodeJS.ProcessEnv; frontDoor?: FrontDoor } = {},
): Promise<TestStack> {
  const emulator = await startEmulator({ quiet: true, variance: PROFILE, ...opts.emulator });
  const sa = emulator.serviceAccount;
  const engine = await Engine.start({
    frontDoor: opts.frontDoor,
    env: opts.env,
    config: {
      "nylas:apiKey": { secret: emulator.apiKey },
      "nylas:apiUri": emulator.url,
      "nylas:serviceAccount": { secret: JSON.stringify({ private_key_id: sa.privateKeyId, private_key: sa.privateKeyPem }) },
      "nylas:domainsApiKey": { secret: emulator.iamAdminKey },
      "nylas:requestsPerSecond": "0",
      "nylas:retryBaseDelayMs": "20",
      "nylas:requestTimeoutMs": "5000",
      ...opts.config,
    },
  });
  const call = (key: string) => async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${emulator.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...PLAIN, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    emulator,
    engine,
    control: new EmulatorControl(emulator.url),
    profile: opts.emulator?.variance ?? PROFILE,
    api: call(emulator.apiKey),
    domainsApi: call(emulator.iamAdminKey),
    async stop() {
      await engine.stop();
      await emulator.close();
    },
  };
}
