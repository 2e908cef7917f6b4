import type { z } from "zod";
import type { Context, ResourceDefinition } from "../lifecycle";

/**
 * `pulumi import` ids. An id is always accepted; where a natural key cannot be mistaken for an id, it is
 * accepted too — `pulumi import nylas-agents:index:AgentAccount sales sales-agent@agents.example.com` —
 * and resolved with the definition's own `find` (the lookup `adopt: true` uses).
 */

interface NaturalKey {
  /** The input `find` looks the object up by. */
  input: string;
  /** True when an import id is this key rather than an object id. */
  matches(id: string): boolean;
}

const looksLikeDomain = (id: string) => id.includes(".") && !id.includes("/") && !id.includes("@");

export const NATURAL_IMPORT_KEYS: Record<string, NaturalKey> = {
  AgentAccount: { input: "email", matches: (id) => id.includes("@") },
  Workspace: { input: "domain", matches: looksLikeDomain },
  Domain: { input: "domainAddress", matches: looksLikeDomain },
  Webhook: { input: "webhookUrl", matches: (id) => /^https?:\/\//i.test(id) },
};

/**
 * Types whose objects live under another one and are read through it: imported as `<parent id>/<id>`
 * (`pulumi import nylas-agents:index:Folder invoices <grant id>/<folder id>`), the parent reaching `read`
 * as the input that names it.
 */
export const PARENT_IMPORT_KEYS: Record<string, string> = { Folder: "grantId", IamCredential: "principalId" };

/**
 * What an import id stands for: the object id and what `read` is told of the inputs (the parent, for a
 * child object); `undefined` when nothing has that key (the engine then reports "resource does not exist").
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function resolveImport(type: string, def: ResourceDefinition<any, any>, ctx: Context, id: string): Promise<{ id: string; olds: Record<string, unknown> } | undefined> {
  const parent = PARENT_IMPORT_KEYS[type];
  if (parent) {
    const [owner, child, ...rest] = id.trim().split("/");
    if (!owner || !child || rest.length) throw new Error(`import a ${type} as <${parent}>/<id> (it is read through its ${parent}), got "${id}"`);
    return { id: child, olds: { [parent]: owner } };
  }
  const found = await resolveImportId(type, def, ctx, id);
  return found === undefined ? undefined : { id: found, olds: {} };
}

/** The object id an import id stands for: the id itself, or what its natural key finds. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function resolveImportId(type: string, def: ResourceDefinition<any, any>, ctx: Context, id: string): Promise<string | undefined> {
  const key = NATURAL_IMPORT_KEYS[type];
  if (!key || !def.find || !key.matches(id.trim())) return id;
  // Normalised as `check` would (trimmed, lower-cased), so the lookup matches what Nylas stores.
  const parsed = (def.inputs.shape[key.input] as z.ZodType).safeParse(id.trim());
  if (!parsed.success) return id;
  const found = await def.find(ctx, { [key.input]: parsed.data }, "adopt");
  return found?.id;
}
