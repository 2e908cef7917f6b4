import { isDeepStrictEqual } from "node:util";
import { changedKeys, type ResourceDefinition } from "../lifecycle";
import type { Props } from "./properties";

/**
 * The engine's detailed diff, from the same comparison the dynamic resources use (`changedKeys` in the
 * lifecycle: normalised inputs against outputs shaped like them, write-only secrets by their hash): each
 * changed top-level property is followed down to the leaves that differ, so `pulumi preview --diff`
 * shows `limits.limitCountDailyEmailSent` rather than all of `limits`, and says which ones replace.
 */

/** `PropertyDiff.Kind` of provider.proto. */
export const Kind = { ADD: 0, ADD_REPLACE: 1, DELETE: 2, DELETE_REPLACE: 3, UPDATE: 4, UPDATE_REPLACE: 5 } as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

export interface DetailedDiff {
  /** Changed top-level properties. */
  diffs: string[];
  replaces: string[];
  deleteBeforeReplace: boolean;
  /** Property path (`limits.limitCountDailyEmailSent`, `ruleIds[0]`) → kind. */
  detailed: Record<string, Kind>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function detailedDiff(def: ResourceDefinition<any, any>, olds: Props, news: Props, ignoreChanges: readonly string[] = []): Promise<DetailedDiff> {
  const detailed: Record<string, Kind> = {};
  const diffs: string[] = [];
  for (const key of await changedKeys(def, olds, news)) {
    const replace = def.replaceOnChange?.includes(key) === true;
    const paths: Record<string, Kind> = {};
    if (def.secretInputs?.includes(key)) paths[key] = kind("update", replace); // write-only: only "it changed" is known
    else leaves(pathOf([key]), [key], olds[key], news[key], replace, paths);
    // Changed only by what the leaves treat alike (a nested null against an absent key): still a change.
    if (Object.keys(paths).length === 0) paths[pathOf([key])] = kind("update", replace);
    const kept = Object.entries(paths).filter(([p]) => !ignoreChanges.some((i) => p === i || p.startsWith(`${i}.`) || p.startsWith(`${i}[`)));
    if (kept.length === 0) continue;
    diffs.push(key);
    for (const [p, k] of kept) detailed[p] = k;
  }
  const replaces = diffs.filter((k) => def.replaceOnChange?.includes(k));
  return { diffs, replaces, deleteBeforeReplace: replaces.length > 0 && def.deleteBeforeReplace === true, detailed };
}

function leaves(path: string, segments: (string | number)[], o: unknown, n: unknown, replace: boolean, out: Record<string, Kind>): void {
  o = o === null ? undefined : o;
  n = n === null ? undefined : n;
  if (isDeepStrictEqual(o, n)) return;
  if (o === undefined) out[path] = kind("add", replace);
  else if (n === undefined) out[path] = kind("delete", replace);
  else if (isPlainObject(o) && isPlainObject(n)) {
    for (const k of new Set([...Object.keys(o), ...Object.keys(n)])) {
      const next = [...segments, k];
      leaves(pathOf(next), next, o[k], n[k], replace, out);
    }
  } else if (Array.isArray(o) && Array.isArray(n) && o.length === n.length) {
    o.forEach((x, i) => {
      const next = [...segments, i];
      leaves(pathOf(next), next, x, n[i], replace, out);
    });
  } else out[path] = kind("update", replace);
}

function kind(what: "add" | "delete" | "update", replace: boolean): Kind {
  if (what === "add") return replace ? Kind.ADD_REPLACE : Kind.ADD;
  if (what === "delete") return replace ? Kind.DELETE_REPLACE : Kind.DELETE;
  return replace ? Kind.UPDATE_REPLACE : Kind.UPDATE;
}

/** Pulumi property path syntax: `a.b[0]`, `a["odd.key"]`. */
export function pathOf(segments: (string | number)[]): string {
  return segments
    .map((s, i) => (typeof s === "number" ? `[${s}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(s) ? (i === 0 ? s : `.${s}`) : `[${JSON.stringify(s)}]`))
    .join("");
}

function isPlainObject(v: unknown): v is Props {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
