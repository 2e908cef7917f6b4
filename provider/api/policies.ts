import { z } from "zod";
import type { NylasClient } from "../client";
import { Collection } from "./base";

/** `/v3/policies` (reference §3): cursor pages; PUT replaces nested objects; a write may answer sparsely. */

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
      // Limits come back resolved against the plan (omitted ones filled in): only Nylas knows them.
      readBack: (answer) => answer.limits === undefined || answer.spam_detection === undefined,
    });
  }

  /** The policy named `name`; several of that name are an error. */
  async findByName(name: string): Promise<PolicyWire | undefined> {
    return this.findOne(await this.list(), (p) => p.name === name, `are named "${name}"`);
  }
}
