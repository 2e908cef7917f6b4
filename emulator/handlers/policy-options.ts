/**
 * Policy `options` (Nylas Policies "options": developer.nylas.com/docs/reference/api/policies/):
 * `additional_folders` (folders Nylas creates in every inbox that uses the policy) and `use_cidr_aliasing`.
 * Plan-gated: refused on the Free plan.
 */
import type { App } from "../app";
import { badRequest } from "../errors";
import { checkPolicyOptions } from "../plan";
import { checkFolderName } from "./folders";

export function validatePolicyOptions(app: App, options: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...options };
  const folders = options.additional_folders;
  if (folders !== undefined && folders !== null) {
    if (!Array.isArray(folders)) throw badRequest("options.additional_folders must be an array of folder names");
    out.additional_folders = [
      ...new Set(folders.map((f: unknown, i: number) => checkFolderName(f, `options.additional_folders[${i}]`, { topLevel: true }))),
    ];
  }
  const cidr = options.use_cidr_aliasing;
  if (cidr !== undefined && cidr !== null && typeof cidr !== "boolean") throw badRequest("options.use_cidr_aliasing must be a boolean");
  checkPolicyOptions(app, out);
  return out;
}
