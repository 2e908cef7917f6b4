import { z } from "zod";
import type { NylasClient } from "../client";
import { Collection, makePath } from "./base";

/**
 * `/v3/grants/{grant_id}/signatures` (Nylas Signatures: developer.nylas.com/docs/v3/email/signatures/): HTML
 * signatures stored per account, at most 10, body at most 100 KB, sanitized by Nylas on input (so what is
 * stored may differ from what was sent). Create answers 201, PUT keeps the id, cursor pages. Deleted with
 * their account.
 */

export const MAX_SIGNATURES = 10;
export const MAX_SIGNATURE_BYTES = 100 * 1024;

export const signatureWire = z.looseObject({
  id: z.string(),
  grant_id: z.string().nullish(),
  name: z.string(),
  body: z.string(),
  created_at: z.number().nullish(),
  updated_at: z.number().nullish(),
});
export type SignatureWire = z.infer<typeof signatureWire>;

export class Signatures extends Collection<typeof signatureWire> {
  constructor(client: NylasClient, readonly grantId: string) {
    const all = makePath("/v3/grants/{grant}/signatures", { grant: grantId });
    super(client, {
      noun: "signature",
      plural: "signatures",
      all,
      one: `${all}/{id}`,
      idField: "id",
      wire: signatureWire,
      paging: "cursor",
      updateVerb: "PUT",
      // Nylas sanitizes the body: what it stored is only in its answer, or in a read.
      readBack: (answer) => answer.body === undefined,
    });
  }

  /** The signature named `name` among `all` (names are how the provider tells them apart); several are an error. */
  named(all: readonly SignatureWire[], name: string): SignatureWire | undefined {
    return this.findOne(all, (s) => s.name === name, `of account ${this.grantId} are named "${name}"`, "delete or rename all but one: Pulumi tells an account's signatures apart by name");
  }
}
