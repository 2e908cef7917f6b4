import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ITEMS_PER_REQUEST, type ListWire } from "../api";
import { ObjectGoneError, PartialCreateError, type Context, type ResourceDefinition } from "../lifecycle";
import { displayName, isDomain, isEmail, oneOf } from "../schema";
import { NylasResource } from "./base";

/**
 * Nylas List: a named set of domains, top-level domains or email addresses that rules match with the
 * `in_list` operator (`Rule` conditions reference lists by id).
 * API: `ctx.api.lists` (/v3/lists: POST create, PUT name/description, DELETE cascades to items; its
 * items: GET pages, POST/DELETE `{items: [...]}` in batches of at most 1,000 values).
 * Items are not part of the list object: they are reconciled as a set, never by replacing the list.
 */

// ------------------------------------------------------------------------------------ input schema

export const LIST_TYPES = ["domain", "tld", "address"] as const;
export type ListType = (typeof LIST_TYPES)[number];

/** Values per add/remove request, as the API allows. */
export { ITEMS_PER_REQUEST };
/** Longest item the API accepts. */
export const MAX_ITEM_LENGTH = 500;

const TLD = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** A top-level domain without the dot (`xyz`, `com`, `xn--p1ai`). */
export const isTld = (s: string) => TLD.test(s) && /[a-z]/.test(s);

/** Lower-case + trim as Nylas does; a leading dot on a TLD is dropped (`.xyz` → `xyz`). */
export function normaliseItem(type: ListType | undefined, raw: string): string {
  const v = raw.trim().toLowerCase();
  return type === "tld" && v.startsWith(".") ? v.slice(1) : v;
}

const ITEM_RULES: Record<ListType, { valid: (s: string) => boolean; allowed: string }> = {
  domain: { valid: isDomain, allowed: 'must be a domain name like spam.example (this list\'s type is "domain")' },
  tld: { valid: isTld, allowed: 'must be a top-level domain like xyz, without a dot (this list\'s type is "tld")' },
  address: { valid: isEmail, allowed: 'must be an email address like someone@example.com (this list\'s type is "address")' },
};

export function validItem(type: ListType, value: string): boolean {
  return ITEM_RULES[type].valid(value);
}

const inputSchema = z
  .strictObject({
    name: displayName(256),
    description: z.string({ error: "must be a string" }).optional(),
    type: oneOf(LIST_TYPES),
    items: z
      .array(
        z
          .string({ error: "must be a string" })
          .max(MAX_ITEM_LENGTH, { error: `must be at most ${MAX_ITEM_LENGTH} characters (the API refuses longer items)` }),
        { error: "must be a list of strings" },
      )
      .optional(),
  })
  // Items are validated against the list's type, with the index the user wrote; past 10 bad items
  // one summary stands for the rest (a pasted list of 5,000 wrong values is one mistake).
  .superRefine((v, ctx) => {
    // Over-long items are already refused for their length: one message per item.
    const bad = (v.items ?? []).flatMap((raw, i) => (raw.length > MAX_ITEM_LENGTH || validItem(v.type, normaliseItem(v.type, raw)) ? [] : [i]));
    for (const i of bad.slice(0, 10)) ctx.addIssue({ code: "custom", path: ["items", i], message: ITEM_RULES[v.type].allowed });
    if (bad.length > 10) ctx.addIssue({ code: "custom", path: ["items"], message: `${bad.length - 10} more items are not valid for type "${v.type}" either` });
  })
  // A set: normalised, de-duplicated and sorted, so order and case never cause a diff. An empty
  // description reads back as none, so "" is the same as leaving it out.
  .overwrite(({ description, items, ...rest }) => ({
    ...rest,
    ...(description?.trim() ? { description: description.trim() } : {}),
    ...(items ? { items: [...new Set(items.map((s) => normaliseItem(rest.type, s)))].sort() } : {}),
  }));

export type ListInputs = z.infer<typeof inputSchema>;

export interface ListOutputs {
  [key: string]: unknown;
  name: string;
  description?: string;
  type: ListType;
  /** Only when declared: the items as Nylas has them, sorted. */
  items?: string[];
  itemsCount: number;
  createdAt?: number;
}

// ------------------------------------------------------------------------------------- mapping

function toWire(inputs: ListInputs): Record<string, unknown> {
  return { name: inputs.name, type: inputs.type, ...(inputs.description ? { description: inputs.description } : {}) };
}

function toOutputs(l: ListWire, items: string[] | undefined): ListOutputs {
  return {
    name: l.name,
    ...(l.description ? { description: l.description } : {}),
    type: l.type as ListType,
    ...(items ? { items: [...new Set(items)].sort() } : {}),
    itemsCount: l.items_count ?? items?.length ?? 0,
    ...(l.created_at ? { createdAt: l.created_at } : {}),
  };
}

/** Makes the list's items exactly `declared`: reads the current set and sends only the difference. */
async function reconcileItems(ctx: Context, id: string, declared: readonly string[]): Promise<ListWire | undefined> {
  const current = new Set(await ctx.api.lists.items(id));
  const want = new Set(declared);
  const remove = [...current].filter((v) => !want.has(v)).sort();
  const add = declared.filter((v) => !current.has(v));
  // Removals first, so a list never holds more than the larger of the old and the new set.
  const afterRemove = await ctx.api.lists.removeItems(id, remove);
  const afterAdd = await ctx.api.lists.addItems(id, add);
  return afterAdd ?? afterRemove;
}

// ------------------------------------------------------------------------------------- lifecycle

