import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { RuleWire } from "../api";
import type { Context, ResourceDefinition } from "../lifecycle";
import { displayName, isDomain, isEmail, oneOf } from "../schema";
import { declareFolderTargets } from "../folder-targets";
import { NylasResource } from "./base";
import { isTld } from "./list";

/**
 * Nylas Rule: conditions on sender/recipients and the actions to take (block, spam, folder, …). An
 * inbound rule runs only for accounts of a workspace that lists it (`Workspace.ruleIds`); an outbound
 * rule runs for every send of every Agent Account of the application once it is enabled — workspaces
 * do not scope it (Nylas API v3 Rules). `in_list` conditions reference `List` ids.
 * API: `ctx.api.rules` (/v3/rules: POST create, PUT update with `match` and `actions` replaced
 * wholesale, DELETE).
 */

// ------------------------------------------------------------------------------------ input schema

export const RULE_FIELDS = ["from.address", "from.domain", "from.tld", "recipient.address", "recipient.domain", "recipient.tld", "outbound.type"] as const;
export const RULE_OPERATORS = ["is", "is_not", "contains", "in_list"] as const;
export const RULE_ACTIONS = ["block", "mark_as_spam", "assign_to_folder", "mark_as_read", "mark_as_starred", "archive", "trash"] as const;
/** The Nylas CLI's client-side alias, rewritten to `assign_to_folder`. */
const ACTION_ALIASES: Record<string, (typeof RULE_ACTIONS)[number]> = { move_to_folder: "assign_to_folder" };
const INBOUND_FIELDS = RULE_FIELDS.filter((f) => f.startsWith("from."));

type Field = (typeof RULE_FIELDS)[number];
type Operator = (typeof RULE_OPERATORS)[number];
const quoted = (xs: readonly string[]) => xs.map((x) => `"${x}"`).join(", ");

/** What an `is`/`is_not` value must look like per field kind. */
const VALUE_SYNTAX: Record<"address" | "domain" | "tld", { valid: (s: string) => boolean; allowed: string }> = {
  address: { valid: isEmail, allowed: "an email address like someone@example.com" },
  domain: { valid: isDomain, allowed: "a domain name like example.com" },
  tld: { valid: isTld, allowed: "a top-level domain like xyz (without the dot)" },
};
const kindOf = (field: string) => field.slice(field.indexOf(".") + 1) as "address" | "domain" | "tld" | "type";

/**
 * A condition as Nylas compares it: matching is case-insensitive, so values are trimmed and lower-cased
 * (a TLD loses a leading dot); `in_list` ids are a set (sorted, de-duplicated). Applied to inputs and to
 * what the API returns, so neither case nor id order ever shows up as a diff.
 */
export function normaliseCondition<C extends { field: string; operator: string; value?: unknown }>(c: C): C {
  if (Array.isArray(c.value)) {
    const ids = c.value.map((v) => (typeof v === "string" ? v.trim() : v));
    return { ...c, value: [...new Set(ids)].sort() };
  }
  if (typeof c.value !== "string") return c;
  let v = c.value.trim();
  if (c.operator !== "in_list") v = v.toLowerCase();
  if (kindOf(c.field) === "tld" && c.operator !== "contains" && v.startsWith(".")) v = v.slice(1);
  return { ...c, value: v };
}

