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
 * The object id an import id stands for: the id itself, or what its natural key finds; `undefined` when
 * no object has that key (the engine then reports "resource does not exist").
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function resolveImportId(type: string, def: ResourceDefinition<any, any>, ctx: Context, id: string): Promise<string | undefined> {
  const key = NATURAL_IMPORT_KEYS[type];
  if (!key || !def.find || !key.matches(id.trim())) return id;
  // Normalised as `check` would (trimmed, lower-cased), so the lookup matches what Nylas stores.
  const parsed = (def.inputs.shape[key.input] as z.ZodType).safeParse(id.trim());
  if (!parsed.success) return id;
  const found = await def.find(ctx, { [key.input]: parsed.data }, "adopt");
  return found?.id;
}
