import { isDeepStrictEqual } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { BindingWire, PrincipalWire } from "../api";
import type { ResourceDefinition } from "../lifecycle";
import { displayName, nearestKnown, objectId, oneOf } from "../schema";
import { NylasResource } from "./base";

/**
 * Nylas IAM principal (Nylas IAM: developer.nylas.com/docs/v3/auth/nylas-iam/): one API caller — a service, a
 * worker, an AI agent — with exactly one resource binding (an organization, application, workspace or grant),
 * roles and direct permissions. Its keys are {@link IamCredential}s. Managed with the Organization-bound IAM
 * API key (`nylas:iamApiKey`), never the application key.
 * API: `ctx.api.iamPrincipals` (/v3/iam/principals: POST, GET, PATCH — strict bodies: no nulls, no
 * unknown fields; arrays replace the stored set —, DELETE, which also deletes its credentials).
 *
 * What is declared is exact: roles and permissions not declared are none, so a permission added in the
 * Dashboard is drift that `pulumi up` takes away again.
 */

// ------------------------------------------------------------------------------------ catalogue

export const BINDING_TYPES = ["organization", "application", "workspace", "grant"] as const;
export type BindingType = (typeof BINDING_TYPES)[number];

/** Seen in Nylas's IAM docs. */
const ORGANIZATION_PERMISSIONS = [
  "domains.read", "domains.create", "domains.update", "domains.delete",
  "iam.principals.read", "iam.principals.create", "iam.principals.update", "iam.principals.delete",
  "iam.credentials.read", "iam.credentials.create", "iam.credentials.update", "iam.credentials.delete",
];
/** Grant data: seen (`messages.read`, `messages.send`, `threads.read`, `folders.read`, `drafts.*`, `attachments.read`, `calendars.update`, `events.delete`) and inferred by the `resource.action` rule. */
const GRANT_PERMISSIONS = [
  "messages.read", "messages.send", "messages.update", "messages.delete",
  "threads.read", "threads.update", "threads.delete",
  "folders.read", "folders.create", "folders.update", "folders.delete",
  "drafts.read", "drafts.create", "drafts.update", "drafts.delete", "drafts.send",
  "attachments.read",
  "calendars.read", "calendars.create", "calendars.update", "calendars.delete",
  "events.read", "events.create", "events.update", "events.delete",
];
/** Application administration: inferred ids. */
const APPLICATION_PERMISSIONS = ["grants", "webhooks", "policies", "rules", "lists", "workspaces"].flatMap((r) =>
  ["read", "create", "update", "delete"].map((a) => `${r}.${a}`),
);
/** Every permission id the reference names (seen or inferred); others are warned about, not refused. */
export const KNOWN_PERMISSIONS: readonly string[] = [...ORGANIZATION_PERMISSIONS, ...GRANT_PERMISSIONS, ...APPLICATION_PERMISSIONS];
const KNOWN = new Set(KNOWN_PERMISSIONS);

/** Which permissions take effect at which binding; others are stored and ignored (Nylas's Dashboard: "ignored"). */
const FITS: Record<BindingType, ReadonlySet<string>> = {
  organization: new Set(ORGANIZATION_PERMISSIONS),
  application: new Set([...GRANT_PERMISSIONS, ...APPLICATION_PERMISSIONS]),
  workspace: new Set([...GRANT_PERMISSIONS, "grants.read"]),
  grant: new Set([...GRANT_PERMISSIONS, "grants.read"]),
};

/** Nylas's system roles the reference names. Custom roles (made in the Dashboard) have other `role_…` ids. */
export const SYSTEM_ROLES = { iamAdmin: "role_system_iam_admin", messagesReader: "role_system_messages_reader" } as const;

// ------------------------------------------------------------------------------------ input schema

const PERMISSION_SYNTAX = /^[a-z][a-z_]*(\.[a-z][a-z_]*)+$/;
const ROLE_SYNTAX = /^role_[A-Za-z0-9_]{1,100}$/;

const nearestPermission = (p: string) => nearestKnown(p, KNOWN_PERMISSIONS, KNOWN);