const conditionSchema = z
  .strictObject(
    {
      field: oneOf(RULE_FIELDS),
      operator: oneOf(RULE_OPERATORS),
      // Checked below, per operator: a missing value gets the same message as a wrong one.
      value: z.unknown().optional(),
    },
    { error: 'must be an object {field, operator, value} like { field: "from.domain", operator: "is", value: "spam.example" }' },
  )
  .superRefine((c, ctx) => {
    const issue = (message: string, path: (string | number)[] = ["value"]) => ctx.addIssue({ code: "custom", path, message });
    const op = c.operator as Operator;
    if (c.field === "outbound.type") {
      if (op !== "is" && op !== "is_not") return issue('outbound.type allows only the operators "is" and "is_not"', ["operator"]);
      const v = typeof c.value === "string" ? c.value.trim().toLowerCase() : undefined;
      if (v !== "compose" && v !== "reply") return issue('must be "compose" or "reply" for outbound.type');
      return;
    }
    if (op === "in_list") {
      if (!Array.isArray(c.value) || c.value.length === 0) {
        return issue("must be a list of List ids (e.g. [blocked.id]) for the in_list operator");
      }
      c.value.forEach((id, i) => {
        if (typeof id !== "string" || id.trim() === "") issue("must be the id of a List (a non-empty string)", ["value", i]);
      });
      return;
    }
    if (typeof c.value !== "string" || c.value.trim() === "") {
      return issue(`must be a single non-empty string for the "${op}" operator (only in_list takes a list of List ids)`);
    }
    if (op === "contains") return;
    const syntax = VALUE_SYNTAX[kindOf(c.field) as "address" | "domain" | "tld"];
    if (!syntax.valid(normaliseCondition(c).value as string)) issue(`must be ${syntax.allowed} for ${c.field} with "${op}"`);
  })
  .overwrite((c) => normaliseCondition(c));

const actionSchema = z
  .strictObject(
    {
      type: z.enum([...RULE_ACTIONS, ...Object.keys(ACTION_ALIASES)] as [string, ...string[]], {
        error: `must be one of ${quoted(RULE_ACTIONS)} ("move_to_folder" is accepted as an alias of "assign_to_folder")`,
      }),
      value: z.string({ error: "must be a string (a folder name)" }).optional(),
    },
    { error: 'must be an object {type, value?} like { type: "mark_as_spam" } or { type: "assign_to_folder", value: "Clients/Acme" }' },
  )
  .superRefine((a, ctx) => {
    const type = ACTION_ALIASES[a.type] ?? a.type;
    if (type === "assign_to_folder") {
      if (a.value === undefined || a.value.trim() === "") {
        ctx.addIssue({ code: "custom", path: ["value"], message: 'is required for assign_to_folder: the folder name or path, e.g. "Clients/Acme" or "Archive"' });
      }
    } else if (a.value !== undefined) {
      ctx.addIssue({ code: "custom", path: ["value"], message: `only assign_to_folder takes a value; remove value from the "${type}" action` });
    }
  })
  .overwrite((a) => ({ type: ACTION_ALIASES[a.type] ?? a.type, ...(a.value !== undefined ? { value: a.value.trim() } : {}) }));

const priority = "must be a whole number from 0 to 1000 (lower runs first)";

const inputSchema = z
  .strictObject({
    name: displayName(256),
    description: z.string({ error: "must be a string" }).optional(),
    priority: z.number({ error: priority }).int({ error: priority }).min(0, { error: priority }).max(1000, { error: priority }).optional(),
    enabled: z.boolean({ error: "must be true or false" }).optional(),
    trigger: oneOf(["inbound", "outbound"] as const).optional(),
    match: z.strictObject(
      {
        operator: oneOf(["all", "any"] as const).optional(),
        conditions: z
          .array(conditionSchema, { error: "must be a list of conditions {field, operator, value}" })
          .min(1, { error: "must have at least one condition {field, operator, value}" }),
      },
      { error: "must be an object {operator?, conditions}" },
    ),
    actions: z
      .array(actionSchema, { error: "must be a list of actions {type, value?}" })
      .min(1, { error: "must have at least one action {type, value?}" })
      .superRefine((actions, ctx) => {
        if (actions.length > 1 && actions.some((a) => a.type === "block")) {
          ctx.addIssue({ code: "custom", message: '"block" cannot be combined with other actions (a blocked message is rejected, so nothing else applies); use block alone' });
        }
      }),
  })
  .superRefine((r, ctx) => {
    if ((r.trigger ?? "inbound") !== "inbound") return;
    r.match.conditions.forEach((c, i) => {
      if (!c.field.startsWith("from.")) {
        ctx.addIssue({
          code: "custom",
          path: ["match", "conditions", i, "field"],
          message: `inbound rules${r.trigger ? "" : " (trigger defaults to inbound)"} allow only ${quoted(INBOUND_FIELDS)}; set trigger: "outbound" to match recipients or the outbound type`,
        });
      }
    });
  })
  // `match` is sent whole and replaces the stored one, so an omitted operator means Nylas's default
  // "all": say so in the inputs, or the "all" read back would show as a diff.
  .overwrite(({ description, match, ...rest }) => ({
    ...rest,
    ...(description?.trim() ? { description: description.trim() } : {}),
    match: { operator: match.operator ?? "all", conditions: match.conditions },
  }));

