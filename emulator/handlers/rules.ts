/** `/v3/rules…` (Nylas API v3, Rules). */
import { randomUUID } from "node:crypto";
import { App, publicFields } from "../app";
import { badRequest, notFound } from "../errors";
import { cursorPage } from "../paging";
import { checkPlanCount } from "../plan";
import type { Router } from "../router";
import type { Action, Condition, ListRec, RuleRec } from "../types";
import { bodyObject, Body, checkString, has, isObject, now, optBool, optInt, optString } from "../validate";
import { cursorPaging, sparseUpdate } from "../variance";

export const FIELDS = [
  "from.address",
  "from.domain",
  "from.tld",
  "recipient.address",
  "recipient.domain",
  "recipient.tld",
  "outbound.type",
];
export const OPERATORS = ["is", "is_not", "contains", "in_list"];
export const ACTIONS = ["block", "mark_as_spam", "assign_to_folder", "mark_as_read", "mark_as_starred", "archive", "trash"];

/** Which list type a field accepts for `in_list`. */
const LIST_TYPE_FOR_FIELD: Record<string, ListRec["type"]> = {
  "from.address": "address",
  "recipient.address": "address",
  "from.domain": "domain",
  "recipient.domain": "domain",
  "from.tld": "tld",
  "recipient.tld": "tld",
};

function validateMatch(app: App, v: unknown, trigger: "inbound" | "outbound", checkLists = true): RuleRec["match"] {
  if (!isObject(v)) throw badRequest("match must be an object");
  const op = v.operator ?? "all";
  if (op !== "all" && op !== "any") throw badRequest("match.operator must be one of: all, any");
  if (!Array.isArray(v.conditions) || v.conditions.length === 0)
    throw badRequest("match.conditions is required and must contain at least one condition");
  const conditions: Condition[] = v.conditions.map((c: unknown, i: number) => {
    const label = `match.conditions[${i}]`;
    if (!isObject(c)) throw badRequest(`${label} must be an object`);
    const field = c.field;
    if (typeof field !== "string" || !FIELDS.includes(field))
      throw badRequest(`${label}.field must be one of: ${FIELDS.join(", ")}`);
    const operator = c.operator;
    if (typeof operator !== "string" || !OPERATORS.includes(operator))
      throw badRequest(`${label}.operator must be one of: ${OPERATORS.join(", ")}`);
    if (trigger === "inbound" && !field.startsWith("from."))
      throw badRequest(`${label}.field ${field} is not allowed for inbound rules (only from.address, from.domain, from.tld)`);
    if (field === "outbound.type") {
      if (operator !== "is" && operator !== "is_not")
        throw badRequest(`${label}: outbound.type only supports the is and is_not operators`);
      if (typeof c.value !== "string") throw badRequest(`${label}.value must be a string`);
      const val = c.value.trim().toLowerCase();
      if (val !== "compose" && val !== "reply") throw badRequest(`${label}.value for outbound.type must be compose or reply`);
      return { field, operator, value: val };
    }
    if (operator === "in_list") {
      if (!Array.isArray(c.value) || c.value.length === 0 || c.value.some((x) => typeof x !== "string"))
        throw badRequest(`${label}.value must be a non-empty array of list IDs for the in_list operator`);
      const want = LIST_TYPE_FOR_FIELD[field];
      for (const id of checkLists ? (c.value as string[]) : []) {
        const list = app.store.get<ListRec>("lists", id);
        if (!list) throw badRequest(`${label}.value references an unknown list: ${id}`);
        if (list.type !== want)
          throw badRequest(`${label}: list ${id} has type ${list.type}, but ${field} requires a list of type ${want}`);
      }
      return { field, operator, value: [...(c.value as string[])] };
    }
    if (typeof c.value !== "string" || c.value.length === 0)
      throw badRequest(`${label}.value must be a non-empty string for the ${operator} operator`);
    return { field, operator, value: c.value };
  });
  return { operator: op, conditions };
}

function validateActions(v: unknown): Action[] {
  if (!Array.isArray(v) || v.length === 0) throw badRequest("actions is required and must contain at least one action");
  const actions: Action[] = v.map((a: unknown, i: number) => {
    const label = `actions[${i}]`;
    if (!isObject(a)) throw badRequest(`${label} must be an object`);
    if (typeof a.type !== "string" || !ACTIONS.includes(a.type))
      throw badRequest(`${label}.type must be one of: ${ACTIONS.join(", ")}`);
    if (a.type === "assign_to_folder") {
      if (typeof a.value !== "string" || a.value.trim() === "")
        throw badRequest(`${label}.value (a folder name) is required for assign_to_folder`);
      return { type: a.type, value: a.value };
    }
    if (a.value !== undefined && a.value !== null && typeof a.value !== "string")
      throw badRequest(`${label}.value must be a string`);
    return a.value ? { type: a.type, value: a.value as string } : { type: a.type };
  });
  if (actions.some((a) => a.type === "block") && actions.length > 1)
    throw badRequest("the block action cannot be combined with other actions");
  return actions;
}

