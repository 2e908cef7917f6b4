import { createSign, randomBytes } from "node:crypto";

/**
 * Nylas service-account request signing for /v3/admin/domains (Nylas API v3, as the Nylas SDKs sign it): an RSA-SHA256
 * signature over the canonical JSON of method, nonce, path, timestamp and the body.
 */
export interface ServiceAccountCredentials {
  /** `private_key_id` of the service-account JSON; sent as X-Nylas-Kid. */
  privateKeyId: string;
  /** PEM RSA private key (`private_key`). */
  privateKeyPem: string;
}

/** JSON with keys sorted at every level and no whitespace; the body sent must be this exact string. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

const ALPHANUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export function nonce(length = 20): string {
  const bytes = randomBytes(length);
  let out = "";
  for (let i = 0; i < length; i++) out += ALPHANUM[bytes[i] % ALPHANUM.length];
  return out;
}

/**
 * Headers for one signed request. `path` is the request path without the query string (the
 * emulator's README records this choice; the reference marks it UNCONFIRMED).
 */
export function signRequest(
  creds: ServiceAccountCredentials,
  method: string,
  path: string,
  canonicalBody: string | undefined,
  now = Date.now(),
): Record<string, string> {
  const n = nonce();
  const timestamp = Math.floor(now / 1000);
  const envelope: Record<string, unknown> = { method: method.toLowerCase(), nonce: n, path, timestamp };
  if (canonicalBody !== undefined) envelope.payload = canonicalBody;
  const signer = createSign("RSA-SHA256");
  signer.update(canonicalJson(envelope));
  return {
    "X-Nylas-Kid": creds.privateKeyId,
    "X-Nylas-Nonce": n,
    "X-Nylas-Timestamp": String(timestamp),
    "X-Nylas-Signature": signer.sign(creds.privateKeyPem, "base64"),
  };
}
