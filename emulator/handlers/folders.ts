/**
 * `/v3/grants/{id}/folders…` (Nylas Folders: developer.nylas.com/docs/v3/email/folders/): the six system
 * folders every Agent Account has, custom folders (flat names, `/`-separated paths, or `parent_id` nesting),
 * name/path resolution for rule `assign_to_folder`, and the policy option `additional_folders`.
 */
import { randomUUID } from "node:crypto";
import { App, publicFields, SYSTEM_FOLDERS } from "../app";
import { badRequest, notFound } from "../errors";
import { cursorPage } from "../paging";
import type { Router } from "../router";
import { OrderedIds } from "../store";
import type { GrantRec, MessageRec } from "../types";
import { bodyObject, Body, checkString, has } from "../validate";
import { cursorPaging } from "../variance";

export interface FolderRec {
  id: string;
  grant_id: string;
  /** As sent: a plain name, or a whole path such as `Clients/Acme`. */
  name: string;
  parent_id?: string;
  text_color?: string;
  background_color?: string;
  /** Made by the policy option `additional_folders` (not by a folder create). */
  _policy_id?: string;
  created_at: number;
  updated_at: number;
  [k: string]: unknown;
}

const MAX_NAME = 1024;
const SYSTEM_IDS = new Set<string>(SYSTEM_FOLDERS.map((f) => f.id));

const systemByName = (name: string) => {
  const n = name.trim().toLowerCase();
  return SYSTEM_FOLDERS.find((f) => f.id === n || f.name.toLowerCase() === n);
};

export const isSystemFolderId = (id: string): boolean => SYSTEM_IDS.has(id);

/** A folder name or path: 1–1024 chars, no empty path segment, not a reserved system name. */
export function checkFolderName(v: unknown, label: string, opts: { topLevel: boolean }): string {
  const name = checkString(v, label, { min: 1, max: MAX_NAME });
  if (name.trim() !== name) throw badRequest(`${label} must not start or end with whitespace: "${name}"`);
  if (name.split("/").some((seg) => seg.trim() === ""))
    throw badRequest(`${label} has an empty path segment: "${name}" (write nested folders as "Parent/Child")`);
  if (opts.topLevel && systemByName(name))
    throw badRequest(
      `${label} "${name}" is reserved: inbox, sent, drafts, trash, junk and archive are the account's system folders`,
    );
  return name;
}

export function grantFolders(app: App, grantId: string): FolderRec[] {
  const col = app.store.col<FolderRec>("folders");
  return app.idx.grantIds("folders", grantId).ids.map((id) => col.get(id)!);
}

/** Full path of a folder: its parents' paths joined with `/` (a system parent counts by its name). */
export function folderPath(app: App, f: FolderRec): string {
  const parts = [f.name];
  const seen = new Set([f.id]);
  let parentId = f.parent_id;
  while (parentId && !seen.has(parentId)) {
    seen.add(parentId);
    const sys = SYSTEM_FOLDERS.find((s) => s.id === parentId);
    if (sys) {
      parts.unshift(sys.name);
      break;
    }
    const p = app.store.get<FolderRec>("folders", parentId);
    if (!p) break;
    parts.unshift(p.name);
    parentId = p.parent_id;
  }
  return parts.join("/");
}

/** The custom folder of this grant whose path equals `path` (case-insensitive). */
function customByPath(app: App, grantId: string, path: string, except?: string): FolderRec | undefined {
  const want = path.toLowerCase();
  return grantFolders(app, grantId).find((f) => f.id !== except && folderPath(app, f).toLowerCase() === want);
}

/**
 * Resolve a rule's `assign_to_folder` value (a name or path, never an id): a system folder name
 * (`Inbox` … `Archive`, any case) or a custom folder's full path (case-insensitive). `undefined` = no
 * such folder: the action is skipped.
 */
export function resolveFolderName(app: App, g: GrantRec, value: string): string | undefined {
  ensurePolicyFolders(app, g);
  const v = value.trim();
  if (!v) return undefined;
  return systemByName(v)?.id ?? customByPath(app, g.id, v)?.id;
}

/** A folder reference in `?in=` or a message update: a folder id, else a name/path. */
export function resolveFolderRef(app: App, g: GrantRec, ref: string): string | undefined {
  if (SYSTEM_IDS.has(ref)) return ref;
  const f = app.store.get<FolderRec>("folders", ref);
  if (f && f.grant_id === g.id) return f.id;
  return resolveFolderName(app, g, ref);
}