export type RuleInputs = z.infer<typeof inputSchema>;
export type RuleCondition = { field: Field; operator: Operator; value: string | string[] };
export type RuleAction = { type: (typeof RULE_ACTIONS)[number]; value?: string };

export interface RuleOutputs {
  [key: string]: unknown;
  name: string;
  description?: string;
  priority: number;
  enabled: boolean;
  trigger: "inbound" | "outbound";
  match: { operator: "all" | "any"; conditions: RuleCondition[] };
  actions: RuleAction[];
  createdAt?: number;
}

// ------------------------------------------------------------------------------------- mapping

/** The complete body: nested `match` and `actions` always whole (they replace the stored ones). */
function toWire(inputs: RuleInputs, olds?: RuleOutputs): Record<string, unknown> {
  return {
    name: inputs.name,
    // "" clears a description the user removed.
    ...(inputs.description !== undefined ? { description: inputs.description } : olds?.description ? { description: "" } : {}),
    ...(inputs.priority !== undefined ? { priority: inputs.priority } : {}),
    ...(inputs.enabled !== undefined ? { enabled: inputs.enabled } : {}),
    ...(inputs.trigger !== undefined ? { trigger: inputs.trigger } : {}),
    match: { operator: inputs.match.operator ?? "all", conditions: inputs.match.conditions },
    actions: inputs.actions,
  };
}

/** Outputs shaped like inputs; documented defaults fill what the API leaves out. */
function toOutputs(r: RuleWire): RuleOutputs {
  return {
    name: r.name,
    ...(r.description ? { description: r.description } : {}),
    priority: r.priority ?? 10,
    enabled: r.enabled ?? true,
    trigger: (r.trigger ?? "inbound") as RuleOutputs["trigger"],
    match: {
      operator: (r.match.operator ?? "all") as "all" | "any",
      conditions: r.match.conditions.map((c) => normaliseCondition({ field: c.field as Field, operator: c.operator as Operator, value: c.value })),
    },
    actions: r.actions.map((a) => ({ type: a.type as RuleAction["type"], ...(a.value ? { value: a.value } : {}) })),
    ...(r.created_at ? { createdAt: r.created_at } : {}),
  };
}

/**
 * Warns when `in_list` conditions name Lists that no longer exist (deleted outside Pulumi). Nylas keeps
 * the rule as it is and the condition silently matches nothing, so a refresh would otherwise show no
 * change at all. One GET per distinct list id — rules reference few lists; none for rules without
 * `in_list`. The next create/update is refused by Nylas (explained in api/rules.ts).
 */
async function warnMissingLists(ctx: Context, id: string, outs: RuleOutputs): Promise<void> {
  const where = new Map<string, string[]>();
  outs.match.conditions.forEach((c, i) => {
    if (c.operator !== "in_list" || !Array.isArray(c.value)) return;
    for (const listId of c.value) where.set(listId, [...(where.get(listId) ?? []), `match.conditions[${i}]`]);
  });
  if (where.size === 0) return;
  const ids = [...where.keys()];
  const found = await Promise.all(ids.map((listId) => ctx.api.lists.get(listId)));
  const missing = ids.filter((_, i) => found[i] === undefined);
  if (missing.length === 0) return;
  const one = missing.length === 1;
  ctx.warn(
    `Nylas Rule ${id} (name "${outs.name}") uses List${one ? "" : "s"} ${missing.map((l) => `${l} (${where.get(l)!.join(", ")})`).join(", ")} ` +
      `that no longer exist${one ? "s" : ""} (deleted outside Pulumi?), so ${one && where.get(missing[0])!.length === 1 ? "that condition matches" : "those conditions match"} nothing. ` +
      "Run `pulumi refresh` then `pulumi up` to recreate a managed List (the rule then gets its new id), or remove the id from the condition.",
  );
}

