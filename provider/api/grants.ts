import { z } from "zod";
import { NylasApiError, NylasNotFoundError, NylasValidationError, type Answer, type NylasClient } from "../client";
import { Collection } from "./base";
import type { Workspaces } from "./workspaces";

/**
 * Grants and connectors (Nylas API v3 Agent Accounts). An Agent Account is a grant with provider `nylas`, created with
 * `POST /v3/connect/custom` — which, for an email that already has a grant, re-authenticates that grant
 * and answers with it. So whether an email is taken is asked of the documented grants list
 * (`GET /v3/grants?email=`, offset pages, matched here case-insensitively), never of the undocumented
 * `GET /v3/grants/{email}`; and a create answer that is an older grant is reported, not taken.
 */

export const grantWire = z.looseObject({
  id: z.string(),
  provider: z.string(),
  email: z.string().nullish(),
  name: z.string().nullish(),
  grant_status: z.string().nullish(),
  workspace_id: z.string().nullish(),
  created_at: z.number().nullish(),
});
export type GrantWire = z.infer<typeof grantWire>;

/** What `POST /v3/connect/custom` answered, and whether that is a grant which existed before the call. */
export interface CreatedGrant {
  grant: GrantWire;
  /** Nylas answered with a grant it already had (re-authenticated it) instead of making one. */
  existing: boolean;
}

const hasEmail = (email: string) => {
  const want = email.toLowerCase();
  return (g: GrantWire) => (g.email ?? "").toLowerCase() === want;
};

/** Slack for a `created_at` read against the local clock, when the answer has no `Date` header. */
const LOCAL_CLOCK_SLACK_S = 5;

export class Grants extends Collection<typeof grantWire> {
  /** Grant ids this process has read: a create that answers one of them answered an existing grant. */
  private readonly seen = new Set<string>();
  /** When this process first tried to create a grant for an email that has not been confirmed since. */
  private readonly firstAttempt = new Map<string, number>();
  /** Creates between their email check and their answer: they keep the burst's grants list alive. */
  private readonly creating = new Map<string, () => void>();

  constructor(
    client: NylasClient,
    private readonly connectors: Connectors,
    private readonly workspaces: Workspaces,
  ) {
    super(client, {
      noun: "grant",
      plural: "grants",
      all: "/v3/grants",
      one: "/v3/grants/{id}",
      idField: "id",
      wire: grantWire,
      paging: "offset",
      updateVerb: "PATCH",
      listedReads: true,
      lookupKey: (g) => g.email?.toLowerCase(),
    });
  }

  override async get(id: string): Promise<GrantWire | undefined> {
    return this.remember(await super.get(id));
  }

  override async read(id: string): Promise<GrantWire | undefined> {
    return this.remember(await super.read(id));
  }

  /**
   * The grant that has `email`, as a create asks before making one. When many creates are in flight,
   * one unfiltered list of every grant answers them all (snapshot.ts) with this process's own creates and
   * deletes laid over it; a lone create asks {@link findByEmail}. A "taken" answer from the list is confirmed
   * with `findByEmail` (the grant may have been deleted since); a grant created by someone else after the
   * list is caught by {@link createAgentAccount} (its `created_at` is older than the attempt).
   */
  async takenBy(email: string): Promise<GrantWire | undefined> {
    const key = email.toLowerCase();
    this.endCreate(key);
    const { found, listed } = await this.snapshots!.find(key, async () => {
      const g = await this.findByEmail(email);
      return g ? [g] : [];
    });
    if (found.length > 0) return listed ? this.findByEmail(email) : found[0];
    // Free: the create follows, and keeps the burst's list alive until it is answered (createAgentAccount).
    this.creating.set(key, this.snapshots!.hold());
    return undefined;
  }

  /** The one grant of `items` with `email` (case-insensitively); several are an error. */
  private pickEmail(items: readonly GrantWire[], email: string): GrantWire | undefined {
    return this.remember(this.findOne(items, hasEmail(email), `have email ${email}`));
  }

  /**
   * The grant of `email`: `GET /v3/grants?email=` over every page, matched case-insensitively (whether
   * Nylas's filter is: unconfirmed). Nylas's list filters were seen to leave out grants created in the
   * last minute or more, so a miss is confirmed on the unfiltered list (every page), as the Nylas CLI
   * does. The one place "is this address taken?" is asked, so a per-run cache can answer it later.
   */
  async findByEmail(email: string): Promise<GrantWire | undefined> {
    const found = this.pickEmail(await this.list({ email }), email) ?? this.pickEmail(await this.list(), email);
    if (found) this.firstAttempt.delete(email.toLowerCase());
    return found;
  }

  /**
   * Creates an Agent Account, making sure the `nylas` connector exists first (and repairing it once if
   * Nylas refuses because it was deleted since). Reports whether the answer is a grant that existed
   * before this process first tried to create one for the email — an id it has read, or a `created_at`
   * older than that first attempt by Nylas's own clock.
   */
  async createAgentAccount(body: { settings: { email: string }; [k: string]: unknown }): Promise<CreatedGrant> {
    const email = body.settings.email.toLowerCase();
    let answer: Answer<Partial<GrantWire>>;
    let grant: GrantWire;
    try {
      await this.connectors.ensureNylas();
      if (!this.firstAttempt.has(email)) this.firstAttempt.set(email, Date.now());
      try {
        answer = await this.postCustom(body);
      } catch (e) {
        if (!(e instanceof NylasValidationError) || !(await this.connectors.repair())) throw e;
        answer = await this.postCustom(body);
      }
      grant = await this.settle(undefined, answer.value);
    } finally {
      this.endCreate(email);
    }
    const existing = this.seen.has(grant.id) || this.olderThan(grant, this.firstAttempt.get(email)!, answer);
    this.firstAttempt.delete(email);
    this.remember(grant);
    return { grant, existing };
  }