export const listDefinition: ResourceDefinition<ListInputs, ListOutputs> = {
  type: "List",
  autoName: "name",
  inputs: inputSchema,
  replaceOnChange: ["type"],
  // No deleteBeforeReplace: Nylas does not require unique list names, and `find` keys on name *and*
  // type, so the old list (of the other type) is never mistaken for the new one. Creating first means
  // rules that use the list switch to the new id before the old one is deleted.
  computed: ["items"],
  describe: (i) => `name "${i.name}"${i.type ? ` (type ${i.type})` : ""}`,

  async create(ctx, inputs) {
    const l = await ctx.api.lists.create(toWire(inputs));
    if (!inputs.items?.length) return { id: l.id, outs: toOutputs(l, inputs.items) };
    const added: string[] = [];
    let latest: ListWire | undefined;
    try {
      latest = await ctx.api.lists.addItems(l.id, inputs.items, (batch) => added.push(...batch));
    } catch (e) {
      // The list exists: have the engine record it (with the items that made it) so the next `up`
      // adds the rest instead of creating a second list.
      const err = e instanceof Error ? e : new Error(String(e));
      throw new PartialCreateError(
        l.id,
        toOutputs({ ...l, items_count: added.length }, added),
        new Error(`Nylas List ${l.id} (name "${inputs.name}") was created, but adding its items failed after ${added.length} of ${inputs.items.length}: ${err.message}; run \`pulumi up\` again to finish`),
      );
    }
    return { id: l.id, outs: toOutputs(latest ?? l, inputs.items) };
  },

  async find(ctx, inputs) {
    const l = await ctx.api.lists.findByNameAndType(inputs.name, inputs.type);
    // Items are not read here: the lifecycle passes what is found to `update`, which reconciles them.
    return l && { id: l.id, outs: toOutputs(l, undefined) };
  },

  async read(ctx, id, olds) {
    const l = await ctx.api.lists.read(id);
    if (!l) return undefined;
    // Items are read only when managed (declared): a list of 5,000 items is 25 pages.
    return toOutputs(l, olds.items !== undefined ? await ctx.api.lists.items(id) : undefined);
  },

  async update(ctx, id, olds, news) {
    if (olds.type !== undefined && olds.type !== news.type) {
      // Only reachable through adopt: a type change is otherwise a replacement.
      throw new Error(`List ${id} has type "${olds.type}" but type "${news.type}" is declared; a list's type cannot change — declare type "${olds.type}" or remove adopt to create a new list`);
    }
    let latest: ListWire | undefined;
    if (olds.name !== news.name || (olds.description ?? "") !== (news.description ?? "")) {
      // "" clears a description the user removed.
      latest = await ctx.api.lists.update(id, { name: news.name, description: news.description ?? "" });
    }
    // Reconcile against what Nylas has now, not against olds: items added by hand are removed.
    if (news.items !== undefined) latest = (await reconcileItems(ctx, id, news.items)) ?? latest;
    latest ??= await ctx.api.lists.get(id);
    if (!latest) throw new ObjectGoneError(`List ${id} was not found`);
    return toOutputs(latest, news.items);
  },

  async delete(ctx, id) {
    await ctx.api.lists.remove(id);
  },
};

// ------------------------------------------------------------------------------------- resource

export interface ListArgs {
  /**
   * Display name, 1–256 characters; also the key `adopt: true` finds the list by (with `type`). Updates in place.
   * @default the resource's logical name (through the native plugin: as `pulumi:autonaming` says)
   */
  name?: pulumi.Input<string>;
  /** Free-text description. Updates in place; removing it clears it. */
  description?: pulumi.Input<string>;
  /**
   * What the items are: `domain` (e.g. `spam.example`, for `from.domain`/`recipient.domain` rules),
   * `tld` (e.g. `xyz`, for `*.tld` rules) or `address` (e.g. `someone@example.com`, for `*.address`
   * rules). Changing this replaces the list (a new list is created first, then the old one deleted).
   */
  type: pulumi.Input<"domain" | "tld" | "address">;
  /**
   * The values, a set: trimmed, lower-cased, de-duplicated and sorted (order and case never cause a
   * diff), each valid for `type` and at most 500 characters. Any size works — they are sent in batches
   * of 1,000. Updates in place: only the difference to what Nylas has now is added/removed, so items
   * added by hand are removed on the next `up`. Leave out to not manage the items at all.
   */
  items?: pulumi.Input<pulumi.Input<string>[]>;
  /** Take over an existing list instead of creating one: its id, or `true` to find it by name and type. */
  adopt?: pulumi.Input<string | boolean>;
}

/**
 * A Nylas list of domains, TLDs or addresses, used by {@link Rule} conditions with `in_list`.
 *
 * @example
 * const blocked = new nylas.List("blocked-domains", {
 *   type: "domain",
 *   items: ["spam.example", "phish.example"],
 * });
 */
export class List extends NylasResource {
  declare readonly name: pulumi.Output<string>;
  declare readonly description: pulumi.Output<string | undefined>;
  declare readonly type: pulumi.Output<"domain" | "tld" | "address">;
  /** The items as Nylas has them (sorted); only when `items` is declared. */
  declare readonly items: pulumi.Output<string[] | undefined>;
  /** Number of items Nylas holds. */
  declare readonly itemsCount: pulumi.Output<number>;
  declare readonly createdAt: pulumi.Output<number>;

  constructor(name: string, args: ListArgs, opts?: pulumi.CustomResourceOptions) {
    super("List", name, args, ["itemsCount", "createdAt"], opts);
  }
}