// ------------------------------------------------------------------------------------- lifecycle

export const ruleDefinition: ResourceDefinition<RuleInputs, RuleOutputs> = {
  type: "Rule",
  autoName: "name",
  inputs: inputSchema,
  // Nylas fills these when unset; compared only when declared (no defaults injected into inputs).
  computed: ["priority", "enabled", "trigger"],
  describe: (i) => `name "${i.name}"`,

  warnings(inputs) {
    if (inputs.trigger !== "outbound" || inputs.enabled === false) return [];
    return [
      `"${inputs.name}" is an outbound rule: Nylas runs enabled outbound rules on every send of every Agent Account of the application, ` +
        "whichever workspace lists it (ruleIds do not scope outbound rules)",
    ];
  },

  async create(ctx, inputs) {
    const r = await ctx.api.rules.create(toWire(inputs));
    return { id: r.id, outs: toOutputs(r) };
  },

  async find(ctx, inputs) {
    const r = await ctx.api.rules.findByName(inputs.name);
    return r && { id: r.id, outs: toOutputs(r) };
  },

  async read(ctx, id) {
    const r = await ctx.api.rules.read(id);
    if (!r) return undefined;
    const outs = toOutputs(r);
    await warnMissingLists(ctx, id, outs);
    return outs;
  },

  async update(ctx, id, olds, news) {
    return toOutputs(await ctx.api.rules.update(id, toWire(news, olds)));
  },

  async delete(ctx, id) {
    await ctx.api.rules.remove(id);
  },
};

// ------------------------------------------------------------------------------------- resource

/** One condition of a {@link Rule}. */
export interface RuleConditionArgs {
  /**
   * What to look at: `from.address`, `from.domain`, `from.tld` (any rule), `recipient.address`,
   * `recipient.domain`, `recipient.tld`, `outbound.type` (outbound rules only; `recipient.*` covers To,
   * CC, BCC and envelope recipients).
   */
  field: pulumi.Input<"from.address" | "from.domain" | "from.tld" | "recipient.address" | "recipient.domain" | "recipient.tld" | "outbound.type">;
  /** `is`, `is_not`, `contains` (a substring) or `in_list`; `outbound.type` allows only `is`/`is_not`. */
  operator: pulumi.Input<"is" | "is_not" | "contains" | "in_list">;
  /**
   * For `in_list`: a list of {@link List} ids (e.g. `[blocked.id]`; a set — order does not matter), the
   * list's type fitting the field. A List deleted outside Pulumi makes the condition match nothing:
   * `pulumi refresh` warns about it, and Nylas refuses the rule's next update until the id is fixed. For `outbound.type`: `compose` or `reply`. Otherwise one string: with
   * `is`/`is_not` an address, domain or TLD (no dot) as the field says. Matching is case-insensitive, so
   * values are lower-cased.
   */
  value: pulumi.Input<string> | pulumi.Input<pulumi.Input<string>[]>;
}

/** When a {@link Rule} applies. */
export interface RuleMatchArgs {
  /** `all` (every condition must hold) or `any`. @default "all" */
  operator?: pulumi.Input<"all" | "any">;
  /** At least one condition. Kept in the order given (re-ordering them is an in-place update). */
  conditions: pulumi.Input<pulumi.Input<RuleConditionArgs>[]>;
}

