import { stackConfigFor, startEmulator, type EmulatorOptions, type RunningEmulator } from "../../emulator";
import { EmulatorControl } from "../../emulator/control-client";
import { WebhookReceiver } from "../../emulator/receiver";
import { Engine, type EngineOptions, type FrontDoor } from "../../provider/offline/engine";
import type { ConfigValue } from "../../provider/offline/program";
import { startedForFile } from "./for-file";

export { EmulatorControl, type FaultRule, type LoggedRequest } from "../../emulator/control-client";

/**
 * The one test set-up: the local Nylas emulator (in-process, random port), the engine harness driving
 * the real provider host configured against it, and (when asked) a webhook receiver. Every test that
 * talks to the emulator through the provider starts it here, so a second test pass runs all of them
 * against a differently started emulator by changing {@link startTestEmulator} alone.
 *
 * `frontDoor: "plugin"` runs the same through the native plugin instead of the dynamic-provider host.
 *
 * That pass is the "harsh" jest project (package.json): it sets the global `__NYLAS_EMULATOR_VARIANCE__`
 * to "harsh", and every emulator started here then answers the provider with each behaviour its sources
 * disagree on at its harshest (emulator/variance.ts, emulator/README.md). The stack's own out-of-band
 * calls (`api`, `domainsApi`) are answered under the default profile, so what a test checks at "Nylas"
 * reads the same under both profiles.
 */
export type VarianceProfile = "default" | "harsh";
export const PROFILE: VarianceProfile =
  (globalThis as { __NYLAS_EMULATOR_VARIANCE__?: unknown }).__NYLAS_EMULATOR_VARIANCE__ === "harsh" ? "harsh" : "default";
/** Asks the emulator to answer one request under the default profile (the out-of-band view). */
const PLAIN = { "x-emulator-variance": "default" };

/** The emulator of provider-facing tests, under this pass's profile (the emulator's own tests start theirs directly). */
export function startTestEmulator(opts: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({ quiet: true, variance: PROFILE, ...opts });
}

/**
 * Stack config pointing a provider at `emulator` ({@link stackConfigFor}), with fast retries and the
 * client throttle off. Timeouts stay at the provider's defaults (30 s per request): a test about
 * timeouts sets its own, and no other test may depend on a short one holding on a loaded machine.
 */
export function providerConfig(emulator: RunningEmulator, extra: Record<string, ConfigValue> = {}): Record<string, ConfigValue> {
  return { ...stackConfigFor(emulator), "nylas:requestsPerSecond": "0", "nylas:retryBaseDelayMs": "20", ...extra };
}

export interface ApiResponse<T = any> {
  status: number;
  /** JSON when the answer was JSON, else the text (undefined when empty). */
  body: T;
  headers: Headers;
}

/** Plain HTTP to the emulator's /v3 API with a key: what a colleague does in the dashboard. */
export type Api = <T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<ApiResponse<T>>;

/**
 * The API as a colleague sees it, with the application key (or `key`), answered under the default
 * profile whatever the pass: the view tests check what exists at "Nylas" through. The emulator's own
 * tests pass `view = {}` to see the profile they started.
 */
export function apiOf(emulator: { url: string; apiKey: string }, key = emulator.apiKey, view: Record<string, string> = PLAIN): Api {
  return async (method, path, body, headers = {}) => {
    const res = await fetch(`${emulator.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...view, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await bodyOf(res), headers: res.headers };
  };
}

export async function bodyOf(res: Response): Promise<any> {
  const text = await res.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export interface StackOptions {
  emulator?: EmulatorOptions;
  /** Stack config on top of {@link providerConfig}. */
  config?: Record<string, ConfigValue>;
  env?: NodeJS.ProcessEnv;
  /** Also start a webhook receiver (`stack.receiver`). */
  receiver?: boolean;
  /** @default `NYLAS_OFFLINE_FRONT_DOOR`, else "dynamic" (see {@link EngineOptions.frontDoor}). */
  frontDoor?: FrontDoor;
}

export interface TestStack {
  emulator: RunningEmulator;
  engine: Engine;
  control: EmulatorControl;
  /** The variance profile the provider meets. */
  profile: VarianceProfile;
  api: Api;
  /** The same for Manage Domains on /v3/domains, with the Organization-bound IAM admin key. */
  domainsApi: Api;
  /** The same for the IAM API on /v3/iam/*, with that key too. */
  iamApi: Api;
  /** A call with any bearer token (e.g. an agent's IAM API key), answered as the provider is (under this pass's profile). */
  as(token: string, method: string, path: string, body?: unknown): Promise<ApiResponse>;
  /** Present when started with `receiver: true`. */
  receiver: WebhookReceiver;
  /** A further engine (its own provider host) against the same emulator with other settings; stopped with the stack. */
  engineWith(config: Record<string, ConfigValue>): Promise<Engine>;
  stop(): Promise<void>;
}

export async function startStack(opts: StackOptions = {}): Promise<TestStack> {
  const emulator = await startTestEmulator(opts.emulator);
  const engines: Engine[] = [];
  let receiver: WebhookReceiver | undefined;
  const startEngine = async (config: Record<string, ConfigValue>) => {
    const e = await Engine.start({ frontDoor: opts.frontDoor, env: opts.env, config: providerConfig(emulator, config) as EngineOptions["config"] });
    engines.push(e);
    return e;
  };
  const stop = async () => {
    await Promise.all(engines.map((e) => e.stop()));
    await receiver?.close();
    await emulator.close();
  };
  try {
    const [engine, r] = await Promise.all([startEngine(opts.config ?? {}), opts.receiver ? WebhookReceiver.start() : undefined]);
    receiver = r;
    return {
      emulator,
      engine,
      control: new EmulatorControl(emulator.url),
      profile: opts.emulator?.variance ?? PROFILE,
      api: apiOf(emulator),
      domainsApi: apiOf(emulator, emulator.iamAdminKey),
      iamApi: apiOf(emulator, emulator.iamAdminKey),
      as: (token, method, path, body) => apiOf(emulator, token, {})(method, path, body),
      get receiver(): WebhookReceiver {
        if (!receiver) throw new Error("this stack was started without a receiver: startStack({ receiver: true })");
        return receiver;
      },
      engineWith: (config) => startEngine({ ...opts.config, ...config }),
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/**
 * A stack for the enclosing `describe` (or file): started in `beforeAll`, stopped in `afterAll`. The
 * object returned reads through to it, so tests write `stack.engine` as with {@link startStack}.
 */
export function useStack(opts: StackOptions = {}): TestStack {
  return startedForFile("stack", () => startStack(opts), (it) => it.stop());
}
