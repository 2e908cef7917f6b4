import { z } from "zod";
import type { NylasClient } from "../client";
import { Collection } from "./base";

/**
 * `/v3/workspaces` (Nylas API v3 Workspaces): one unpaged list; PATCH; the id field is `workspace_id`. A
 * domain-less workspace reads `domain` as null, "" or absent — all "no domain".
 */

export const workspaceWire = z.looseObject({
  workspace_id: z.string(),
  name: z.string().nullish(),
  domain: z.string().nullish(),
  auto_group: z.boolean().nullish(),
  policy_id: z.string().nullish(),
  rule_ids: z.array(z.string()).nullish(),
  default: z.boolean().nullish(),
  created_at: z.number().nullish(),
});
export type WorkspaceWire = z.infer<typeof workspaceWire>;

const assignWire = z.looseObject({
  workspace_id: z.string().nullish(),
  // `null` (not `[]`) when nothing changed.
  grants_assigned: z.array(z.string()).nullish(),
  grants_removed: z.array(z.string()).nullish(),
});

export class Workspaces extends Collection<typeof workspaceWire> {
  constructor(client: NylasClient) {
    super(client, {
      noun: "workspace",
      plural: "workspaces",
      all: "/v3/workspaces",
      one: "/v3/workspaces/{id}",
      idField: "workspace_id",
      wire: workspaceWire,
      paging: "unpaged",
      updateVerb: "PATCH",
      listedReads: true,
    });
  }

  /** The (non-default) workspace of `domain`: Nylas allows one per application and domain. */
  async findByDomain(domain: string): Promise<WorkspaceWire | undefined> {
    return (await this.list()).find((w) => !w.default && (w.domain ?? "").toLowerCase() === domain);
  }

  /** The domain-less (non-default) workspace named `name`; names are not unique, so several are an error. */
  async findDomainless(name: string): Promise<WorkspaceWire | undefined> {
    return this.findOne(await this.list(), (w) => !w.default && !w.domain && w.name === name, `without a domain are named "${name}"`);
  }

  /**
   * The application's default workspace: the one the application names (`default_workspace_id`, its
   * setting), else the one the list flags `default` (the application may leave the field out when it
   * has none, and older answers may lack it); `undefined` for applications older than workspaces.
   */
  async findDefault(applicationDefaultId?: string): Promise<WorkspaceWire | undefined> {
    if (applicationDefaultId) {
      const w = await this.get(applicationDefaultId);
      if (w) return w;
    }
    return (await this.list()).find((w) => w.default === true);
  }

  /**
   * Puts grants into the workspace (from wherever they are). Nylas allows it only into a workspace with
   * `auto_group: false`. Assigning twice leaves a grant where the first did: safe to retry. Returns the
   * ids Nylas says it moved (none: `[]`).
   */
  async assign(workspaceId: string, grantIds: readonly string[]): Promise<string[]> {
    const r = await this.call({
      method: "POST",
      path: "/v3/workspaces/{id}/manual-assign",
      params: { id: workspaceId },
      body: { assign_grants: grantIds },
      data: assignWire,
      idempotent: true,
    });
    return r.grants_assigned ?? [];
  }
}