/** One action of a {@link Rule}. */
export interface RuleActionArgs {
  /**
   * `block` (inbound: rejected at SMTP; outbound: the send fails with 403 — cannot be combined with other
   * actions), `mark_as_spam`, `assign_to_folder`, `mark_as_read`, `mark_as_starred`, `archive`, `trash`.
   * `move_to_folder` is accepted as an alias and stored as `assign_to_folder`.
   */
  type: pulumi.Input<"block" | "mark_as_spam" | "assign_to_folder" | "move_to_folder" | "mark_as_read" | "mark_as_starred" | "archive" | "trash">;
  /**
   * Only for `assign_to_folder` (and required there): the folder name or path, e.g. `Clients/Acme` or
   * `Archive`; resolved when the rule runs (a missing folder is skipped). Preview warns when no
   * {@link Folder} (or Policy `options.additionalFolders`) in the program declares the path and it is
   * not a system folder; naming `folder.path` also makes Pulumi create the folder first.
   */
  value?: pulumi.Input<string>;
}

export interface RuleArgs {
  /**
   * Display name, 1–256 characters; also the key `adopt: true` finds the rule by. Updates in place.
   * @default the resource's logical name (through the native plugin: as `pulumi:autonaming` says)
   */
  name?: pulumi.Input<string>;
  /** Free-text description. Updates in place; removing it clears it. */
  description?: pulumi.Input<string>;
  /** 0–1000, lower runs first. Nylas's default is 10; when left out, whatever Nylas has is kept. Updates in place. */
  priority?: pulumi.Input<number>;
  /** Whether the rule runs. Nylas's default is true; when left out, whatever Nylas has is kept. Updates in place. */
  enabled?: pulumi.Input<boolean>;
  /**
   * `inbound` (received mail; only `from.*` fields) or `outbound` (sent mail; also `recipient.*` and
   * `outbound.type`). Nylas's default is inbound, and conditions are checked as inbound when this is
   * left out. Updates in place.
   *
   * **Outbound rules are application-wide**: Nylas evaluates every enabled outbound rule on every send
   * of every Agent Account of the application, whether or not the sender's workspace lists the rule in
   * `ruleIds` (only inbound rules are scoped by workspaces). `check` warns about each enabled one.
   */
  trigger?: pulumi.Input<"inbound" | "outbound">;
  /** Conditions. Sent whole on every update (Nylas replaces the stored match). Updates in place. */
  match: pulumi.Input<RuleMatchArgs>;
  /** At least one action, kept in the order given. Sent whole on every update. Updates in place. */
  actions: pulumi.Input<pulumi.Input<RuleActionArgs>[]>;
  /** Take over an existing rule instead of creating one: its id, or `true` to find it by name. */
  adopt?: pulumi.Input<string | boolean>;
}

/**
 * A Nylas rule. Nothing replaces it: every field updates in place. An inbound rule runs only for
 * accounts of a {@link Workspace} whose `ruleIds` include it; an enabled outbound rule runs for every
 * Agent Account of the application, whatever workspaces list it.
 *
 * @example
 * const blocked = new nylas.List("blocked", { type: "domain", items: ["spam.example"] });
 * const rule = new nylas.Rule("block-listed", {
 *   name: "block listed senders",
 *   match: { conditions: [{ field: "from.domain", operator: "in_list", value: [blocked.id] }] },
 *   actions: [{ type: "block" }],
 * });
 */
export class Rule extends NylasResource {
  declare readonly name: pulumi.Output<string>;
  declare readonly description: pulumi.Output<string | undefined>;
  declare readonly priority: pulumi.Output<number>;
  declare readonly enabled: pulumi.Output<boolean>;
  declare readonly trigger: pulumi.Output<"inbound" | "outbound">;
  declare readonly match: pulumi.Output<{ operator: "all" | "any"; conditions: RuleCondition[] }>;
  declare readonly actions: pulumi.Output<RuleAction[]>;
  declare readonly createdAt: pulumi.Output<number>;

  constructor(name: string, args: RuleArgs, opts?: pulumi.CustomResourceOptions) {
    super("Rule", name, args, ["priority", "enabled", "trigger", "createdAt"], opts);
    // Preview warns about an assign_to_folder path no declared Folder matches (no API call).
    declareFolderTargets(this, args.name ?? name, args.actions);
  }
}
