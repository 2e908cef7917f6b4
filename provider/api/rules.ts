import { z } from "zod";
import { NylasValidationError, type NylasClient } from "../client";
import { Collection } from "./base";

/**
 * `/v3/rules` (Nylas API v3 Rules). The list answers a nested envelope, `data: {items, next_cursor}`, with
 * `items: null` when there are no rules; the client's cursor reader takes it and the flat forms. A PUT
 * may answer only some fields and no id.
 */

export const ruleWire = z.looseObject({
  id: z.string(),
  name: z.string(),
  description: z.string().nullish(),
  priority: z.number().nullish(),
  enabled: z.boolean().nullish(),
  trigger: z.string().nullish(),
  match: z.looseObject({
    operator: z.string().nullish(),
    conditions: z.array(z.looseObject({ field: z.string(), operator: z.string(), value: z.union([z.string(), z.array(z.string())]) })),
  }),
  actions: z.array(z.looseObject({ type: z.string(), value: z.string().nullish() })),
  created_at: z.number().nullish(),
});
export type RuleWire = z.infer<typeof ruleWire>;

export class Rules extends Collection<typeof ruleWire> {
  constructor(client: NylasClient) {
    super(client, {
      noun: "rule",
      plural: "rules",
      all: "/v3/rules",
      one: "/v3/rules/{id}",
      idField: "id",
      wire: ruleWire,
      paging: "cursor",
      updateVerb: "PUT",
      listedReads: true,
      // Fields Nylas defaults when a request leaves them out: only Nylas knows their value.
      readBack: (answer) => ["priority", "enabled", "trigger"].some((f) => answer[f] === undefined || answer[f] === null),
    });
  }

  override async create(body: Record<string, unknown>): Promise<RuleWire> {
    return super.create(body).catch((e) => Promise.reject(explainListRefusal(e, body)));
  }

  override async update(id: string, body: Record<string, unknown>): Promise<RuleWire> {
    return super.update(id, body).catch((e) => Promise.reject(explainListRefusal(e, body)));
  }

  /** The rule named `name`; several of that name are an error. */
  async findByName(name: string): Promise<RuleWire | undefined> {
    return this.findOne(await this.list(), (r) => r.name === name, `are named "${name}"`);
  }
}

/**
 * Nylas refuses `in_list` ids that name no list (or a list of the wrong type) with a 400. Most often the
 * list was deleted outside Pulumi; say so next to Nylas's own message.
 */
function explainListRefusal(e: unknown, body: Record<string, unknown>): unknown {
  const conditions = (body.match as { conditions?: Array<{ operator?: string }> } | undefined)?.conditions ?? [];
  if (conditions.some((c) => c.operator === "in_list") && e instanceof NylasValidationError && /list/i.test(e.apiMessage)) {
    e.message +=
      ". Every in_list value must be the id of an existing List whose type fits the field (address lists for *.address, " +
      "domain lists for *.domain, tld lists for *.tld); was the List deleted outside Pulumi? `pulumi refresh` then `pulumi up` recreates a managed List";
  }
  return e;
}
