import { z } from "zod";
import { NylasResponseShapeError, type NylasClient } from "../client";
import { Collection } from "./base";

/**
 * The Nylas IAM API (developer.nylas.com/docs/reference/api/iam-principals/ and …/iam-credentials/):
 * `/v3/iam/principals` and each principal's `/credentials`, called with the Organization-bound IAM API key
 * (never the application key). Cursor pages; PATCH. Bodies are strict at Nylas — unknown fields, `null`s and
 * empty PATCH bodies are refused — so callers build them from declared values only. A credential's secret is
 * in its create answer and nowhere else.
 */

export const principalWire = z.looseObject({
  id: z.string(),
  organization_id: z.string().nullish(),
  name: z.string().nullish(),
  description: z.string().nullish(),
  status: z.string().nullish(),
  roles: z.array(z.string()).nullish(),
  direct_permissions: z.array(z.string()).nullish(),
  // Member names inferred ({type, id}); an Organization binding may come back without its id (variance I7).
  resource_binding: z.looseObject({ type: z.string(), id: z.string().nullish() }).nullish(),
  created_at: z.number().nullish(),
});
export type PrincipalWire = z.infer<typeof principalWire>;

export const credentialWire = z.looseObject({
  id: z.string(),
  principal_id: z.string().nullish(),
  type: z.string().nullish(),
  name: z.string().nullish(),
  status: z.string().nullish(),
  expires_at: z.number().nullish(),
  created_at: z.number().nullish(),
});
export type CredentialWire = z.infer<typeof credentialWire>;

/** Whether a write's answer lacks a field the resource reports (then it is read back). */
const lacksAny = (fields: readonly string[]) => (answer: Record<string, unknown>) => fields.some((f) => answer[f] === undefined);

export interface BindingWire {
  type: string;
  id?: string;
}

export class IamPrincipals extends Collection<typeof principalWire> {
  constructor(client: NylasClient) {
    super(client, {
      noun: "IAM principal",
      plural: "IAM principals",
      all: "/v3/iam/principals",
      one: "/v3/iam/principals/{id}",
      idField: "id",
      wire: principalWire,
      paging: "cursor",
      updateVerb: "PATCH",
      auth: "iamApiKey",
      // A PATCH may answer only what it changed (variance I13): read back what the resource reports.
      readBack: lacksAny(["name", "status", "roles", "direct_permissions", "resource_binding"]),
    });
  }

  /** The principals bound to `binding` (filtered by Nylas when the binding has an id, else by type here). */
  async boundTo(binding: BindingWire): Promise<PrincipalWire[]> {
    const all = binding.id
      ? await this.list({ resource_binding_type: binding.type, resource_binding_id: binding.id })
      : await this.list();
    return all.filter((p) => p.resource_binding?.type === binding.type && (!binding.id || !p.resource_binding.id || p.resource_binding.id === binding.id));
  }

  /** The principal named `name` on `binding`, leaving out `exclude`; several are an error. */
  async findByName(name: string, binding: BindingWire, exclude?: ReadonlySet<string>): Promise<PrincipalWire | undefined> {
    const bound = await this.boundTo(binding);
    return this.findOne(bound, (p) => !exclude?.has(p.id) && (p.name ?? "").trim() === name, `on ${binding.type}${binding.id ? ` ${binding.id}` : ""} are named "${name}"`);
  }
}

/** Where the one-time secret sits in a credential's create answer: `data.secret` (inferred), or another member (variance I4). */
const SECRET_MEMBERS = ["secret", "api_key", "key"] as const;
const createdAnswer = z.looseObject({
  data: z.record(z.string(), z.unknown()).nullish(),
  secret: z.string().nullish(),
  api_key: z.string().nullish(),
});

/** The credentials of one principal: `/v3/iam/principals/{principal_id}/credentials`. */
export class IamCredentials extends Collection<typeof credentialWire> {
  constructor(client: NylasClient, readonly principalId: string) {
    const all = `/v3/iam/principals/${encodeURIComponent(principalId)}/credentials`;
    super(client, {
      noun: "IAM credential",
      plural: "IAM credentials",
      all,
      one: `${all}/{id}`,
      idField: "id",
      wire: credentialWire,
      paging: "cursor",
      updateVerb: "PATCH",
      auth: "iamApiKey",
      readBack: lacksAny(["name", "status", "expires_at"]),
    });
  }

  /**
   * Creates a credential and returns it with its secret — the only time Nylas shows the secret. An
   * answer without one leaves a key nobody can use: it is deleted again and the create reported failed.
   */
  async createWithSecret(body: Record<string, unknown>): Promise<{ credential: CredentialWire; secret: string }> {
    const r = await this.call({ method: "POST", path: this.spec.all, params: {}, body, answer: createdAnswer });
    const data = this.sparse.parse(r.data ?? {}) as Record<string, unknown>;
    const secret = [...SECRET_MEMBERS.map((m) => data[m]), r.secret, r.api_key].find((v): v is string => typeof v === "string" && v !== "");
    for (const m of SECRET_MEMBERS) delete data[m];
    const credential = await this.settle(undefined, data as Partial<CredentialWire>);
    if (!secret) {
      await this.remove(credential.id);
      throw new NylasResponseShapeError("POST", this.spec.all, [
        `no secret in the answer (looked for data.${SECRET_MEMBERS.join(", data.")} and a top-level secret or api_key); the credential ${credential.id} could not be used and was deleted again`,
      ]);
    }
    return { credential, secret };
  }

  /** The credential named `name`, leaving out `exclude`; several are an error. */
  async findByName(name: string, exclude?: ReadonlySet<string>): Promise<CredentialWire | undefined> {
    return this.findOne(await this.list(), (c) => !exclude?.has(c.id) && (c.name ?? "").trim() === name, `of principal ${this.principalId} are named "${name}"`);
  }
}
