import { z } from "zod";
import type { NylasClient } from "../client";
import { Collection, makePath } from "./base";

/**
 * `/v3/grants/{grant_id}/folders` (Nylas Folders: developer.nylas.com/docs/v3/email/folders/): one collection
 * per account, cursor pages (the last one may carry `next_cursor: null`), PUT, create answers 200. Every
 * Agent Account has six system folders that are never created, renamed or deleted. A nested folder is written
 * as a whole path in `name` ("Clients/Acme"); one nested by `parent_id` (another client may make those) has
 * its path computed from its parents — rules file by that path, so both are found by it.
 */

/** The six system folders of every Agent Account, by their (reserved) names. */
export const SYSTEM_FOLDERS = ["inbox", "sent", "drafts", "trash", "junk", "archive"] as const;
const SYSTEM_ATTRIBUTES = new Set(["\\inbox", "\\sent", "\\drafts", "\\trash", "\\junk", "\\archive"]);

/** Whether a path names a system folder (case-insensitive: `Inbox`, `inbox`, `INBOX`). */
export const isSystemFolderPath = (path: string): boolean => (SYSTEM_FOLDERS as readonly string[]).includes(path.trim().toLowerCase());

export const folderWire = z.looseObject({
  id: z.string(),
  grant_id: z.string().nullish(),
  name: z.string(),
  parent_id: z.string().nullish(),
  attributes: z.array(z.string()).nullish(),
  system_folder: z.boolean().nullish(),
});
export type FolderWire = z.infer<typeof folderWire>;

/** A system folder, however Nylas marks it: the flag, a system attribute, or a reserved top-level name. */
export function isSystemFolder(f: FolderWire): boolean {
  if (f.system_folder === true) return true;
  if ((f.attributes ?? []).some((a) => SYSTEM_ATTRIBUTES.has(a.toLowerCase()))) return true;
  return !f.parent_id && (isSystemFolderPath(f.name) || isSystemFolderPath(f.id));
}

export class Folders extends Collection<typeof folderWire> {
  constructor(client: NylasClient, readonly grantId: string) {
    const all = makePath("/v3/grants/{grant}/folders", { grant: grantId });
    super(client, {
      noun: "folder",
      plural: "folders",
      all,
      one: `${all}/{id}`,
      idField: "id",
      wire: folderWire,
      paging: "cursor",
      updateVerb: "PUT",
    });
  }

  /** The full path of `f` ("Clients/Acme"), from its parents in `all` when it is nested by `parent_id`. */
  pathOf(f: FolderWire, all: readonly FolderWire[]): string {
    const byId = new Map(all.map((x) => [x.id, x]));
    const parts = [f.name];
    const seen = new Set([f.id]);
    for (let p = f.parent_id ? byId.get(f.parent_id) : undefined; p && !seen.has(p.id); p = p.parent_id ? byId.get(p.parent_id) : undefined) {
      seen.add(p.id);
      parts.unshift(p.name);
    }
    return parts.join("/");
  }

  /** The path of the folder `id`, reading its parents only when it has one. */
  async pathOfOne(f: FolderWire): Promise<string> {
    return f.parent_id ? this.pathOf(f, await this.list()) : f.name;
  }

  /**
   * The folder at `path`: an exact match, else the one match that differs only in case (whether Nylas
   * matches folder names case-sensitively is not documented). Several of either are an error.
   */
  async findByPath(path: string): Promise<{ folder: FolderWire; path: string } | undefined> {
    const all = await this.list();
    const paths = new Map(all.map((f) => [f.id, this.pathOf(f, all)]));
    const want = path.toLowerCase();
    const f =
      this.findOne(all, (x) => paths.get(x.id) === path, `have the path "${path}"`) ??
      this.findOne(all, (x) => paths.get(x.id)!.toLowerCase() === want, `have a path that differs from "${path}" only in case`);
    return f && { folder: f, path: paths.get(f.id)! };
  }
}
