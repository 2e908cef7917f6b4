/** Small hand-rolled validators that produce Nylas-style 400 messages. */
import { badRequest } from "./errors";

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Body = Record<string, unknown>;

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The request body as an object (an absent body counts as `{}`). */
export function bodyObject(body: unknown): Body {
  if (body === undefined) return {};
  if (!isObject(body)) throw badRequest("request body must be a JSON object");
  return body;
}

export function has(body: Body, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(body, key) && body[key] !== undefined;
}

export function reqString(body: Body, key: string, opts: { min?: number; max?: number; label?: string } = {}): string {
  const label = opts.label ?? key;
  if (!has(body, key) || body[key] === null) throw badRequest(`${label} is required`);
  return checkString(body[key], label, opts);
}

export function optString(
  body: Body,
  key: string,
  opts: { min?: number; max?: number; label?: string } = {},
): string | undefined {
  if (!has(body, key) || body[key] === null) return undefined;
  return checkString(body[key], opts.label ?? key, opts);
}

export function checkString(v: unknown, label: string, opts: { min?: number; max?: number } = {}): string {
  if (typeof v !== "string") throw badRequest(`${label} must be a string`);
  const min = opts.min ?? 0;
  if (v.length < min || (opts.max !== undefined && v.length > opts.max)) {
    if (opts.max !== undefined) throw badRequest(`${label} must be between ${min} and ${opts.max} characters`);
    throw badRequest(min === 1 ? `${label} must not be empty` : `${label} must be at least ${min} characters`);
  }
  return v;
}

export function optBool(body: Body, key: string, label = key): boolean | undefined {
  if (!has(body, key) || body[key] === null) return undefined;
  if (typeof body[key] !== "boolean") throw badRequest(`${label} must be a boolean`);
  return body[key] as boolean;
}

export function optInt(
  body: Body,
  key: string,
  opts: { min?: number; max?: number; label?: string } = {},
): number | undefined {
  if (!has(body, key) || body[key] === null) return undefined;
  const label = opts.label ?? key;
  const v = body[key];
  if (typeof v !== "number" || !Number.isInteger(v)) throw badRequest(`${label} must be an integer`);
  if (opts.min !== undefined && v < opts.min) throw badRequest(`${label} must be >= ${opts.min}`);
  if (opts.max !== undefined && v > opts.max) throw badRequest(`${label} must be <= ${opts.max}`);
  return v;
}

export function optStringArray(body: Body, key: string, label = key): string[] | undefined {
  if (!has(body, key) || body[key] === null) return undefined;
  const v = body[key];
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) throw badRequest(`${label} must be an array of strings`);
  return v as string[];
}

const EMAIL_RE = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+)$/;

export function isEmail(v: string): boolean {
  if (v.length > 254) return false;
  const m = EMAIL_RE.exec(v);
  if (!m) return false;
  const local = v.slice(0, v.lastIndexOf("@"));
  return local.length <= 64 && !local.startsWith(".") && !local.endsWith(".") && !local.includes("..");
}

const LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
const DOMAIN_RE = new RegExp(`^${LABEL}(?:\\.${LABEL})+$`);
const TLD_RE = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);

/** A lower-case host name with at least two labels (`example.com`). */
export function isDomain(v: string): boolean {
  return v.length <= 253 && DOMAIN_RE.test(v);
}

/** A top-level domain (`com`, `xyz`, or a public suffix like `co.uk`), lower-case, no leading dot. */
export function isTld(v: string): boolean {
  return v.length <= 253 && TLD_RE.test(v) && /[a-z]/.test(v);
}

export function domainOf(email: string): string {
  return email.slice(email.lastIndexOf("@") + 1).toLowerCase();
}

export const now = (): number => Math.floor(Date.now() / 1000);

/** Parse an integer query parameter. */
export function queryInt(
  q: URLSearchParams,
  key: string,
  def: number,
  opts: { min?: number; max?: number } = {},
): number {
  const raw = q.get(key);
  if (raw === null || raw === "") return def;
  if (!/^-?\d+$/.test(raw)) throw badRequest(`${key} must be an integer`);
  const v = Number(raw);
  if (opts.min !== undefined && v < opts.min) throw badRequest(`${key} must be >= ${opts.min}`);
  if (opts.max !== undefined && v > opts.max) throw badRequest(`${key} must be <= ${opts.max}`);
  return v;
}

export function queryBool(q: URLSearchParams, key: string): boolean | undefined {
  const raw = q.get(key);
  if (raw === null || raw === "") return undefined;
  if (raw === "true") return true;
  if (raw === "false") return false;
  throw badRequest(`${key} must be true or false`);
}
