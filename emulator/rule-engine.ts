/**
 * The rules engine (Nylas API v3 Rules): which enabled rules of a trigger match a message, and what
 * their non-block actions do to it. Used by the send path (outbound) and the inbound pipeline.
 */
import type { App } from "./app";
import type { AppliedActions } from "./handlers/rule-evaluations";
import type { Action, GrantRec, MessageRec, RuleRec, WorkspaceRec } from "./types";
import { domainOf } from "./validate";

export interface EvalInput {
  from: string;
  recipients: string[];
  outboundType?: "compose" | "reply";
}

function tldOf(domain: string): string {
  return domain.slice(domain.lastIndexOf(".") + 1);
}

function fieldValues(field: string, input: EvalInput): string[] {
  const addr = (a: string): string => a.toLowerCase();
  switch (field) {
    case "from.address":
      return [addr(input.from)];
    case "from.domain":
      return [domainOf(input.from)];
    case "from.tld":
      return [tldOf(domainOf(input.from))];
    case "recipient.address":
      return input.recipients.map(addr);
    case "recipient.domain":
      return input.recipients.map(domainOf);
    case "recipient.tld":
      return input.recipients.map((r) => tldOf(domainOf(r)));
    case "outbound.type":
      return input.outboundType ? [input.outboundType] : [];
    default:
      return [];
  }
}

function inList(app: App, listIds: string[], field: string, value: string, input: EvalInput): boolean {
  for (const id of listIds) {
    const e = app.idx.items.get(id);
    if (!e) continue;
    if (e.byValue.has(value)) return true;
    if (field.endsWith(".tld")) {
      // multi-label suffixes (co.uk) match against the whole domain
      const domains = field.startsWith("from.") ? [domainOf(input.from)] : input.recipients.map(domainOf);
      for (const d of domains) for (const item of e.byValue.keys()) if (d.endsWith(`.${item}`)) return true;
    }
  }
  return false;
}

function conditionMatches(app: App, c: RuleRec["match"]["conditions"][number], input: EvalInput): boolean {
  const values = fieldValues(c.field, input);
  switch (c.operator) {
    case "is":
      return values.some((v) => v === String(c.value).toLowerCase());
    case "is_not":
      // for recipient.* true only when no recipient matches
      return !values.some((v) => v === String(c.value).toLowerCase());
    case "contains":
      return values.some((v) => v.includes(String(c.value).toLowerCase()));
    case "in_list":
      return values.some((v) => inList(app, c.value as string[], c.field, v, input));
    default:
      return false;
  }
}

export interface RuleOutcome {
  blocked?: RuleRec;
  actions: Action[];
  matched: string[];
}

/**
 * Evaluate the enabled rules for one trigger, lowest priority first: inbound rules of the grant's
 * workspace; outbound rules of the whole application, or (variance R1 "workspace") of the sender's workspace.
 */
export function evaluateRules(
  app: App,
  g: GrantRec,
  trigger: "inbound" | "outbound",
  input: EvalInput,
  outboundScope: "application" | "workspace" = "application",
): RuleOutcome {
  const out: RuleOutcome = { actions: [], matched: [] };
  const col = app.store.col<RuleRec>("rules");
  let ids: string[];
  if (trigger === "outbound" && outboundScope === "application") ids = col.order.ids;
  else {
    const w = g.workspace_id ? app.store.get<WorkspaceRec>("workspaces", g.workspace_id) : undefined;
    ids = w?.rule_ids ?? [];
  }
  if (ids.length === 0) return out;
  const rules = ids
    .map((id) => col.get(id))
    .filter((r): r is RuleRec => !!r && r.enabled && r.trigger === trigger)
    .sort((a, b) => a.priority - b.priority || (col.seqOf.get(a.id)! - col.seqOf.get(b.id)!));
  for (const r of rules) {
    const results = r.match.conditions.map((c) => conditionMatches(app, c, input));
    const hit = r.match.operator === "any" ? results.some(Boolean) : results.every(Boolean);
    if (!hit) continue;
    out.matched.push(r.id);
    if (r.actions.some((a) => a.type === "block")) {
      out.blocked = r;
      return out;
    }
    out.actions.push(...r.actions);
  }
  return out;
}

/** Apply non-block actions in order; `resolve` maps an `assign_to_folder` name/path to a folder id. */
export function applyActions(
  m: MessageRec,
  actions: Action[],
  resolve: (name: string) => string | undefined,
): { message: MessageRec; applied: AppliedActions } {
  const next = { ...m, folders: [...m.folders] };
  const applied: AppliedActions = {};
  for (const a of actions) {
    switch (a.type) {
      case "mark_as_spam":
        next.folders = ["junk"];
        applied.marked_as_spam = true;
        break;
      case "assign_to_folder": {
        const f = resolve(a.value ?? "");
        if (!f) break; // a folder that does not exist is skipped
        next.folders = [f];
        applied.folder_ids = [...new Set([...(applied.folder_ids ?? []), f])];
        break;
      }
      case "mark_as_read":
        next.unread = false;
        applied.marked_as_read = true;
        break;
      case "mark_as_starred":
        next.starred = true;
        applied.marked_starred = true;
        break;
      case "archive":
        next.folders = ["archive"];
        applied.archived = true;
        break;
      case "trash":
        next.folders = ["trash"];
        applied.trashed = true;
        break;
      default:
        break;
    }
  }
  return { message: next, applied };
}