/**
 * The policy option `additional_folders` of the grant's workspace policy: make every listed folder
 * that is missing. Nylas's timing is undocumented; the emulator materializes them whenever the
 * account's folders are read or mail is filed, and never deletes them when a name is removed.
 */
export function ensurePolicyFolders(app: App, g: GrantRec): void {
  if (g.provider !== "nylas") return;
  const p = app.grantPolicy(g);
  const wanted = p?.options?.additional_folders;
  if (!p || !Array.isArray(wanted) || wanted.length === 0) return;
  for (const name of wanted as string[]) {
    if (systemByName(name) || customByPath(app, g.id, name)) continue;
    const t = Math.floor(Date.now() / 1000);
    const f = app.store.put<FolderRec>("folders", {
      id: randomUUID(),
      grant_id: g.id,
      name,
      _policy_id: p.id,
      created_at: t,
      updated_at: t,
    });
    app.emit("folder.created", publicFolder(app, f, undefined));
  }
}

type Counts = Map<string, { total: number; unread: number }>;

function messageCounts(app: App, g: GrantRec): Counts {
  const counts: Counts = new Map();
  const msgs = app.idx.messagesByGrant.get(g.id);
  for (const id of msgs?.ids ?? []) {
    const m = app.store.get<MessageRec>("messages", id);
    if (!m) continue;
    for (const f of m.folders) {
      const c = counts.get(f) ?? { total: 0, unread: 0 };
      c.total++;
      if (m.unread) c.unread++;
      counts.set(f, c);
    }
  }
  return counts;
}

function systemFolder(g: GrantRec, f: (typeof SYSTEM_FOLDERS)[number], counts: Counts): Record<string, unknown> {
  return {
    id: f.id,
    grant_id: g.id,
    object: "folder",
    name: f.name,
    system_folder: true,
    attributes: [...f.attributes],
    total_count: counts.get(f.id)?.total ?? 0,
    unread_count: counts.get(f.id)?.unread ?? 0,
  };
}

export function publicFolder(app: App, f: FolderRec, counts: Counts | undefined): Record<string, unknown> {
  const children = grantFolders(app, f.grant_id).filter((c) => c.parent_id === f.id).length;
  return {
    ...publicFields(f),
    object: "folder",
    system_folder: false,
    attributes: [],
    child_count: children,
    total_count: counts?.get(f.id)?.total ?? 0,
    unread_count: counts?.get(f.id)?.unread ?? 0,
  };
}

/** Delete a custom folder, its child folders and every message in them. */
function deleteFolderCascade(app: App, g: GrantRec, f: FolderRec): void {
  const doomed = new Set<string>([f.id]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const c of grantFolders(app, g.id))
      if (c.parent_id && doomed.has(c.parent_id) && !doomed.has(c.id)) {
        doomed.add(c.id);
        grew = true;
      }
  }
  for (const id of [...(app.idx.messagesByGrant.get(g.id)?.ids ?? [])]) {
    const m = app.store.get<MessageRec>("messages", id);
    if (m && m.folders.some((x) => doomed.has(x))) app.store.del("messages", id);
  }
  for (const id of doomed) {
    const rec = app.store.get<FolderRec>("folders", id);
    if (!rec) continue;
    app.store.del("folders", id);
    app.emit("folder.deleted", { id, grant_id: g.id, object: "folder" });
  }
}

