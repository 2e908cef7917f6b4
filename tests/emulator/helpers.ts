/** Shared helpers for the emulator tests: a tiny HTTP client, a webhook receiver and a domain signer. */
import { createHmac, createSign, randomBytes } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { EmulatorOptions, RunningEmulator, startEmulator } from "../../emulator";

export interface Res<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface Harness {
  emu: RunningEmulator;
  api<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Res<T>>;
  /** Raw request: `body` is sent exactly as given. */
  raw<T = any>(method: string, path: string, body?: string, headers?: Record<string, string>): Promise<Res<T>>;
  ctl<T = any>(method: string, path: string, body?: unknown): Promise<Res<T>>;
  /** A call with the Organization-bound IAM admin key (the /v3/domains credential). */
  iam<T = any>(method: string, path: string, body?: unknown): Promise<Res<T>>;
  signed<T = any>(method: string, path: string, body?: unknown, tweak?: SignTweak): Promise<Res<T>>;
  close(): Promise<void>;
}

export async function startHarness(opts: EmulatorOptions = {}): Promise<Harness> {
  const emu = await startEmulator({ quiet: true, ...opts });
  const raw = async (method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Res> => {
    const res = await fetch(emu.url + path, { method, body, headers });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* keep text */
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  const api = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    raw(method, path, body === undefined ? undefined : JSON.stringify(body), {
      Authorization: `Bearer ${emu.apiKey}`,
      "Content-Type": "application/json",
      ...headers,
    });
  const iam = (method: string, path: string, body?: unknown) =>
    raw(method, path, body === undefined ? undefined : JSON.stringify(body), {
      Authorization: `Bearer ${emu.iamAdminKey}`,
      "Content-Type": "application/json",
    });
  const ctl = (method: string, path: string, body?: unknown) =>
    raw(method, `/__emulator${path}`, body === undefined ? undefined : JSON.stringify(body), {
      "Content-Type": "application/json",
    });
  const signed = (method: string, path: string, body?: unknown, tweak: SignTweak = {}) => {
    const { headers, serialized } = signRequest(emu.serviceAccount, method, path.split("?")[0], body, tweak);
    return raw(method, path, tweak.sendBody ?? serialized, { "Content-Type": "application/json", ...headers });
  };
  return { emu, api, raw, ctl, iam, signed, close: () => emu.close() };
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

// ---------------------------------------------------------------- webhook receiver

export interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  raw: Buffer;
  /** JSON of the (decompressed) body. */
  json: any;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** What to do with challenges: echo (default), wrong, status code, or hang. */
  challenge: "echo" | "wrong" | number | "hang";
  /** Status codes to answer POSTs with, consumed in order; default 200. */
  postStatuses: number[];
  waitFor(pred: (r: Received) => boolean, timeoutMs?: number): Promise<Received>;
  posts(): Received[];
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const waiters: { pred: (r: Received) => boolean; resolve: (r: Received) => void }[] = [];
  const rcv: Receiver = {
    url: "",
    received,
    challenge: "echo",
    postStatuses: [],
    waitFor(pred, timeoutMs = 5000) {
      const hit = received.find(pred);
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const w = { pred, resolve };
        waiters.push(w);
        setTimeout(() => {
          const i = waiters.indexOf(w);
          if (i >= 0) {
            waiters.splice(i, 1);
            reject(new Error(`receiver: timed out waiting (${received.length} requests received)`));
          }
        }, timeoutMs).unref();
      });
    },
    posts: () => received.filter((r) => r.method === "POST"),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const u = new URL(req.url ?? "/", "http://x");
      if (req.method === "GET" && u.searchParams.has("challenge")) {
        const c = u.searchParams.get("challenge")!;
        const mode = rcv.challenge;
        received.push({ method: "GET", url: req.url ?? "", headers: req.headers, raw, json: undefined });
        if (mode === "hang") return; // never answer
        if (typeof mode === "number") {
          res.writeHead(mode).end(c);
          return;
        }
        res.writeHead(200, { "Content-Type": "text/plain" }).end(mode === "echo" ? c : `${c}-nope`);
        return;
      }
      let json: unknown;
      try {
        const text = req.headers["content-encoding"] === "gzip" ? gunzipSync(raw).toString("utf8") : raw.toString("utf8");
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      const r: Received = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, raw, json };
      received.push(r);
      const status = rcv.postStatuses.shift() ?? 200;
      res.writeHead(status).end("ok");
      for (const w of [...waiters]) {
        if (w.pred(r)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(r);
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  rcv.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return rcv;
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

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
