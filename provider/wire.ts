/** Mapping between camelCase inputs/outputs and Nylas's snake_case wire objects, through explicit maps. */

/** Renames keys camel → wire by `map` (unmapped keys kept), dropping undefined values. */
export function toWireKeys(obj: Record<string, unknown>, map: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (v !== undefined) out[map[k] ?? k] = v;
  return out;
}

/** Renames keys wire → camel for the keys of `map` only, dropping null and absent values. */
export function fromWireKeys(obj: Record<string, unknown>, map: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [camel, wire] of Object.entries(map)) if (obj[wire] !== undefined && obj[wire] !== null) out[camel] = obj[wire];
  return out;
}

/** The subset of `obj` with the given keys (absent values dropped). */
export function pick<T extends Record<string, unknown>>(obj: T, keys: readonly string[]): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k];
  return out as Partial<T>;
}
