import { z } from "zod";
import { NylasApiError, type NylasClient } from "../client";
import { Collection } from "./base";

/** `/v3/policies` (Nylas API v3 Policies): cursor pages; PUT replaces nested objects; a write may answer sparsely. */

export const policyWire = z.looseObject({
  id: z.string(),
  name: z.string(),
  limits: z.record(z.string(), z.unknown()).nullish(),
  spam_detection: z.record(z.string(), z.unknown()).nullish(),
  options: z.record(z.string(), z.unknown()).nullish(),
  created_at: z.number().nullish(),
});
export type PolicyWire = z.infer<typeof policyWire>;

export class Policies extends Collection<typeof policyWire> {
  constructor(client: NylasClient) {
    super(client, {
      noun: "policy",
      plural: "policies",
      all: "/v3/policies",
      one: "/v3/policies/{id}",
      idField: "id",
      wire: policyWire,
      paging: "cursor",
      updateVerb: "PUT",
      listedReads: true,
      // Limits come back resolved against the plan (omitted ones filled in): only Nylas knows them.
      readBack: (answer) => answer.limits === undefined || answer.spam_detection === undefined,
    });
  }

  override async create(body: Record<string, unknown>): Promise<PolicyWire> {
    return super.create(body).catch((e) => Promise.reject(explainPlanRefusal(e, body)));
  }

  override async update(id: string, body: Record<string, unknown>): Promise<PolicyWire> {
    return super.update(id, body).catch((e) => Promise.reject(explainPlanRefusal(e, body)));
  }

  /** The policy named `name`; several of that name are an error. */
  async findByName(name: string): Promise<PolicyWire | undefined> {
    return this.findOne(await this.list(), (p) => p.name === name, `are named "${name}"`);
  }
}

/** Input names of the wire options, for messages. */
const OPTION_INPUTS: Record<string, string> = { additional_folders: "options.additionalFolders", use_cidr_aliasing: "options.useCidrAliasing" };

/**
 * Policy options are plan-gated: a plan without them refuses the policy (400 or 403; the message names
 * the option or the plan). Said once, first, as what it is — with Nylas's own words kept after it.
 */
function explainPlanRefusal(e: unknown, body: Record<string, unknown>): unknown {
  const options = body.options as Record<string, unknown> | undefined;
  const sent = Object.keys(options ?? {}).filter((k) => options![k] !== undefined && options![k] !== null);
  if (sent.length === 0 || !(e instanceof NylasApiError) || (e.status !== 400 && e.status !== 403) || !/option|plan|additional_folders|cidr/i.test(e.apiMessage)) return e;
  const names = sent.map((k) => OPTION_INPUTS[k] ?? `options.${k}`).join(" and ");
  e.message =
    `the organization's Nylas plan does not allow ${names}: policy options are plan-gated (the Full Platform plan has them); ` +
    `remove options from the Policy, or upgrade the plan. Nylas said: ${e.message}`;
  return e;
}
