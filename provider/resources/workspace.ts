import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { WorkspaceWire } from "../api";
import { NylasNotFoundError, NylasValidationError } from "../client";
import { ObjectGoneError, type Context, type ResourceDefinition } from "../lifecycle";
import { displayName, domainName, objectId, stringSet } from "../schema";
import { NylasResource } from "./base";

/**
 * Nylas Workspaces: the only attachment point for policies and rules (Nylas API v3, Workspaces). Two resources:
 * - `Workspace`: a workspace the stack creates, for one email domain (one per application + domain)
 *   or, since 2026-09-24, for no domain at all (accounts are then placed in it by `workspaceId`).
 * - `DefaultWorkspace`: the application's Nylas-managed default workspace, adopted, never created or
 *   deleted; only its policy and rules are managed, and destroy puts back what it had before.
 * API: `ctx.api.workspaces` (/v3/workspaces: POST create, PATCH update, DELETE). `auto_group` is always
 * sent at create (Nylas's default changed from true to false in 2026-09): new accounts join a workspace
 * automatically only when it asks for it.
 *
 * Attachments are declarative: `policyId`/`ruleIds` say exactly what the workspace has. Removing one
 * that was set (or that someone attached by hand) detaches it with `policy_id: null` / `rule_ids: []`
 * — never `""`, which Nylas refuses.
 */

// ------------------------------------------------------------------------------------ input schema

const policyIdSchema = () => objectId("Policy").optional();
/** A set of rule ids; empty means "no rules", the same as leaving it out. */
const ruleIdsSchema = () =>
  stringSet(objectId("Rule"), "Rule ids")
    .transform((ids) => (ids.length ? ids : undefined))
    .optional();

const workspaceSchema = z
  .strictObject({
    name: displayName(256),
    domain: domainName().optional(),
    autoGroup: z.boolean({ error: "must be true or false" }).optional(),
    policyId: policyIdSchema(),
    ruleIds: ruleIdsSchema(),
  })
  .superRefine((w, ctx) => {
    // Nylas refuses it (400): only a domain tells it which new accounts to collect.
    if (w.autoGroup === true && w.domain === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["autoGroup"],
        message: "needs a domain: a workspace without one never collects new accounts automatically; set domain, or place accounts with AgentAccount.workspaceId",
      });
    }
  });

const defaultWorkspaceSchema = z.strictObject({
  policyId: policyIdSchema(),
  ruleIds: ruleIdsSchema(),
});

export type WorkspaceInputs = z.infer<typeof workspaceSchema>;
export type DefaultWorkspaceInputs = z.infer<typeof defaultWorkspaceSchema>;

/** Policy and rules as attached now. */
interface Attachments {
  [key: string]: unknown;
  policyId?: string;
  ruleIds?: string[];
}

export interface WorkspaceOutputs extends Attachments {
  name: string;
  /** Absent for a domain-less workspace (Nylas says null, "" or nothing). */
  domain?: string;
  /** As Nylas applies it (sent at create; `false` unless declared). */
  autoGroup: boolean;
  createdAt?: number;
}

export interface DefaultWorkspaceOutputs extends Attachments {
  /** The policy the default workspace had before Pulumi managed it (restored on destroy). */
  originalPolicyId?: string;
  /** The rules it had before (restored on destroy); always present, `[]` for none. */
  originalRuleIds: string[];
  createdAt?: number;
}

// ------------------------------------------------------------------------------------- mapping

function attachmentsOf(w: WorkspaceWire): Attachments {
  const rules = [...new Set(w.rule_ids ?? [])].sort();
  return {
    ...(w.policy_id ? { policyId: w.policy_id } : {}),
    ...(rules.length ? { ruleIds: rules } : {}),
  };
}

/**
 * The attachment part of a PATCH body: only what changes. A removed policy is detached with `null`
 * (Nylas refuses `""`); removed rules with `[]`.
 */
function attachmentChanges(olds: Attachments, news: Attachments): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if ((news.policyId ?? null) !== (olds.policyId ?? null)) body.policy_id = news.policyId ?? null;
  if (JSON.stringify(news.ruleIds ?? []) !== JSON.stringify(olds.ruleIds ?? [])) body.rule_ids = news.ruleIds ?? [];
  return body;
}

/** The ids among `policyId`/`ruleIds` whose objects no longer exist (deleted outside Pulumi). */
async function missingReferences(ctx: Context, a: Attachments): Promise<{ policy?: string; rules: string[] }> {
  const out: { policy?: string; rules: string[] } = { rules: [] };
  if (a.policyId && !(await ctx.api.policies.get(a.policyId))) out.policy = a.policyId;
  if (a.ruleIds?.length) {
    // One paged listing instead of a GET per rule: a workspace may carry hundreds of rules.
    const existing = new Set((await ctx.api.rules.list()).map((r) => r.id));
    out.rules = a.ruleIds.filter((id) => !existing.has(id));
  }
  return out;
}

