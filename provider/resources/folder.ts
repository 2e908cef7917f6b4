import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { isSystemFolder, type FolderWire, type Folders } from "../api";
import { declareFolder } from "../folder-targets";
import { ObjectGoneError, type Context, type ResourceDefinition } from "../lifecycle";
import { folderPath } from "../schema";
import { NylasResource } from "./base";

/**
 * Nylas Folder: a custom folder an Agent Account must have, so that rules filing mail with
 * `assign_to_folder` find it (Nylas skips the action when the folder is missing — Nylas API v3 Rules).
 * One resource per account and folder, rather than a list on AgentAccount: a folder holds mail, so it
 * gets Pulumi's per-resource options (`protect`, `retainOnDelete`), renames in place keep its mail, and
 * a Rule can name `folder.path` so Pulumi creates the folder first.
 * API: `ctx.api.folders(grantId)` (/v3/grants/{id}/folders: POST, PUT rename, DELETE deletes the
 * folder and every message in it).
 *
 * Ownership: destroy deletes a folder only if this provider created it. A folder that already existed
 * (made by hand, by a policy's `additionalFolders`, by a migration) is taken over as pre-existing and
 * left in place; so is an adopted one. The six system folders are never created, renamed or deleted.
 */

// ------------------------------------------------------------------------------------ input schema

const inputSchema = z.strictObject({
  grantId: z.string({ error: "must be an AgentAccount's grantId (a string)" }).trim().min(1, { error: "must be an AgentAccount's grantId" }),
  path: folderPath(),
});

export type FolderInputs = z.infer<typeof inputSchema>;

export interface FolderOutputs {
  [key: string]: unknown;
  grantId: string;
  /** The full path as Nylas has it (parents joined with `/`). */
  path: string;
  folderId: string;
  /** Set when the folder is nested by `parent_id` (made by another client) rather than by a path name. */
  parentId?: string;
  /** True only when this provider created the folder: only then does destroy delete it. */
  createdByProvider: boolean;
}

// ------------------------------------------------------------------------------------- mapping

function toOutputs(grantId: string, f: FolderWire, path: string, createdByProvider: boolean): FolderOutputs {
  return { grantId, path, folderId: f.id, ...(f.parent_id ? { parentId: f.parent_id } : {}), createdByProvider };
}

function refuseSystem(f: FolderWire, grantId: string): void {
  if (isSystemFolder(f)) {
    throw new Error(
      `folder ${f.id} ("${f.name}") of account ${grantId} is a system folder: inbox, sent, drafts, trash, junk and archive are never managed; ` +
        "rules file into them by name without a Folder",
    );
  }
}

/** The PUT body that gives `f` the path `path`: the whole path as its name, or its leaf under the same parent. */
async function renameBody(folders: Folders, f: FolderWire, from: string, to: string): Promise<Record<string, unknown>> {
  if (!f.parent_id) return { name: to };
  const parent = from.slice(0, from.lastIndexOf("/"));
  if (to.startsWith(`${parent}/`) && !to.slice(parent.length + 1).includes("/")) return { name: to.slice(parent.length + 1) };
  throw new Error(
    `folder ${f.id} ("${from}") of account ${folders.grantId} is nested under folder ${f.parent_id}; it can be renamed within it ` +
      `("${parent}/<name>"), not moved to "${to}" — declare a new Folder for "${to}" instead`,
  );
}

// ------------------------------------------------------------------------------------- lifecycle

