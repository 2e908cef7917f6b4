/** `/v3/lists…` and list items (Nylas API v3, Lists). */
import { randomUUID } from "node:crypto";
import { App, publicFields } from "../app";
import { badRequest, notFound } from "../errors";
import { cursorPage } from "../paging";
import { OrderedIds } from "../store";
import { checkPlanCount } from "../plan";
import type { Router } from "../router";
import type { ListItemRec, ListRec } from "../types";
import { bodyObject, checkString, has, isDomain, isEmail, isTld, now, optString } from "../validate";
import { cursorPaging, sparseUpdate, type Variance } from "../variance";

const LIST_TYPES = ["domain", "tld", "address"];
export const MAX_ITEMS_PER_REQUEST = 1000;
export const MAX_ITEM_LENGTH = 500;

export function itemsCount(app: App, listId: string): number {
  return app.idx.items.get(listId)?.byValue.size ?? 0;
}

export function publicList(app: App, l: ListRec): Record<string, unknown> {
  return { ...publicFields(l), items_count: itemsCount(app, l.id) };
}

/** Lower-case + trim, then validate against the list type. */
export function normaliseItem(type: ListRec["type"], raw: string): string {
  let v = raw.trim().toLowerCase();
  if (type === "tld" && v.startsWith(".")) v = v.slice(1);
  const ok = type === "domain" ? isDomain(v) : type === "tld" ? isTld(v) : isEmail(v);
  if (!ok) throw badRequest(`invalid ${type} value for a list of type ${type}: ${JSON.stringify(raw)}`);
  return v;
}

function readItems(body: unknown, type: ListRec["type"]): string[] {
  const b = bodyObject(body);
  if (!has(b, "items") || b.items === null) throw badRequest("items is required");
  if (!Array.isArray(b.items)) throw badRequest("items must be an array of strings");
  if (b.items.length === 0) throw badRequest("items must contain at least one value");
  if (b.items.length > MAX_ITEMS_PER_REQUEST)
    throw badRequest(`too many items: at most ${MAX_ITEMS_PER_REQUEST} values per request (got ${b.items.length})`);
  const out: string[] = [];
  for (const raw of b.items) {
    if (typeof raw !== "string") throw badRequest("items must be an array of strings");
    if (raw.length > MAX_ITEM_LENGTH)
      throw badRequest(`item value exceeds ${MAX_ITEM_LENGTH} characters: ${raw.slice(0, 40)}…`);
    out.push(normaliseItem(type, raw));
  }
  return out;
}

/** Answer to a list-items POST/DELETE: the List, or (variance W2 "sparse") only its refreshed items_count. */
function itemsAnswer(app: App, l: ListRec, v: Variance): Record<string, unknown> {
  return v.updateAnswers === "sparse" ? { items_count: itemsCount(app, l.id) } : publicList(app, l);
}

export function deleteListCascade(app: App, listId: string): void {
  const e = app.idx.items.get(listId);
  if (e) for (const id of [...e.order.ids]) app.store.del("list_items", id);
  app.store.del("lists", listId);
}

export function registerLists(r: Router, app: App): void {
  const col = app.store.col<ListRec>("lists");
  const requireList = (id: string): ListRec => {
    const l = col.get(id);
    if (!l) throw notFound(`list not found: ${id}`);
    return l;
  };

  r.get("/v3/lists", (ctx) => {
    const page = cursorPage(col.order, ctx.query, { get: (id) => col.get(id), ...cursorPaging(ctx.variance, "lists") });
    return { body: { data: page.data.map((l) => publicList(app, l)), next_cursor: page.next_cursor } };
  });

  r.post("/v3/lists", (ctx) => {
    const b = bodyObject(ctx.body);
    const name = optString(b, "name", { min: 1, max: 256 });
    if (!name) throw badRequest("name is required");
    const description = optString(b, "description");
    const type = optString(b, "type");
    if (!type) throw badRequest("type is required");
    if (!LIST_TYPES.includes(type)) throw badRequest(`type must be one of: ${LIST_TYPES.join(", ")}`);
    checkPlanCount(app, "lists", () => app.store.col("lists").size);
    const t = now();
    const l = app.store.put<ListRec>("lists", {
      id: randomUUID(),
      name,
      description,
      type: type as ListRec["type"],
      application_id: app.meta.application_id,
      organization_id: app.meta.organization_id,
      created_at: t,
      updated_at: t,
    });
    return { status: 201, body: { data: publicList(app, l) } };
  });

  r.get("/v3/lists/:id", (ctx) => ({ body: { data: publicList(app, requireList(ctx.params.id)) } }));

  r.put("/v3/lists/:id", (ctx) => {
    const cur = requireList(ctx.params.id);
    const b = bodyObject(ctx.body);
    if (has(b, "type") && b.type !== cur.type) throw badRequest("type cannot be changed; create a new list instead");
    const next: ListRec = { ...cur };
    if (has(b, "name") && b.name !== null) next.name = checkString(b.name, "name", { min: 1, max: 256 });
    if (has(b, "description") && b.description !== null) next.description = checkString(b.description, "description");
    next.updated_at = now();
    app.store.put("lists", next);
    const full = publicList(app, next);
    return { body: { data: ctx.variance.updateAnswers === "sparse" ? sparseUpdate(full, b) : full } };
  });

  r.delete("/v3/lists/:id", (ctx) => {
    const l = requireList(ctx.params.id);
    // Rules that reference the list stay in place (they just stop matching).
    deleteListCascade(app, l.id);
    return { body: {} };
  });

  r.get("/v3/lists/:id/items", (ctx) => {
    const l = requireList(ctx.params.id);
    const order = app.idx.items.get(l.id)?.order ?? new OrderedIds();
    const items = app.store.col<ListItemRec>("list_items");
    const page = cursorPage(order, ctx.query, { get: (id) => items.get(id), ...cursorPaging(ctx.variance, "list_items") });
    return { body: { data: page.data.map((i) => publicFields(i)), next_cursor: page.next_cursor } };
  });

  r.post("/v3/lists/:id/items", (ctx) => {
    const l = requireList(ctx.params.id);
    const values = readItems(ctx.body, l.type);
    const t = now();
    for (const v of values) {
      if (app.idx.items.get(l.id)?.byValue.has(v)) continue; // duplicates are silently ignored
      app.store.put<ListItemRec>("list_items", { id: randomUUID(), list_id: l.id, value: v, created_at: t });
    }
    const next = app.store.put<ListRec>("lists", { ...l, updated_at: t });
    return { body: { data: itemsAnswer(app, next, ctx.variance) } };
  });

  r.delete("/v3/lists/:id/items", (ctx) => {
    const l = requireList(ctx.params.id);
    const values = readItems(ctx.body, l.type);
    for (const v of values) {
      const id = app.idx.items.get(l.id)?.byValue.get(v);
      if (id) app.store.del("list_items", id); // absent values are silently ignored
    }
    const next = app.store.put<ListRec>("lists", { ...l, updated_at: now() });
    return { body: { data: itemsAnswer(app, next, ctx.variance) }, keepBodyOnDelete: true };
  });
}
