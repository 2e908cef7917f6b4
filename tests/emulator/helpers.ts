/** Shared helpers for the emulator tests: raw HTTP to the API, the control client and an independent request signer. */
import { createHmac, createSign, randomBytes } from "node:crypto";
import { EmulatorOptions, RunningEmulator, startEmulator } from "../../emulator";
import { EmulatorControl } from "../../emulator/control-client";
import { startedForFile } from "../harness/for-file";
import { apiOf, bodyOf, type Api, type ApiResponse } from "../harness/stack";

export type Res<T = any> = ApiResponse<T>;

export interface Harness {
  emu: RunningEmulator;
  /** JSON to the API with the emulator's key. */
  api: Api;
  /** Raw request: `body` is sent exactly as given, with only the headers given. */
  raw<T = any>(method: string, path: string, body?: string, headers?: Record<string, string>): Promise<Res<T>>;
  control: EmulatorControl;
  /** Raw call to the control API (`/__emulator` + path), for tests that check its own status codes. */
  ctl<T = any>(method: string, path: string, body?: unknown): Promise<Res<T>>;
  /** A call with the Organization-bound IAM admin key (the /v3/domains credential). */
  iam: Api;
  signed<T = any>(method: string, path: string, body?: unknown, tweak?: SignTweak): Promise<Res<T>>;
  close(): Promise<void>;
}

/** The emulator as its own tests see it: started directly with its defaults (not the provider tests' profile). */
export async function startHarness(opts: EmulatorOptions = {}): Promise<Harness> {
  const emu = await startEmulator({ quiet: true, ...opts });
  const raw = async (method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Res> => {
    const res = await fetch(emu.url + path, { method, body, headers });
    return { status: res.status, body: await bodyOf(res), headers: res.headers };
  };
  const signed = (method: string, path: string, body?: unknown, tweak: SignTweak = {}) => {
    const { headers, serialized } = signRequest(emu.serviceAccount, method, path.split("?")[0], body, tweak);
    return raw(method, path, tweak.sendBody ?? serialized, { "Content-Type": "application/json", ...headers });
  };
  const ctl = (method: string, path: string, body?: unknown) =>
    raw(method, `/__emulator${path}`, body === undefined ? undefined : JSON.stringify(body), { "Content-Type": "application/json" });
  // The emulator's own view: answered under the profile it was started with.
  return { emu, api: apiOf(emu, emu.apiKey, {}), iam: apiOf(emu, emu.iamAdminKey, {}), raw, ctl, control: new EmulatorControl(emu.url), signed, close: () => emu.close() };
}

export interface UseHarnessOptions {
  /** How the emulator is started (passed to {@link startHarness}). */
  emulator?: EmulatorOptions;
  /** Reset the emulator (`control.reset()`, back to its start options) before each test. @default true */
  resetEachTest?: boolean;
}

/**
 * The emulator tests' set-up, once: a harness started in beforeAll, closed in afterAll and (unless told
 * otherwise) reset before each test. Call it at the top of a file, before the file's own hooks, so the
 * reset runs before them. The object it returns reads through to the running harness.
 */
export function useHarness(opts: UseHarnessOptions = {}): Harness {
  const h = startedForFile("harness", () => startHarness(opts.emulator), (it) => it.close());
  if (opts.resetEachTest ?? true) beforeEach(() => h.control.reset());
  return h;
}

// ---------------------------------------------------------------- signing (independent of the emulator's code)

export function canonical(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
    .join(",")}}`;
}

export interface SignTweak {
  nonce?: string;
  timestamp?: number;
  kid?: string;
  /** Sign this path instead of the real one. */
  signPath?: string;
  /** Send these bytes as the body instead of the canonical serialization. */
  sendBody?: string;
  privateKeyPem?: string;
}

export function signRequest(
  sa: { privateKeyId: string; privateKeyPem: string },
  method: string,
  path: string,
  body: unknown,
  tweak: SignTweak = {},
): { headers: Record<string, string>; serialized?: string } {
  const m = method.toLowerCase();
  const nonce = tweak.nonce ?? randomBytes(15).toString("base64url").slice(0, 20);
  const timestamp = tweak.timestamp ?? Math.floor(Date.now() / 1000);
  const serialized = body !== undefined && ["post", "put", "patch"].includes(m) ? canonical(body) : undefined;
  const env: Record<string, unknown> = { method: m, nonce, path: tweak.signPath ?? path, timestamp };
  if (serialized !== undefined) env.payload = serialized;
  const sig = createSign("RSA-SHA256")
    .update(canonical(env))
    .sign(tweak.privateKeyPem ?? sa.privateKeyPem, "base64");
  return {
    headers: {
      "X-Nylas-Kid": tweak.kid ?? sa.privateKeyId,
      "X-Nylas-Nonce": nonce,
      "X-Nylas-Timestamp": String(timestamp),
      "X-Nylas-Signature": sig,
    },
    serialized: serialized ?? (body === undefined ? undefined : JSON.stringify(body)),
  };
}

export const hmacHex = (secret: string, body: Buffer): string => createHmac("sha256", secret).update(body).digest("hex");

export const PASSWORD = "Str0ngAppPassword1x"; // 19 chars, upper+lower+digit

/** Create the nylas connector and an agent account. */
export async function createAccount(h: Harness, email: string, extra: Record<string, unknown> = {}): Promise<any> {
  const c = await h.api("GET", "/v3/connectors/nylas");
  if (c.status === 404) await h.api("POST", "/v3/connectors", { provider: "nylas" });
  const r = await h.api("POST", "/v3/connect/custom", { provider: "nylas", settings: { email }, ...extra });
  if (r.status !== 201) throw new Error(`createAccount ${email}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.data;
}