const idSet = (item: z.ZodType<string>, what: string) =>
  z
    .array(item, { error: `must be a list of ${what}` })
    .transform((xs) => [...new Set(xs)].sort())
    .refine((xs) => xs.length <= 100, { error: `must hold at most 100 distinct ${what}` });

const permissionIds = () =>
  idSet(
    z
      .string({ error: 'each permission must be a string like "messages.read"' })
      .trim()
      .superRefine((p, ctx) => {
        if (!PERMISSION_SYNTAX.test(p)) {
          const meant = nearestPermission(p);
          ctx.addIssue({ code: "custom", message: `must be a permission id like "messages.read" (resource.action, lower-case)${meant ? `; did you mean "${meant}"?` : ""}` });
        } else if (!KNOWN.has(p)) {
          const meant = nearestPermission(p);
          if (meant) ctx.addIssue({ code: "custom", message: `is not a Nylas permission; did you mean "${meant}"?` });
        }
      }),
    "permission ids",
  );

const roleIds = () =>
  idSet(
    z
      .string({ error: 'each role must be a role id like "role_system_messages_reader"' })
      .trim()
      .regex(ROLE_SYNTAX, { error: 'must be a role id like "role_system_messages_reader" (system roles) or the role_… id of a custom role from the Dashboard' }),
    "role ids",
  );

const bindingSchema = z
  .strictObject({
    type: oneOf(BINDING_TYPES),
    id: objectId("organization, application, workspace or grant").optional(),
  }, { error: 'must be an object {type, id}, like {type: "grant", id: grantId}' })
  .superRefine((b, ctx) => {
    if (b.type !== "organization" && b.id === undefined) ctx.addIssue({ code: "custom", path: ["id"], message: `is required for a ${b.type} binding: the id of the ${b.type}` });
  });

const inputSchema = z.strictObject({
  name: displayName(128),
  description: z.string({ error: "must be a string" }).trim().max(1024, { error: "must be at most 1024 characters" }).default(""),
  status: oneOf(["active", "disabled"] as const).default("active"),
  binding: bindingSchema,
  roles: roleIds().default([]),
  directPermissions: permissionIds().default([]),
});

export type IamPrincipalInputs = z.infer<typeof inputSchema>;

export interface IamPrincipalOutputs {
  [key: string]: unknown;
  name: string;
  description: string;
  status: string;
  binding: BindingWire;
  roles: string[];
  directPermissions: string[];
  organizationId?: string;
  createdAt?: number;
}

// ------------------------------------------------------------------------------------- mapping

function bindingWire(b: IamPrincipalInputs["binding"]): BindingWire {
  return { type: b.type, ...(b.id !== undefined ? { id: b.id } : {}) };
}

function toWire(inputs: IamPrincipalInputs): Record<string, unknown> {
  // Strict at Nylas: every field has a value, none is null, nothing else is sent.
  return {
    name: inputs.name,
    description: inputs.description,
    status: inputs.status,
    roles: inputs.roles,
    direct_permissions: inputs.directPermissions,
    resource_binding: bindingWire(inputs.binding),
  };
}

/**
 * The binding as reported, against the one declared: an Organization binding declared without its id
 * stays without it (Nylas fills the organization in, and may or may not show it, variance I7), and an id
 * Nylas leaves out is the declared one.
 */
function bindingOut(w: PrincipalWire["resource_binding"], declared: BindingWire | undefined): BindingWire {
  const type = w?.type ?? declared?.type ?? "organization";
  if (type === "organization" && declared?.type === "organization" && !declared.id) return { type };
  const id = w?.id ?? (declared?.type === type ? declared.id : undefined);
  return id ? { type, id } : { type };
}

function toOutputs(p: PrincipalWire, declared: BindingWire | undefined): IamPrincipalOutputs {
  return {
    name: (p.name ?? "").trim(),
    description: p.description ?? "",
    status: p.status ?? "active",
    binding: bindingOut(p.resource_binding, declared),
    roles: [...new Set(p.roles ?? [])].sort(),
    directPermissions: [...new Set(p.direct_permissions ?? [])].sort(),
    ...(p.organization_id ? { organizationId: p.organization_id } : {}),
    ...(p.created_at ? { createdAt: p.created_at } : {}),
  };
}