export function publicRule(r: RuleRec): Record<string, unknown> {
  return publicFields(r);
}

export function registerRules(r: Router, app: App): void {
  const col = app.store.col<RuleRec>("rules");
  const requireRule = (id: string): RuleRec => {
    const x = col.get(id);
    if (!x) throw notFound(`rule not found: ${id}`);
    return x;
  };
  const readTrigger = (b: Body, def: RuleRec["trigger"]): RuleRec["trigger"] => {
    const t = optString(b, "trigger") ?? def;
    if (t !== "inbound" && t !== "outbound") throw badRequest("trigger must be one of: inbound, outbound");
    return t;
  };

  // variance E1/E2: the nested envelope {data: {items, next_cursor}}, items null when the page is empty (a Go nil slice).
  r.get("/v3/rules", (ctx) => {
    const v = ctx.variance;
    const page = cursorPage(col.order, ctx.query, { get: (id) => col.get(id), ...cursorPaging(v, "rules") });
    const items = page.data.length === 0 && v.emptyRulesItems === "null" ? null : page.data.map(publicRule);
    const envelope = v.rulesEnvelope === "rotate" ? app.varianceState.nextRulesEnvelope() : v.rulesEnvelope;
    const cursor = page.next_cursor === undefined ? {} : { next_cursor: page.next_cursor };
    if (envelope === "nested") return { body: { data: { items, ...cursor } } };
    if (envelope === "nested-top-cursor") return { body: { data: { items }, ...cursor } };
    return { body: { data: items ?? [], ...cursor } };
  });

  r.post("/v3/rules", (ctx) => {
    const b = bodyObject(ctx.body);
    const name = optString(b, "name", { min: 1, max: 256 });
    if (!name) throw badRequest("name is required");
    const description = optString(b, "description");
    const priority = optInt(b, "priority", { min: 0, max: 1000 }) ?? 10;
    const enabled = optBool(b, "enabled") ?? true;
    const trigger = readTrigger(b, "inbound");
    if (!has(b, "match") || b.match === null) throw badRequest("match is required");
    const match = validateMatch(app, b.match, trigger);
    if (!has(b, "actions") || b.actions === null) throw badRequest("actions is required");
    const actions = validateActions(b.actions);
    checkPlanCount(app, "rules", () => col.size);
    const t = now();
    const rule = app.store.put<RuleRec>("rules", {
      id: randomUUID(),
      name,
      description,
      priority,
      enabled,
      trigger,
      match,
      actions,
      application_id: app.meta.application_id,
      organization_id: app.meta.organization_id,
      created_at: t,
      updated_at: t,
    });
    return { status: 201, body: { data: publicRule(rule) } };
  });

  r.get("/v3/rules/:id", (ctx) => ({ body: { data: publicRule(requireRule(ctx.params.id)) } }));

  r.put("/v3/rules/:id", (ctx) => {
    const cur = requireRule(ctx.params.id);
    const b = bodyObject(ctx.body);
    const next: RuleRec = { ...cur };
    if (has(b, "name") && b.name !== null) next.name = checkString(b.name, "name", { min: 1, max: 256 });
    if (has(b, "description") && b.description !== null) next.description = checkString(b.description, "description");
    const priority = optInt(b, "priority", { min: 0, max: 1000 });
    if (priority !== undefined) next.priority = priority;
    const enabled = optBool(b, "enabled");
    if (enabled !== undefined) next.enabled = enabled;
    next.trigger = readTrigger(b, cur.trigger);
    // nested objects replace the stored ones; the result is validated as a whole
    if (has(b, "match") && b.match !== null) next.match = validateMatch(app, b.match, next.trigger);
    else if (next.trigger !== cur.trigger) validateMatch(app, cur.match, next.trigger, false);
    if (has(b, "actions") && b.actions !== null) next.actions = validateActions(b.actions);
    next.updated_at = now();
    app.store.put("rules", next);
    const full = publicRule(next);
    return { body: { data: ctx.variance.updateAnswers === "sparse" ? sparseUpdate(full, b) : full } };
  });

  r.delete("/v3/rules/:id", (ctx) => {
    const x = requireRule(ctx.params.id);
    app.store.del("rules", x.id);
    return { body: {} };
  });
}
