import { createHmac, timingSafeEqual } from "node:crypto";
import { gunzipSync } from "node:zlib";

/**
 * Helpers for the receiving end of a {@link Webhook}: check that a delivery really comes from Nylas and
 * read its body.
 *
 * Nylas signs every delivery with the header `x-nylas-signature` = lower-case hex HMAC-SHA256 of the
 * **raw request body bytes**, keyed with the webhook's `webhookSecret`. With `compressedDelivery: true`
 * the body is gzip-compressed (`Content-Encoding: gzip`) and the signature covers the *compressed* bytes
 * exactly as they arrive — so verify first, on the raw bytes, and only then gunzip
 * ({@link parseWebhookBody}). Never verify a body that a framework has already parsed, re-serialized or
 * decompressed: any change of bytes (whitespace, key order, encoding) breaks the signature.
 *
 * @example
 * // Express: keep the raw bytes (no express.json() before this route)
 * app.post("/webhooks/nylas", express.raw({ type: "*\/*" }), (req, res) => {
 *   if (!verifyWebhookSignature(req.body, req.headers["x-nylas-signature"], process.env.NYLAS_WEBHOOK_SECRET!)) {
 *     return res.status(401).end();
 *   }
 *   const event = parseWebhookBody(req.body, req.headers);
 *   res.status(200).end();
 * });
 */

const HEX_SHA256 = /^[0-9a-f]{64}$/;

/**
 * True when `signatureHeader` is the HMAC-SHA256 of `rawBody` keyed with `secret`.
 *
 * - `rawBody`: the body bytes exactly as received (for gzip deliveries: still compressed). A string is
 *   taken as UTF-8.
 * - `signatureHeader`: the `x-nylas-signature` header value (Node gives `string | string[] | undefined`;
 *   an array must hold exactly one value). Upper- or lower-case hex is accepted; surrounding spaces are
 *   ignored.
 * - `secret`: the webhook's `webhookSecret` output.
 *
 * Returns false — never throws — for a missing, repeated or malformed header, or an empty secret. The
 * comparison is constant-time (`crypto.timingSafeEqual` on equal-length digests).
 */
export function verifyWebhookSignature(rawBody: Buffer | Uint8Array | string, signatureHeader: string | string[] | undefined, secret: string): boolean {
  if (typeof secret !== "string" || secret.length === 0) return false;
  let header = signatureHeader;
  if (Array.isArray(header)) {
    if (header.length !== 1) return false;
    header = header[0];
  }
  if (typeof header !== "string") return false;
  const given = header.trim().toLowerCase();
  if (!HEX_SHA256.test(given)) return false;
  const body = toBuffer(rawBody);
  if (!body) return false;
  const expected = createHmac("sha256", secret).update(body).digest();
  const actual = Buffer.from(given, "hex");
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * The JSON notification of a delivery: gunzips the raw body first when the headers say
 * `content-encoding: gzip` (webhooks with `compressedDelivery: true`). Call it after
 * {@link verifyWebhookSignature} succeeded on the same raw bytes. Throws when the body is not valid
 * (gzip or) JSON.
 */
export function parseWebhookBody<T = WebhookNotification>(
  rawBody: Buffer | Uint8Array | string,
  headers: Record<string, string | string[] | undefined> = {},
): T {
  const body = toBuffer(rawBody);
  if (!body) throw new TypeError("parseWebhookBody: rawBody must be a Buffer, Uint8Array or string");
  const encoding = headerValue(headers, "content-encoding")?.trim().toLowerCase();
  // Also accept a gzip body whose header was dropped by a proxy: gzip streams start with 1f 8b.
  const gzipped = encoding === "gzip" || (body.length >= 2 && body[0] === 0x1f && body[1] === 0x8b);
  const text = (gzipped ? gunzipSync(body) : body).toString("utf8");
  return JSON.parse(text) as T;
}

/** The CloudEvents-style envelope Nylas posts. */
export interface WebhookNotification {
  specversion: string;
  /** The trigger, e.g. `message.created`, `grant.created`. */
  type: string;
  source: string;
  /** Notification id; deliveries are at-least-once, so de-duplicate on it. */
  id: string;
  /** Unix seconds. */
  time: number;
  data: { application_id: string; object: Record<string, unknown> };
  [key: string]: unknown;
}

function toBuffer(raw: unknown): Buffer | undefined {
  if (typeof raw === "string") return Buffer.from(raw, "utf8");
  if (Buffer.isBuffer(raw)) return raw;
  if (raw instanceof Uint8Array) return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  return undefined;
}

/** A header's raw value, whatever case the framework gave its name in (`name` is lower-case). */
export function findHeader(headers: Record<string, string | string[] | undefined>, name: string): string | string[] | undefined {
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v;
  return undefined;
}

function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = findHeader(headers, name);
  return Array.isArray(v) ? v[0] : v;
}