/** PATCH body: only what differs, arrays whole (they replace the stored set). Empty when nothing does. */
function changes(olds: Partial<IamPrincipalOutputs>, news: IamPrincipalInputs): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (news.name !== olds.name) body.name = news.name;
  if (news.description !== (olds.description ?? "")) body.description = news.description;
  if (news.status !== olds.status) body.status = news.status;
  if (!isDeepStrictEqual(news.roles, olds.roles ?? [])) body.roles = news.roles;
  if (!isDeepStrictEqual(news.directPermissions, olds.directPermissions ?? [])) body.direct_permissions = news.directPermissions;
  if (!isDeepStrictEqual(bindingWire(news.binding), olds.binding)) body.resource_binding = bindingWire(news.binding);
  return body;
}

const describeBinding = (b: Partial<BindingWire> | undefined) => `${b?.type ?? "?"}${b?.id ? ` ${b.id}` : ""}`;

// ------------------------------------------------------------------------------------- lifecycle

export const iamPrincipalDefinition: ResourceDefinition<IamPrincipalInputs, IamPrincipalOutputs> = {
  type: "IamPrincipal",
  autoName: "name",
  inputs: inputSchema,
  // Everything changes in place by PATCH, the binding too (Nylas answers 409 when a principal with
  // active keys would no longer resolve to one application).
  replaceOnChange: [],
  describe: (i) => `name "${i.name}" on ${describeBinding(i.binding)}`,

  warnings(inputs) {
    const out: string[] = [];
    const unknown = inputs.directPermissions.filter((p) => !KNOWN.has(p));
    if (unknown.length) {
      out.push(`directPermissions ${unknown.map((p) => `"${p}"`).join(", ")}: not in the Nylas reference; sending anyway (Nylas refuses ids it does not know)`);
    }
    const type = inputs.binding?.type;
    const unfit = type ? inputs.directPermissions.filter((p) => KNOWN.has(p) && !FITS[type].has(p)) : [];
    if (unfit.length) {
      out.push(
        `directPermissions ${unfit.map((p) => `"${p}"`).join(", ")} ${unfit.length > 1 ? "do" : "does"} not apply at a ${type} binding: Nylas stores ` +
          `${unfit.length > 1 ? "them" : "it"} but ignores ${unfit.length > 1 ? "them" : "it"} (${type === "organization" ? "an Organization binding reaches Domains and IAM only" : "Domains and IAM need an Organization binding"})`,
      );
    }
    if (type && type !== "organization" && inputs.roles.includes(SYSTEM_ROLES.iamAdmin)) {
      out.push(`roles "${SYSTEM_ROLES.iamAdmin}" applies only at an Organization binding; at a ${type} binding it grants nothing`);
    }
    if (inputs.roles.length === 0 && inputs.directPermissions.length === 0) {
      out.push("no roles and no directPermissions: keys of this principal can call nothing");
    }
    return out;
  },

  async create(ctx, inputs) {
    const p = await ctx.api.iamPrincipals.create(toWire(inputs));
    return { id: p.id, outs: toOutputs(p, bindingWire(inputs.binding)) };
  },

  // Names need not be unique: the ones there before a create are never taken for what it made.
  async existing(ctx, inputs) {
    const bound = await ctx.api.iamPrincipals.boundTo(bindingWire(inputs.binding));
    return new Set(bound.filter((p) => (p.name ?? "").trim() === inputs.name).map((p) => p.id));
  },

  async find(ctx, inputs, _purpose, exclude) {
    const p = await ctx.api.iamPrincipals.findByName(inputs.name, bindingWire(inputs.binding), exclude);
    return p && { id: p.id, outs: toOutputs(p, bindingWire(inputs.binding)) };
  },

  async read(ctx, id, olds) {
    const p = await ctx.api.iamPrincipals.get(id);
    return p && toOutputs(p, olds.binding as BindingWire | undefined);
  },

  async update(ctx, id, olds, news) {
    const body = changes(olds, news);
    if (!Object.keys(body).length) {
      const { adopt: _adopt, ...kept } = olds;
      return kept as IamPrincipalOutputs;
    }
    return toOutputs(await ctx.api.iamPrincipals.update(id, body), bindingWire(news.binding));
  },

  async delete(ctx, id) {
    // Nylas deletes the principal's credentials with it.
    await ctx.api.iamPrincipals.remove(id);
  },
};