/**
 * Warns when a workspace points at a policy or rules that no longer exist. Nylas keeps such a
 * dangling id and applies nothing for it, so the accounts silently lose their limits or rules; the
 * read reports the ids as they are (refresh shows the truth) and says what to do.
 */
async function warnDangling(ctx: Context, what: string, a: Attachments): Promise<void> {
  const missing = await missingReferences(ctx, a);
  const parts = [
    ...(missing.policy ? [`policy ${missing.policy}`] : []),
    ...(missing.rules.length ? [`rule${missing.rules.length > 1 ? "s" : ""} ${missing.rules.join(", ")}`] : []),
  ];
  if (parts.length === 0) return;
  ctx.warn(
    `${what} points at ${parts.join(" and ")} that no longer exist (deleted outside Pulumi?), so nothing is ` +
      "enforced for them. Run `pulumi refresh` then `pulumi up` to recreate " +
      "and re-attach them, or remove them from policyId/ruleIds.",
  );
}

// ------------------------------------------------------------------------------ Workspace lifecycle

/** The create body: `auto_group` always explicit, so Nylas's default (which has changed) never decides. */
function toWire(inputs: WorkspaceInputs): Record<string, unknown> {
  return {
    name: inputs.name,
    ...(inputs.domain !== undefined ? { domain: inputs.domain } : {}),
    auto_group: inputs.autoGroup ?? false,
    ...(inputs.policyId ? { policy_id: inputs.policyId } : {}),
    ...(inputs.ruleIds ? { rule_ids: inputs.ruleIds } : {}),
  };
}

function toOutputs(w: WorkspaceWire): WorkspaceOutputs {
  return {
    name: w.name ?? "",
    ...(w.domain ? { domain: w.domain.toLowerCase() } : {}),
    autoGroup: w.auto_group ?? false,
    ...attachmentsOf(w),
    ...(w.created_at ? { createdAt: w.created_at } : {}),
  };
}

export const workspaceDefinition: ResourceDefinition<WorkspaceInputs, WorkspaceOutputs> = {
  type: "Workspace",
  autoName: "name",
  inputs: workspaceSchema,
  // Nylas can neither change a domain nor add one to a domain-less workspace.
  replaceOnChange: ["domain"],
  // One workspace per application and domain: the replacement's create would be refused.
  deleteBeforeReplace: true,
  computed: ["autoGroup"],
  describe: (i) => (i.domain !== undefined ? `domain ${i.domain}` : `name "${i.name}" (no domain)`),

  async create(ctx, inputs) {
    const w = await ctx.api.workspaces.create(toWire(inputs));
    return { id: w.workspace_id, outs: toOutputs(w) };
  },

  // A domain identifies a workspace; a domain-less one is found by its name among the domain-less.
  async find(ctx, inputs) {
    const w = inputs.domain !== undefined ? await ctx.api.workspaces.findByDomain(inputs.domain) : await ctx.api.workspaces.findDomainless(inputs.name);
    return w && { id: w.workspace_id, outs: toOutputs(w) };
  },

  async read(ctx, id) {
    const w = await ctx.api.workspaces.read(id);
    if (!w) return undefined;
    if (w.default) {
      throw new Error(`Nylas workspace ${id} is the application's default workspace; manage it with DefaultWorkspace, not Workspace`);
    }
    const outs = toOutputs(w);
    await warnDangling(ctx, `Nylas Workspace ${id} (${outs.domain !== undefined ? `domain ${outs.domain}` : "no domain"})`, outs);
    return outs;
  },

  async update(ctx, id, olds, news) {
    if ((olds.domain ?? undefined) !== news.domain) {
      // Only reachable through `adopt` (a domain change is a replace): Nylas cannot change it.
      const has = olds.domain ? `has domain ${olds.domain}` : "has no domain";
      const wants = news.domain ? `not ${news.domain}` : "but none is declared";
      const fix = olds.domain ? `declare domain "${olds.domain}"` : "leave domain out";
      throw new Error(`workspace ${id} ${has}, ${wants}; a workspace's domain cannot be changed, added or removed — ${fix} or remove adopt`);
    }
    const body: Record<string, unknown> = { name: news.name, ...attachmentChanges(olds, news) };
    if (news.autoGroup !== undefined && news.autoGroup !== olds.autoGroup) body.auto_group = news.autoGroup;
    return toOutputs(await ctx.api.workspaces.update(id, body));
  },

  async delete(ctx, id) {
    // Its accounts keep working and move to the default workspace.
    await ctx.api.workspaces.remove(id);
  },
};