  /** The create of `email` that {@link takenBy} checked has its answer (or failed). */
  private endCreate(email: string): void {
    this.creating.get(email)?.();
    this.creating.delete(email);
  }

  /**
   * Moves a grant into a workspace with the documented grant PATCH `workspace_id`. Where that is refused
   * or ignored (older API versions), falls back to manual-assign, which Nylas allows only into a
   * workspace with `auto_group: false`. Returns the grant as it is afterwards.
   */
  async moveToWorkspace(id: string, workspaceId: string): Promise<GrantWire> {
    let refusal: NylasApiError | undefined;
    try {
      const g = await this.update(id, { workspace_id: workspaceId });
      if (g.workspace_id === workspaceId) return g;
    } catch (e) {
      if (e instanceof NylasNotFoundError) throw await this.explainMissingWorkspace(workspaceId, e);
      if (!(e instanceof NylasValidationError)) throw e;
      refusal = e;
    }
    const w = await this.workspaces.get(workspaceId);
    if (!w) throw await this.explainMissingWorkspace(workspaceId, refusal);
    const how = refusal ? `the grant update was refused (${refusal.message})` : "the grant update did not move it";
    if (w.auto_group) {
      throw new Error(
        `moving grant ${id} to workspace ${workspaceId}: ${how}, and Nylas allows manual-assign only into a workspace with auto_group false; ` +
          "set autoGroup: false on that workspace to place accounts in it by hand",
      );
    }
    const assigned = await this.workspaces.assign(workspaceId, [id]);
    const g = await this.get(id);
    if (!g) throw new NylasNotFoundError(404, "not_found_error", `grant ${id} was not found after moving it`, undefined, "GET", `/v3/grants/${id}`);
    if (!assigned.includes(id) && g.workspace_id !== workspaceId) {
      throw new Error(`moving grant ${id} to workspace ${workspaceId}: ${how}, and manual-assign did not assign it either (it is in ${g.workspace_id ?? "no workspace"})`);
    }
    this.wrote(id, { ...g, workspace_id: workspaceId });
    return { ...g, workspace_id: workspaceId };
  }

  private postCustom(body: Record<string, unknown>): Promise<Answer<Partial<GrantWire>>> {
    return this.client.exchange({ method: "POST", path: "/v3/connect/custom", body, data: this.sparse });
  }

  /** Whether `g` was created before `since` (ms, local clock), read against Nylas's clock when it gives one. */
  private olderThan(g: GrantWire, since: number, answer: Answer<unknown>): boolean {
    if (typeof g.created_at !== "number") return false;
    const date = Date.parse(String(answer.headers.date ?? ""));
    // Nylas's time at `since`: its Date header, less the time that has passed here since then (+1 s for
    // the header's whole seconds).
    const start = Number.isNaN(date)
      ? Math.floor(since / 1000) - LOCAL_CLOCK_SLACK_S
      : Math.floor(date / 1000) - Math.ceil((Date.now() - since) / 1000) - 1;
    return g.created_at < start;
  }

  private async explainMissingWorkspace(workspaceId: string, cause: Error | undefined): Promise<Error> {
    if (cause && (await this.workspaces.get(workspaceId))) return cause;
    // The 404 is about the workspace, not the account: a plain error, so the lifecycle does not
    // report the account itself as gone.
    return new Error(
      `workspace ${workspaceId} does not exist (deleted outside Pulumi?), so the account cannot move there; set workspaceId to an ` +
        "existing workspace (for a managed Workspace, `pulumi refresh` then `pulumi up` recreates it and passes its new id)",
    );
  }

  private remember<G extends GrantWire | undefined>(g: G): G {
    if (g) this.seen.add(g.id);
    return g;
  }
}

const connectorWire = z.looseObject({ provider: z.string() });

/**
 * `/v3/connectors`: Agent Accounts need one with provider `nylas`. Checked once per api (so per
 * provider process and settings): a thousand accounts cost one list, not a thousand.
 */
export class Connectors {
  private ensured: Promise<void> | undefined;

  constructor(private readonly client: NylasClient) {}

  /** Every connector, in `limit`/`offset` pages until a short one (the CLI reads one unpaged call; both work). */
  list(): Promise<z.infer<typeof connectorWire>[]> {
    return this.client.listOffset({ path: "/v3/connectors", item: connectorWire });
  }

  /** Makes sure the `nylas` connector exists (once per api). */
  ensureNylas(): Promise<void> {
    this.ensured ??= this.makeNylas().then(
      () => undefined,
      (e) => {
        this.ensured = undefined;
        throw e;
      },
    );
    return this.ensured;
  }

  /** After a refusal that may mean the connector was deleted since: makes it again; says whether it had to. */
  async repair(): Promise<boolean> {
    this.ensured = undefined;
    const made = await this.makeNylas();
    this.ensured = Promise.resolve();
    return made;
  }

  private async hasNylas(): Promise<boolean> {
    return (await this.list()).some((c) => c.provider === "nylas");
  }

  private async makeNylas(): Promise<boolean> {
    if (await this.hasNylas()) return false;
    try {
      // One connector per provider, so repeating this POST cannot make a second one: safe to retry.
      await this.client.call({ method: "POST", path: "/v3/connectors", body: { name: "nylas", provider: "nylas" }, idempotent: true });
    } catch (e) {
      // Another process (or our own retried attempt) made it first: fine if it is there now.
      if (!(e instanceof NylasApiError && (e.status === 409 || e.status === 400)) || !(await this.hasNylas())) throw e;
    }
    return true;
  }
}