export function registerFolders(r: Router, app: App): void {
  const col = app.store.col<FolderRec>("folders");
  const requireCustom = (g: GrantRec, id: string): FolderRec => {
    if (SYSTEM_IDS.has(id)) throw badRequest(`${id} is a system folder: it cannot be renamed, moved or deleted`);
    const f = col.get(id);
    if (!f || f.grant_id !== g.id) throw notFound(`folder not found: ${id}`);
    return f;
  };
  const readParent = (g: GrantRec, b: Body, self?: string): string | undefined => {
    if (!has(b, "parent_id") || b.parent_id === null || b.parent_id === "") return undefined;
    const pid = checkString(b.parent_id, "parent_id", { min: 1 });
    if (SYSTEM_IDS.has(pid)) return pid;
    const p = col.get(pid);
    if (!p || p.grant_id !== g.id) throw badRequest(`parent_id: folder not found: ${pid}`);
    for (let cur: FolderRec | undefined = p; cur; cur = cur.parent_id ? col.get(cur.parent_id) : undefined)
      if (cur.id === self) throw badRequest("parent_id: a folder cannot be moved into itself or one of its children");
    return pid;
  };
  const readColor = (b: Body, k: "text_color" | "background_color"): string | undefined =>
    has(b, k) && b[k] !== null ? checkString(b[k], k) : undefined;

  r.get("/v3/grants/:grant/folders", (ctx) => {
    const g = app.requireGrant(ctx.params.grant);
    ensurePolicyFolders(app, g);
    // System folders first, then custom folders in creation order, under one cursor sequence.
    const order = new OrderedIds();
    SYSTEM_FOLDERS.forEach((f, i) => order.insert(f.id, i + 1));
    for (const f of grantFolders(app, g.id)) order.insert(f.id, col.seqOf.get(f.id)! + SYSTEM_FOLDERS.length);
    const counts = messageCounts(app, g);
    const parent = ctx.query.get("parent_id") || undefined;
    const page = cursorPage<Record<string, unknown>>(order, ctx.query, {
      get: (id) => {
        const sys = SYSTEM_FOLDERS.find((f) => f.id === id);
        if (sys) return systemFolder(g, sys, counts);
        const f = col.get(id);
        return f ? publicFolder(app, f, counts) : undefined;
      },
      filter: (f) => !parent || f.parent_id === parent,
      ...cursorPaging(ctx.variance, "folders"),
    });
    return { body: { data: page.data, next_cursor: page.next_cursor } };
  });

  r.post("/v3/grants/:grant/folders", (ctx) => {
    const g = app.requireGrant(ctx.params.grant);
    const b = bodyObject(ctx.body);
    if (!has(b, "name") || b.name === null) throw badRequest("name is required");
    const parent_id = readParent(g, b);
    const name = checkFolderName(b.name, "name", { topLevel: parent_id === undefined });
    const text_color = readColor(b, "text_color");
    const background_color = readColor(b, "background_color");
    const t = Math.floor(Date.now() / 1000);
    const draft: FolderRec = { id: randomUUID(), grant_id: g.id, name, parent_id, text_color, background_color, created_at: t, updated_at: t };
    ensurePolicyFolders(app, g);
    const path = folderPath(app, draft);
    if (systemByName(path) || customByPath(app, g.id, path)) throw badRequest(`a folder named "${path}" already exists`);
    const f = app.store.put<FolderRec>("folders", draft);
    const pub = publicFolder(app, f, undefined);
    app.emit("folder.created", pub);
    return { body: { data: pub } };
  });

  r.get("/v3/grants/:grant/folders/:id", (ctx) => {
    const g = app.requireGrant(ctx.params.grant);
    ensurePolicyFolders(app, g);
    const counts = messageCounts(app, g);
    const sys = SYSTEM_FOLDERS.find((f) => f.id === ctx.params.id);
    if (sys) return { body: { data: systemFolder(g, sys, counts) } };
    const f = col.get(ctx.params.id);
    if (!f || f.grant_id !== g.id) throw notFound(`folder not found: ${ctx.params.id}`);
    return { body: { data: publicFolder(app, f, counts) } };
  });

  r.put("/v3/grants/:grant/folders/:id", (ctx) => {
    const g = app.requireGrant(ctx.params.grant);
    const cur = requireCustom(g, ctx.params.id);
    const b = bodyObject(ctx.body);
    const next: FolderRec = { ...cur };
    if (has(b, "parent_id")) next.parent_id = readParent(g, b, cur.id);
    if (has(b, "name") && b.name !== null) next.name = checkFolderName(b.name, "name", { topLevel: next.parent_id === undefined });
    else if (next.parent_id === undefined && systemByName(next.name)) checkFolderName(next.name, "name", { topLevel: true });
    const text_color = readColor(b, "text_color");
    if (text_color !== undefined) next.text_color = text_color;
    const background_color = readColor(b, "background_color");
    if (background_color !== undefined) next.background_color = background_color;
    const path = folderPath(app, next);
    if (customByPath(app, g.id, path, cur.id)) throw badRequest(`a folder named "${path}" already exists`);
    next.updated_at = Math.floor(Date.now() / 1000);
    app.store.put("folders", next);
    const pub = publicFolder(app, next, messageCounts(app, g));
    app.emit("folder.updated", pub);
    return { body: { data: pub } };
  });

  r.delete("/v3/grants/:grant/folders/:id", (ctx) => {
    const g = app.requireGrant(ctx.params.grant);
    deleteFolderCascade(app, g, requireCustom(g, ctx.params.id));
    return { body: {} };
  });
}