// ----------------------------------------------------------------------- DefaultWorkspace lifecycle

/** The application's default workspace, as the application names it (its `default_workspace_id`). */
async function defaultWorkspace(ctx: Context): Promise<WorkspaceWire> {
  const app = await ctx.api.applications.current().catch((e) => {
    // An API without the application object (or refusing it to this key) still flags the default in the list.
    if (e instanceof NylasNotFoundError || e instanceof NylasValidationError) return undefined;
    throw e;
  });
  const w = await ctx.api.workspaces.findDefault(app?.default_workspace_id ?? undefined);
  if (!w) {
    throw new Error(
      "this Nylas application has no default workspace (applications created before workspaces existed may have none); " +
        "remove the DefaultWorkspace resource, or attach the policy and rules to a Workspace instead",
    );
  }
  return w;
}

/** Outputs of the default workspace; the originals come from `olds` once captured, else from now. */
function defaultOutputs(w: WorkspaceWire, olds: Partial<DefaultWorkspaceOutputs>): DefaultWorkspaceOutputs {
  const now = attachmentsOf(w);
  const captured = Array.isArray(olds.originalRuleIds);
  const originalPolicyId = captured ? olds.originalPolicyId : now.policyId;
  return {
    ...now,
    ...(originalPolicyId ? { originalPolicyId } : {}),
    originalRuleIds: captured ? [...olds.originalRuleIds!] : (now.ruleIds ?? []),
    ...(w.created_at ? { createdAt: w.created_at } : {}),
  };
}

export const defaultWorkspaceDefinition: ResourceDefinition<DefaultWorkspaceInputs, DefaultWorkspaceOutputs> = {
  type: "DefaultWorkspace",
  inputs: defaultWorkspaceSchema,
  describe: () => "default workspace",

  // "Create" adopts: the default workspace always exists. What it had is remembered for destroy.
  async create(ctx, inputs) {
    const w = await defaultWorkspace(ctx);
    const found = defaultOutputs(w, {});
    return { id: w.workspace_id, outs: await defaultWorkspaceDefinition.update(ctx, w.workspace_id, found, inputs) };
  },

  async find(ctx) {
    const w = await defaultWorkspace(ctx);
    return { id: w.workspace_id, outs: defaultOutputs(w, {}) };
  },

  async read(ctx, id, olds) {
    const w = await ctx.api.workspaces.get(id);
    if (!w) return undefined;
    // An answer may leave the flag out; only an explicit `false` says it is another workspace.
    if (w.default === false) throw new Error(`Nylas workspace ${id} is not the application's default workspace; manage it with Workspace`);
    const outs = defaultOutputs(w, olds);
    await warnDangling(ctx, `the default Nylas workspace ${id}`, outs);
    return outs;
  },

  async update(ctx, id, olds, news) {
    // Only policy_id and rule_ids may change on the default workspace (anything else is a 400).
    const body = attachmentChanges(olds, news);
    const w = Object.keys(body).length ? await ctx.api.workspaces.update(id, body) : await ctx.api.workspaces.get(id);
    if (!w) throw new ObjectGoneError(`the default Nylas workspace ${id} was not found`);
    return defaultOutputs(w, olds);
  },

  // "Delete" puts back the policy and rules it had before Pulumi managed it; the workspace stays.
  async delete(ctx, id, olds) {
    const original: Attachments = { policyId: olds.originalPolicyId, ruleIds: olds.originalRuleIds ?? [] };
    const missing = await missingReferences(ctx, original);
    if (missing.policy || missing.rules.length) {
      ctx.warn(
        `restoring the default Nylas workspace ${id}: ${[...(missing.policy ? [`policy ${missing.policy}`] : []), ...missing.rules.map((r) => `rule ${r}`)].join(", ")} ` +
          "it had before no longer exist; restoring without them",
      );
    }
    await ctx.api.workspaces.update(id, {
      policy_id: missing.policy ? null : (original.policyId ?? null),
      rule_ids: (original.ruleIds ?? []).filter((r) => !missing.rules.includes(r)),
    });
  },
};

// ------------------------------------------------------------------------------------- resources