// ------------------------------------------------------------------------------------- resource

export interface IamPrincipalBindingArgs {
  /** `organization`, `application`, `workspace` or `grant`: what the principal's keys can reach. */
  type: pulumi.Input<BindingType>;
  /**
   * The id of that organization, application, workspace or grant (e.g. `AgentAccount.grantId`).
   * Required except for `organization`, where Nylas fills in the organization of the IAM API key.
   */
  id?: pulumi.Input<string>;
}

export interface IamPrincipalArgs {
  /**
   * Display name, 1–128 characters (trimmed). Updates in place.
   * @default the resource's logical name (through the native plugin: as `pulumi:autonaming` says)
   */
  name?: pulumi.Input<string>;
  /** Up to 1024 characters. @default "" (removing it clears it). Updates in place. */
  description?: pulumi.Input<string>;
  /**
   * `active`, or `disabled` to stop every key of the principal at once. @default "active". Updates in
   * place. (A disabled principal's credentials cannot be set back to active while it stays disabled.)
   */
  status?: pulumi.Input<"active" | "disabled">;
  /**
   * The one resource the principal's keys are confined to: a grant binding reaches that one mailbox
   * only, a workspace binding the grants in that workspace, an application binding every grant of the
   * application; an Organization binding reaches Domains and IAM. Updates in place (Nylas refuses with
   * 409 a change that leaves a principal with active keys not resolving to one application).
   */
  binding: pulumi.Input<IamPrincipalBindingArgs>;
  /**
   * Role ids, e.g. `["role_system_messages_reader"]` (Messages Reader: messages, threads, folders and
   * drafts read), or the `role_…` id of a custom role made in the Dashboard (roles have no API). The
   * whole set: order and duplicates do not matter. @default [] (removing it takes every role away).
   * Updates in place.
   */
  roles?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Permission ids (`resource.action`), e.g. `["messages.read", "messages.send"]`. The whole set.
   * A near miss of a known id is refused with the id meant; an id outside the reference, or one that
   * does not apply at the binding, is a warning. @default [] (removing it takes every permission away).
   * Updates in place.
   */
  directPermissions?: pulumi.Input<pulumi.Input<string>[]>;
  /** Take over an existing principal instead of creating one: its id, or `true` to find it by `name` on `binding`. */
  adopt?: pulumi.Input<string | boolean>;
}

/**
 * A Nylas IAM principal: an API caller confined to one binding, with roles and permissions. Give it keys
 * with {@link IamCredential}. Needs `nylas:iamApiKey` (an Organization-bound IAM API key with `iam.*`).
 *
 * @example
 * // A support worker that may only read one agent's mailbox.
 * const reader = new nylas.IamPrincipal("support-reader", {
 *   name: "support mailbox reader",
 *   binding: { type: "grant", id: support.grantId },
 *   roles: [nylas.SYSTEM_ROLES.messagesReader],
 * });
 */
export class IamPrincipal extends NylasResource {
  declare readonly name: pulumi.Output<string>;
  declare readonly description: pulumi.Output<string>;
  declare readonly status: pulumi.Output<string>;
  declare readonly binding: pulumi.Output<{ type: string; id?: string }>;
  declare readonly roles: pulumi.Output<string[]>;
  declare readonly directPermissions: pulumi.Output<string[]>;
  /** The organization the principal belongs to (the IAM API key's). */
  declare readonly organizationId: pulumi.Output<string>;
  /** Unix seconds. */
  declare readonly createdAt: pulumi.Output<number>;

  constructor(name: string, args: IamPrincipalArgs, opts?: pulumi.CustomResourceOptions) {
    super("IamPrincipal", name, args, ["description", "status", "roles", "directPermissions", "organizationId", "createdAt"], opts);
  }
}
