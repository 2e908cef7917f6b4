/**
 * `/v3/grants/{id}/signatures…` (Nylas Signatures: developer.nylas.com/docs/v3/email/signatures/): HTML
 * signatures stored per grant (at most 10, body at most 100 KB, sanitized on input), appended to a send that
 * names one with `signature_id`.
 */
import { randomBytes } from "node:crypto";
import { App, publicFields } from "../app";
import { badRequest, notFound } from "../errors";
import { cursorPage } from "../paging";
import type { Router } from "../router";
import type { GrantRec } from "../types";
import { Body, bodyObject, checkString, has, now } from "../validate";
import { cursorPaging } from "../variance";

export interface SignatureRec {
  id: string;
  grant_id: string;
  name: string;
  body: string;
  created_at: number;
  updated_at: number;
  [k: string]: unknown;
}

export const MAX_SIGNATURES = 10;
export const MAX_SIGNATURE_BYTES = 100 * 1024;

const ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";
const newSignatureId = (): string => `sig_${[...randomBytes(20)].map((b) => ALNUM[b % ALNUM.length]).join("")}`;

/**
 * "HTML is sanitized on input": scripts, event-handler attributes and `javascript:` URLs are removed.
 * Inline (base64 `data:`) images are refused — images must be externally hosted.
 */
export function sanitizeSignature(html: string): string {
  if (/<img\b[^>]*\bsrc\s*=\s*["']?\s*data:/i.test(html))
    throw badRequest("body: inline (base64 data:) images are not allowed in signatures; link images hosted at an https URL");
  return html
    .replace(/<script\b[\s\S]*?<\/script\s*>/gi, "")
    .replace(/<script\b[^>]*\/?>/gi, "")
    .replace(/\s+on[a-z]+\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi, "")
    .replace(/(href|src)\s*=\s*(["']?)\s*javascript:[^"'\s>]*\2/gi, '$1="#"');
}

function readBody(b: Body, required: boolean): string | undefined {
  if (!has(b, "body") || b.body === null) {
    if (required) throw badRequest("body is required");
    return undefined;
  }
  const body = checkString(b.body, "body", { min: 1 });
  const bytes = Buffer.byteLength(body, "utf8");
  if (bytes > MAX_SIGNATURE_BYTES)
    throw badRequest(`body is ${bytes} bytes; a signature body can be at most ${MAX_SIGNATURE_BYTES} bytes (100 KB)`);
  return sanitizeSignature(body);
}

export function publicSignature(s: SignatureRec): Record<string, unknown> {
  return { ...publicFields(s), object: "signature" };
}

/** The message body with the signature named by `signature_id` appended (unchanged without one). */
export function signatureFor(app: App, g: GrantRec, b: Body, body: string, plaintext: boolean): string {
  if (!has(b, "signature_id") || b.signature_id === null) return body;
  const id = checkString(b.signature_id, "signature_id", { min: 1 });
  const sig = app.store.get<SignatureRec>("signatures", id);
  if (!sig || sig.grant_id !== g.id) throw badRequest(`signature_id not found for grant ${g.id}: ${id}`);
  return `${body}${plaintext ? "\n" : "<br>"}${sig.body}`;
}

export function registerSignatures(r: Router, app: App): void {
  const col = app.store.col<SignatureRec>("signatures");
  const requireSignature = (g: GrantRec, id: string): SignatureRec => {
    const s = col.get(id);
    if (!s || s.grant_id !== g.id) throw notFound(`signature not found: ${id}`);
    return s;
  };

  r.get("/v3/grants/:grant/signatures", (ctx) => {
    const g = app.requireGrant(ctx.params.grant);
    const page = cursorPage(app.idx.grantIds("signatures", g.id), ctx.query, {
      get: (id) => col.get(id),
      ...cursorPaging(ctx.variance, "signatures"),
    });
    return { body: { data: page.data.map(publicSignature), next_cursor: page.next_cursor } };
  });

  r.post("/v3/grants/:grant/signatures", (ctx) => {
    const g = app.requireGrant(ctx.params.grant);
    const b = bodyObject(ctx.body);
    if (!has(b, "name") || b.name === null) throw badRequest("name is required");
    const name = checkString(b.name, "name", { min: 1 });
    const body = readBody(b, true)!;
    const count = app.idx.grantIds("signatures", g.id).size;
    if (count >= MAX_SIGNATURES)
      throw badRequest(`grant ${g.id} already has ${count} signatures; a grant can have at most ${MAX_SIGNATURES}`);
    const t = now();
    const s = app.store.put<SignatureRec>("signatures", { id: newSignatureId(), grant_id: g.id, name, body, created_at: t, updated_at: t });
    return { status: 201, body: { data: publicSignature(s) } };
  });

  r.get("/v3/grants/:grant/signatures/:id", (ctx) => {
    const g = app.requireGrant(ctx.params.grant);
    return { body: { data: publicSignature(requireSignature(g, ctx.params.id)) } };
  });

  r.put("/v3/grants/:grant/signatures/:id", (ctx) => {
    const g = app.requireGrant(ctx.params.grant);
    const cur = requireSignature(g, ctx.params.id);
    const b = bodyObject(ctx.body);
    const next: SignatureRec = { ...cur };
    if (has(b, "name") && b.name !== null) next.name = checkString(b.name, "name", { min: 1 });
    const body = readBody(b, false);
    if (body !== undefined) next.body = body;
    next.updated_at = now();
    app.store.put("signatures", next);
    return { body: { data: publicSignature(next) } };
  });

  r.delete("/v3/grants/:grant/signatures/:id", (ctx) => {
    const g = app.requireGrant(ctx.params.grant);
    app.store.del("signatures", requireSignature(g, ctx.params.id).id);
    return { body: {} };
  });
}