export interface WorkspaceArgs {
  /**
   * Display name, 1–256 characters. Updates in place.
   * @default the resource's logical name (through the native plugin: as `pulumi:autonaming` says)
   */
  name?: pulumi.Input<string>;
  /**
   * Email domain whose accounts the workspace groups, e.g. `agents.example.com` (trimmed, lower-cased).
   * One workspace per application and domain. Leave it out for a domain-less workspace (since
   * 2026-09-24): it collects no accounts by itself; accounts of any domain are placed in it with
   * {@link AgentAccount} `workspaceId` (a grant update, no domain check). Nylas can neither change a
   * domain nor add one later, so changing, adding or removing it replaces the workspace (the old one is
   * deleted first; its accounts move to the default workspace meanwhile, and accounts that declare the
   * workspace's id move into the new one in the same `up`).
   * @default none (a domain-less workspace)
   */
  domain?: pulumi.Input<string>;
  /**
   * Put new accounts of `domain` into this workspace automatically (only with a `domain`: Nylas refuses
   * `true` without one, and so does `check`). Nylas lets accounts be placed in a
   * workspace by hand (manual-assign) only when this is `false`; an {@link AgentAccount}'s `workspaceId`
   * works either way (it moves the grant with a grant update). Updates in place.
   * @default false — sent explicitly at create; when removed later, whatever Nylas has is kept
   */
  autoGroup?: pulumi.Input<boolean>;
  /**
   * Id of the {@link Policy} for the workspace's accounts. Updates in place; removing it detaches the
   * policy (also one attached by hand).
   */
  policyId?: pulumi.Input<string>;
  /**
   * Ids of the {@link Rule}s for the workspace's accounts; a set (order and duplicates do not matter,
   * hundreds are fine). Updates in place; removing one detaches it.
   */
  ruleIds?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Take over an existing workspace instead of creating one: its id, or `true` to find it by domain
   * (a domain-less one by its name, among the domain-less).
   */
  adopt?: pulumi.Input<string | boolean>;
}

/**
 * A Nylas workspace: groups agent accounts — those of one email domain, or, without a domain, the ones
 * placed in it — and applies a policy and rules to them. Destroying it moves its accounts to the
 * default workspace.
 *
 * @example
 * // Accounts of any domain, placed by workspaceId:
 * const tier = new nylas.Workspace("premium", { name: "Premium agents", policyId: premium.id });
 * new nylas.AgentAccount("vip", { email: "vip@agents.example.com", workspaceId: tier.id });
 *
 * @example
 * const ws = new nylas.Workspace("agents", {
 *   domain: "agents.example.com",
 *   policyId: policy.id,
 *   ruleIds: [blockRule.id],
 * });
 */
export class Workspace extends NylasResource {
  declare readonly name: pulumi.Output<string>;
  declare readonly domain: pulumi.Output<string | undefined>;
  declare readonly autoGroup: pulumi.Output<boolean>;
  declare readonly policyId: pulumi.Output<string | undefined>;
  declare readonly ruleIds: pulumi.Output<string[] | undefined>;
  declare readonly createdAt: pulumi.Output<number>;

  constructor(name: string, args: WorkspaceArgs, opts?: pulumi.CustomResourceOptions) {
    super("Workspace", name, args, ["domain", "autoGroup", "policyId", "ruleIds", "createdAt"], opts);
  }
}

export interface DefaultWorkspaceArgs {
  /** Id of the {@link Policy} for accounts in the default workspace. Updates in place; removing it detaches it. */
  policyId?: pulumi.Input<string>;
  /** Ids of the {@link Rule}s for accounts in the default workspace (a set). Updates in place. */
  ruleIds?: pulumi.Input<pulumi.Input<string>[]>;
}

/**
 * The application's default workspace (where accounts go when no domain workspace matches). It is
 * never created or deleted: Pulumi adopts it, manages only its policy and rules, and on destroy puts
 * back the policy and rules it had before. Declare at most one per application. Its name and
 * auto-grouping cannot be changed (Nylas refuses), so they are not inputs.
 *
 * @example
 * new nylas.DefaultWorkspace("default", { policyId: policy.id, ruleIds: [blockRule.id] });
 */
export class DefaultWorkspace extends NylasResource {
  declare readonly policyId: pulumi.Output<string | undefined>;
  declare readonly ruleIds: pulumi.Output<string[] | undefined>;
  /** What destroy restores. */
  declare readonly originalPolicyId: pulumi.Output<string | undefined>;
  declare readonly originalRuleIds: pulumi.Output<string[]>;
  declare readonly createdAt: pulumi.Output<number>;

  constructor(name: string, args: DefaultWorkspaceArgs = {}, opts?: pulumi.CustomResourceOptions) {
    super("DefaultWorkspace", name, args, ["policyId", "ruleIds", "originalPolicyId", "originalRuleIds", "createdAt"], opts);
  }
}
