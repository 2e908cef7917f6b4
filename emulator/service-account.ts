/**
 * Nylas Service Account (Nylas API v3, Domains): an RSA key pair whose private half a client uses to sign
 * `/v3/admin/domains` requests. The emulator generates one at first start (persisted in the data
 * directory) and verifies requests with the public half.
 */
import { createPublicKey, createVerify, generateKeyPair, KeyObject, randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { IncomingHttpHeaders } from "node:http";
import { unauthorized } from "./errors";
import { writeFileAtomic } from "./store";

export interface ServiceAccountFile {
  name: string;
  type: "service_account";
  private_key_id: string;
  private_key: string;
  organization_id: string;
  region: string;
}

export interface ServiceAccount {
  file: ServiceAccountFile;
  publicKey: KeyObject;
}

/** Canonical JSON: object keys sorted at every level, no whitespace (matches the Nylas SDK signer). */
export function canonicalJson(value: unknown): string {
  if (value === undefined || typeof value === "function") return "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined && typeof o[k] !== "function")
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

function genKeyPair(): Promise<{ privateKey: string; publicKey: string }> {
  return new Promise((resolve, reject) =>
    generateKeyPair(
      "rsa",
      {
        modulusLength: 2048,
        publicKeyEncoding: { type: "spki", format: "pem" },
        privateKeyEncoding: { type: "pkcs8", format: "pem" },
      },
      (err, publicKey, privateKey) => (err ? reject(err) : resolve({ publicKey, privateKey })),
    ),
  );
}

let memoryKey: Promise<{ privateKey: string; publicKey: string }> | undefined;

/** Load (or create) the service account. In-memory emulators of one process share one key pair. */
export async function loadServiceAccount(dataDir: string | undefined, organizationId: () => string): Promise<ServiceAccount> {
  const file = dataDir ? path.join(dataDir, "service-account.json") : undefined;
  if (file && fs.existsSync(file)) {
    const sa = JSON.parse(fs.readFileSync(file, "utf8")) as ServiceAccountFile;
    return { file: sa, publicKey: createPublicKey(sa.private_key) };
  }
  let pair: { privateKey: string; publicKey: string };
  if (file) pair = await genKeyPair();
  else pair = await (memoryKey ??= genKeyPair());
  const sa: ServiceAccountFile = {
    name: "nylas-emulator",
    type: "service_account",
    private_key_id: randomUUID(),
    private_key: pair.privateKey,
    organization_id: organizationId(),
    region: "us",
  };
  if (file) {
    fs.mkdirSync(dataDir!, { recursive: true });
    writeFileAtomic(file, JSON.stringify(sa, null, 2) + "\n", 0o600);
  }
  return { file: sa, publicKey: createPublicKey(pair.publicKey) };
}

const WINDOW_S = 5 * 60;

/** Verifies X-Nylas-* signed requests and remembers nonces for the replay window. */
export class SignatureVerifier {
  private nonces = new Map<string, number>();
  private lastSweep = 0;

  constructor(private readonly sa: ServiceAccount) {}

  reset(): void {
    this.nonces.clear();
  }

  /**
   * `path` is the request path WITHOUT the query string. For POST/PUT/PATCH with a non-empty body the
   * envelope carries `payload` = the body as sent (the canonical JSON string); the canonical
   * re-serialisation of the parsed body is accepted as well.
   */
  verify(method: string, pathname: string, headers: IncomingHttpHeaders, rawBody: Buffer, parsed: unknown): void {
    const h = (n: string): string | undefined => {
      const v = headers[n];
      return Array.isArray(v) ? v[0] : v;
    };
    const kid = h("x-nylas-kid");
    const nonce = h("x-nylas-nonce");
    const ts = h("x-nylas-timestamp");
    const sig = h("x-nylas-signature");
    if (!kid || !nonce || !ts || !sig) {
      if (h("authorization")) {
        throw unauthorized(
          "The Manage Domains API requires Nylas Service Account request signing (X-Nylas-Kid, X-Nylas-Nonce, X-Nylas-Timestamp, X-Nylas-Signature); API keys are not accepted",
        );
      }
      throw unauthorized(
        "missing Nylas Service Account signing headers (X-Nylas-Kid, X-Nylas-Nonce, X-Nylas-Timestamp, X-Nylas-Signature)",
      );
    }
    if (kid !== this.sa.file.private_key_id) throw unauthorized("unknown service account key id (X-Nylas-Kid)");
    if (!/^\d+$/.test(ts)) throw unauthorized("X-Nylas-Timestamp must be Unix seconds");
    const t = Number(ts);
    const nowS = Math.floor(Date.now() / 1000);
    if (Math.abs(nowS - t) > WINDOW_S) throw unauthorized("X-Nylas-Timestamp is outside the allowed 5-minute window");
    this.sweep(nowS);
    if (this.nonces.has(nonce)) throw unauthorized("X-Nylas-Nonce has already been used");
    const m = method.toLowerCase();
    const base: Record<string, unknown> = { method: m, nonce, path: pathname, timestamp: t };
    const candidates: string[] = [];
    if ((m === "post" || m === "put" || m === "patch") && rawBody.length > 0) {
      const raw = rawBody.toString("utf8");
      candidates.push(canonicalJson({ ...base, payload: raw }));
      if (parsed !== undefined) {
        const canon = canonicalJson(parsed);
        if (canon !== raw) candidates.push(canonicalJson({ ...base, payload: canon }));
      }
    } else {
      candidates.push(canonicalJson(base));
    }
    const ok = candidates.some((c) => {
      try {
        return createVerify("RSA-SHA256").update(c).verify(this.sa.publicKey, sig, "base64");
      } catch {
        return false;
      }
    });
    if (!ok) throw unauthorized("invalid X-Nylas-Signature");
    this.nonces.set(nonce, t);
  }

  private sweep(nowS: number): void {
    if (nowS - this.lastSweep < 30) return;
    this.lastSweep = nowS;
    for (const [n, t] of this.nonces) if (nowS - t > WINDOW_S * 2) this.nonces.delete(n);
  }
}
