import { z } from "zod";
import { isSystemFolderPath } from "./api/folders";

/**
 * Small zod building blocks shared by resource schemas, each with a message that says what is allowed
 * (the lifecycle prefixes the property and the value).
 */

/** A trimmed display name, 1–max characters. */
export const displayName = (max = 256) =>
  z
    .string({ error: `must be a string of 1–${max} characters` })
    .transform((s) => s.trim())
    .pipe(z.string().min(1, { error: "must not be empty" }).max(max, { error: `must be at most ${max} characters` }));

/** A whole number in [min, max]; `unit` reads after "whole number", e.g. " of days". One message for every way to miss. */
export const wholeNumber = (min: number, max = Number.MAX_SAFE_INTEGER, unit = "") => {
  const error = `must be a whole number${unit} ${max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
};

/** An id of another Nylas object (often an Output of another resource). */
export const objectId = (what: string) =>
  z.string({ error: `must be the id of a ${what} (a string)` }).trim().min(1, { error: `must be the id of a ${what}` });

const EMAIL = /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;
const DOMAIN = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

const NON_ASCII = /[^\x00-\x7f]/;

export const isEmail = (s: string) => EMAIL.test(s) && s.length <= 254 && !s.includes("..");
export const isDomain = (s: string) => DOMAIN.test(s) && /[a-z]/.test(s.slice(s.lastIndexOf(".") + 1));

/** An email address, trimmed and lower-cased as Nylas stores it. */
export const emailAddress = () =>
  z
    .string({ error: "must be an email address (a string)" })
    .transform((s) => s.trim().toLowerCase())
    .superRefine((s, ctx) => {
      // An over-long address looks fine at a glance: say what is wrong with it.
      if (isEmail(s)) return;
      const message =
        s.length > 254
          ? "must be an email address of at most 254 characters"
          : /<[^>]*>/.test(s)
            ? "must be just the address, like agent@agents.example.com, without a display name"
            : NON_ASCII.test(s)
              ? "must be an email address in ASCII like agent@agents.example.com (an international domain in its xn-- form)"
              : "must be an email address like agent@agents.example.com";
      ctx.addIssue({ code: "custom", message });
    });

export const domainName = () =>
  z
    .string({ error: "must be a domain name (a string)" })
    .transform((s) => s.trim().toLowerCase().replace(/\.$/, ""))
    .refine(isDomain, {
      error: (iss) =>
        NON_ASCII.test(String(iss.input))
          ? "must be a domain name in ASCII like agents.example.com (an international domain in its xn-- form)"
          : "must be a domain name like agents.example.com",
    });

/** A set of strings: normalised, de-duplicated and sorted so order never causes a diff. */
export const stringSet = <T extends z.ZodType<string>>(item: T, what = "strings") =>
  z.array(item, { error: `must be a list of ${what}` }).transform((xs) => [...new Set(xs)].sort());

/** A version to bump (`secretVersion`): a string or number, compared as a trimmed string; `change` says what bumping does. */
export const rotationVersion = (change: string) =>
  z
    .union([z.string(), z.number()], { error: `must be a string or a number (change it to ${change})` })
    .transform((v) => String(v).trim())
    .optional();

/**
 * A folder name or `/`-separated path ("Invoices", "Clients/Acme") as folders and rules write it:
 * parts trimmed, none empty, at most 1024 characters, not one of the six system folders.
 */
export const folderPath = () =>
  z
    .string({ error: 'must be a folder name or path like "Invoices" or "Clients/Acme" (a string)' })
    .transform((s) => s.split("/").map((part) => part.trim()).join("/"))
    .superRefine((path, ctx) => {
      const issue = (message: string) => ctx.addIssue({ code: "custom", message });
      if (path.split("/").some((part) => part === "")) return issue('must be a folder name or path like "Invoices" or "Clients/Acme": no empty part, no leading or trailing "/"');
      if (path.length > 1024) return issue("must be at most 1024 characters");
      if (isSystemFolderPath(path)) {
        issue("is a system folder: inbox, sent, drafts, trash, junk and archive exist on every account and are never created, renamed or deleted; rules file into them by name as they are");
      }
    });

export const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `must be one of ${values.map((v) => `"${v}"`).join(", ")}` });

/**
 * The name in `known` that `value` most likely means: the same name in another case or with `_`/`-`
 * for `.`, or one at most 2 edits away (for "did you mean" messages of names such as trigger types and
 * permission ids).
 */
export function nearestKnown(value: string, known: readonly string[], knownSet: ReadonlySet<string> = new Set(known)): string | undefined {
  const n = value.toLowerCase().replace(/[_-]/g, ".");
  if (knownSet.has(n)) return n;
  let best: { name: string; d: number } | undefined;
  for (const k of known) {
    const d = editDistance(n, k);
    if (d <= 2 && (!best || d < best.d)) best = { name: k, d };
  }
  return best?.name;
}

/** Levenshtein distance (small strings only). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}