export const folderDefinition: ResourceDefinition<FolderInputs, FolderOutputs> = {
  type: "Folder",
  inputs: inputSchema,
  // A folder belongs to one account; its path changes in place (a rename keeps its mail).
  replaceOnChange: ["grantId"],
  describe: (i) => `path "${i.path}" of account ${i.grantId}`,

  async create(ctx, inputs) {
    const folders = ctx.api.folders(inputs.grantId);
    const existing = await folders.findByPath(inputs.path);
    if (existing) {
      refuseSystem(existing.folder, inputs.grantId);
      ctx.warn(
        `Nylas Folder "${inputs.path}" already exists in account ${inputs.grantId} (${existing.folder.id}); ` +
          "managing it as pre-existing: destroy will leave it and its mail in place",
      );
      // Found by a path that differs only in case: renamed to the declared one, which rules name.
      const outs = toOutputs(inputs.grantId, existing.folder, existing.path, false);
      return { id: existing.folder.id, outs: await folderDefinition.update(ctx, existing.folder.id, outs, inputs) };
    }
    const f = await folders.create({ name: inputs.path });
    return { id: f.id, outs: toOutputs(inputs.grantId, f, inputs.path, true) };
  },

  // After a lost create answer, the folder found is the one this provider made.
  async find(ctx, inputs, purpose) {
    const found = await ctx.api.folders(inputs.grantId).findByPath(inputs.path);
    if (!found) return undefined;
    refuseSystem(found.folder, inputs.grantId);
    return { id: found.folder.id, outs: toOutputs(inputs.grantId, found.folder, found.path, purpose === "lost-create") };
  },

  async read(ctx, id, olds) {
    const folders = ctx.api.folders(olds.grantId);
    const f = await folders.get(id);
    if (!f) return undefined;
    refuseSystem(f, olds.grantId);
    return toOutputs(olds.grantId, f, await folders.pathOfOne(f), olds.createdByProvider === true);
  },

  async update(ctx, id, olds, news) {
    if (olds.grantId !== news.grantId) {
      // Only reachable through adopt (another account is a replace).
      throw new Error(`folder ${id} belongs to account ${olds.grantId}, not ${news.grantId}; declare grantId "${olds.grantId}" or remove adopt`);
    }
    const folders = ctx.api.folders(news.grantId);
    const f = await folders.get(id);
    if (!f) throw new ObjectGoneError(`folder ${id} of account ${news.grantId} was not found`);
    refuseSystem(f, news.grantId);
    const path = await folders.pathOfOne(f);
    if (path === news.path) return toOutputs(news.grantId, f, path, olds.createdByProvider === true);
    const renamed = await folders.update(id, await renameBody(folders, f, path, news.path));
    return toOutputs(news.grantId, renamed, news.path, olds.createdByProvider === true);
  },

  async delete(ctx, id, olds) {
    if (olds.createdByProvider !== true) {
      ctx.warn(`Nylas Folder "${olds.path}" (${id}) of account ${olds.grantId} existed before Pulumi managed it; leaving it and its mail in place`);
      return;
    }
    await ctx.api.folders(olds.grantId).remove(id);
  },
};

// ------------------------------------------------------------------------------------- resource

export interface FolderArgs {
  /** The account the folder belongs to: an {@link AgentAccount}'s `grantId`. Changing it replaces the folder. */
  grantId: pulumi.Input<string>;
  /**
   * The folder's name, or its path for a nested folder: `"Invoices"`, `"Clients/Acme"` (parts trimmed;
   * at most 1024 characters). This is what a {@link Rule}'s `assign_to_folder` action names. System
   * folder names (inbox, sent, drafts, trash, junk, archive, in any case) are refused: they always
   * exist. Changing it renames the folder in place (its mail stays; rules naming the old path then
   * skip it, and preview warns about them).
   */
  path: pulumi.Input<string>;
  /**
   * Take over an existing folder: its id, or `true` to find it by path. Without it an existing folder
   * at `path` is taken over too. Either way, a folder this provider did not create is left in place on
   * destroy (only folders it created are deleted).
   */
  adopt?: pulumi.Input<string | boolean>;
}

/**
 * A custom folder in an Agent Account. Destroy deletes the folder **and every message in it** — but
 * only a folder this provider created; one that existed before is left. Use `protect: true` or
 * `retainOnDelete: true` on folders whose mail must outlive the stack.
 *
 * @example
 * const acme = new nylas.Folder("sales-acme", { grantId: sales.grantId, path: "Clients/Acme" });
 * new nylas.Rule("file-acme", {
 *   name: "file Acme mail",
 *   match: { conditions: [{ field: "from.domain", operator: "is", value: "acme.example" }] },
 *   actions: [{ type: "assign_to_folder", value: acme.path }],
 * });
 */
export class Folder extends NylasResource {
  declare readonly grantId: pulumi.Output<string>;
  declare readonly path: pulumi.Output<string>;
  /** The folder id (same as `id`), for `?in=` message listings. */
  declare readonly folderId: pulumi.Output<string>;
  declare readonly parentId: pulumi.Output<string | undefined>;
  /** Whether this provider created it (and destroy deletes it). */
  declare readonly createdByProvider: pulumi.Output<boolean>;

  constructor(name: string, args: FolderArgs, opts?: pulumi.CustomResourceOptions) {
    super("Folder", name, args, ["folderId", "parentId", "createdByProvider"], opts);
    declareFolder(this, args.path);
  }
}
