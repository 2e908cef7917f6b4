/**
 * Nylas IAM (developer.nylas.com/docs/v3/auth/nylas-iam/): the permission catalogue, system and custom roles,
 * which permissions fit which binding, the credential resolver (IAM secret → caller; 401 when expired,
 * disabled or revoked) and the gate that decides, before any handler runs, whether an IAM key may call an
 * application-key route: the target must lie inside the key's binding (else 403) and the route's permission
 * must be held (else 403). Plugged into auth.ts's Keyring.
 */
import { createHash, randomBytes } from "node:crypto";
import type { App } from "./app";
import { type AuthInput, type BindingType, type IamCaller, DOMAINS_PERMISSIONS, IAM_PERMISSIONS } from "./auth";
import { ApiError, unauthorized } from "./errors";
import type { GrantRec, WorkspaceRec } from "./types";
import { DEFAULT_VARIANCE } from "./variance";

export interface Binding {
  type: BindingType;
  id: string;
}

export interface PrincipalRec {
  id: string;
  organization_id: string;
  name: string;
  description: string;
  status: "active" | "disabled";
  roles: string[];
  direct_permissions: string[];
  resource_binding: Binding;
  created_at: number;
  updated_at: number;
  /** The admin principal the emulator starts with. */
  _seeded?: boolean;
  [k: string]: unknown;
}

export interface CredentialRec {
  id: string;
  principal_id: string;
  type: "api_key";
  name: string;
  status: "active" | "disabled";
  expires_at: number;
  created_at: number;
  updated_at: number;
  /** sha256 of the secret (the secret itself is returned once and never stored). */
  _secret_hash: string;
  _seeded?: boolean;
  [k: string]: unknown;
}

export interface RoleRec {
  id: string;
  name: string;
  description?: string;
  permissions: string[];
  created_at: number;
  [k: string]: unknown;
}

// ------------------------------------------------------------------ catalogue

const CRUD = ["read", "create", "update", "delete"];
const ids = (groups: Record<string, string[]>): string[] => Object.entries(groups).flatMap(([r, acts]) => acts.map((a) => `${r}.${a}`));

/** Grant data: what a grant- or workspace-bound key can hold (messages … signatures; inferred beyond the seen ids). */
const GRANT_DATA = ids({
  messages: [...CRUD, "send"],
  threads: ["read", "update", "delete"],
  drafts: [...CRUD, "send"],
  folders: CRUD,
  attachments: ["read"],
  calendars: CRUD,
  events: CRUD,
  contacts: CRUD,
  signatures: CRUD,
});
/** Application administration (inferred ids, `resource.action`). */
const APP_ADMIN = ids({
  grants: CRUD,
  webhooks: CRUD,
  channels: CRUD,
  policies: CRUD,
  rules: CRUD,
  lists: CRUD,
  workspaces: CRUD,
  applications: ["read", "update"],
  connectors: CRUD,
});
const ORGANIZATION = [...DOMAINS_PERMISSIONS, ...IAM_PERMISSIONS] as string[];

export const PERMISSIONS: ReadonlySet<string> = new Set([...ORGANIZATION, ...GRANT_DATA, ...APP_ADMIN]);

/** Permissions a binding supports; others are stored but ignored at enforcement (Nylas's Dashboard: "ignored"). */
const FITS: Record<BindingType, ReadonlySet<string>> = {
  organization: new Set(ORGANIZATION),
  application: new Set([...GRANT_DATA, ...APP_ADMIN]),
  workspace: new Set([...GRANT_DATA, "grants.read"]),
  grant: new Set([...GRANT_DATA, "grants.read"]),
};

export const SYSTEM_ROLES: readonly RoleRec[] = [
  { id: "role_system_iam_admin", name: "IAM Admin", permissions: [...IAM_PERMISSIONS], created_at: 0 },
  {
    id: "role_system_messages_reader",
    name: "Messages Reader",
    permissions: ["messages.read", "threads.read", "folders.read", "drafts.read"],
    created_at: 0,
  },
];
export const IAM_ADMIN_ROLE = "role_system_iam_admin";

export function findRole(app: App, id: string): RoleRec | undefined {
  return SYSTEM_ROLES.find((r) => r.id === id) ?? app.store.get<RoleRec>("roles", id);
}

export function effectivePermissions(app: App, p: PrincipalRec): Set<string> {
  const fits = FITS[p.resource_binding.type];
  const out = new Set<string>();
  for (const perm of [...p.direct_permissions, ...p.roles.flatMap((r) => findRole(app, r)?.permissions ?? [])])
    if (fits.has(perm)) out.add(perm);
  return out;
}

// ------------------------------------------------------------------ ids and secrets

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
export const opaqueId = (n = 21): string => [...randomBytes(n)].map((b) => ALNUM[b % ALNUM.length]).join("");
export const newSecret = (): string => `nyk_iam_${opaqueId(40)}`;
export const secretHash = (secret: string): string => createHash("sha256").update(secret, "utf8").digest("hex");

/** Whether the object a binding names still exists in this organization/application (else 403; undocumented). */
export function bindingResolves(app: App, b: Binding): boolean {
  switch (b.type) {
    case "organization":
      return b.id === app.meta.organization_id;
    case "application":
      return b.id === app.meta.application_id;
    case "workspace":
      return app.store.get<WorkspaceRec>("workspaces", b.id) !== undefined;
    case "grant":
      return app.store.get<GrantRec>("grants", b.id) !== undefined;
  }
}

// ------------------------------------------------------------------ resolver

/** The caller an IAM secret stands for; 401 for an expired, disabled or deleted key (401 or 403: undocumented). */
export function resolveIamSecret(app: App, token: string): IamCaller | undefined {
  const hash = secretHash(token);
  let cred: CredentialRec | undefined;
  for (const c of app.store.col<CredentialRec>("credentials").values())
    if (c._secret_hash === hash) {
      cred = c;
      break;
    }
  if (!cred) {
    // The start admin key is only honoured while its credential exists (it can be deleted like any other).
    if (token === app.opts.iamAdminKey && app.store.get("usage", ADMIN_SEEDED)) throw unauthorized("this IAM API key has been deleted");
    return undefined;
  }
  const nowS = Math.floor(Date.now() / 1000);
  if (nowS >= cred.expires_at)
    throw unauthorized(`this IAM API key expired at ${new Date(cred.expires_at * 1000).toISOString()}; create a new credential`);
  if (cred.status !== "active") throw unauthorized("this IAM API key is disabled");
  const p = app.store.get<PrincipalRec>("principals", cred.principal_id);
  if (!p) throw unauthorized("this IAM API key has been deleted");
  if (p.status !== "active") throw unauthorized(`the principal of this IAM API key (${p.id}) is disabled`);
  return { kind: "iam", principalId: p.id, credentialId: cred.id, binding: { ...p.resource_binding }, permissions: effectivePermissions(app, p) };
}

// ------------------------------------------------------------------ gate

type Target = { kind: "grant"; grantRef: string; permission: string } | { kind: "application"; permission: string };

const ACTION: Record<string, string> = { GET: "read", POST: "create", PUT: "update", PATCH: "update", DELETE: "delete" };

/** The permission a route needs and whether it addresses a grant (inferred mapping, `resource.action`). */
export function routeTarget(method: string, path: string, params: Record<string, string> = {}): Target {
  const action = ACTION[method] ?? "read";
  const g = /^\/v3\/grants\/([^/]+)(\/.*)?$/.exec(path);
  if (g) {
    const grantRef = params.grant ?? decodeURIComponent(g[1]);
    const segs = (g[2] ?? "").split("/").filter(Boolean);
    if (segs.length === 0) return { kind: "grant", grantRef, permission: `grants.${action}` };
    const [resource] = segs;
    if (resource === "messages" && segs[1] === "send") return { kind: "grant", grantRef, permission: "messages.send" };
    if (resource === "drafts" && method === "POST" && segs.length === 2) return { kind: "grant", grantRef, permission: "drafts.send" };
    if (resource === "rule-evaluations") return { kind: "grant", grantRef, permission: "rules.read" };
    return { kind: "grant", grantRef, permission: `${resource}.${action}` };
  }
  const segs = path.split("/").filter(Boolean).slice(1); // after "v3"
  const [resource = "", sub] = segs;
  switch (resource) {
    case "connect":
      return { kind: "application", permission: "grants.create" };
    case "webhooks":
      if (sub === "rotate-secret" || sub === "send-test-event") return { kind: "application", permission: "webhooks.update" };
      if (sub === "mock-payload" || sub === "ip-addresses") return { kind: "application", permission: "webhooks.read" };
      return { kind: "application", permission: `webhooks.${action}` };
    case "workspaces":
      if (sub === "auto-group" || segs[2] === "manual-assign") return { kind: "application", permission: "workspaces.update" };
      return { kind: "application", permission: `workspaces.${action}` };
    case "lists":
      if (segs[2] === "items" && method !== "GET") return { kind: "application", permission: "lists.update" };
      return { kind: "application", permission: `lists.${action}` };
    default:
      return { kind: "application", permission: `${resource}.${action}` };
  }
}

const forbidden = (message: string): ApiError => new ApiError(403, "forbidden", message);

/**
 * An IAM key on an application-key route: the target must lie inside its binding, then the route's
 * permission must be held — both checked before the handler runs, so a refused call changes nothing.
 */
export function gateIamKey(app: App, caller: IamCaller, req: AuthInput): void {
  const v = req.variance ?? DEFAULT_VARIANCE;
  const b = caller.binding;
  const t = routeTarget(req.method, req.path, req.params);
  const what = `${req.method} ${req.path}`;
  if (b.type === "organization")
    throw forbidden(`this IAM API key is bound to the organization: it reaches Domains and IAM only, not ${what}`);
  if (!bindingResolves(app, b))
    throw forbidden(`this IAM API key is bound to ${b.type} ${b.id}, which no longer exists; ${what} is outside its binding`);
  if (t.kind === "grant") {
    if (t.grantRef === "me") throw forbidden(`address the grant by its id: "me" is not resolved for IAM API keys`);
    const g = app.findGrant(t.grantRef);
    if (b.type === "grant" && g?.id !== b.id)
      throw forbidden(`this IAM API key is bound to grant ${b.id}; grant ${t.grantRef} is outside its binding`);
    if (b.type === "workspace" && (!g || g.workspace_id !== b.id))
      throw forbidden(`this IAM API key is bound to workspace ${b.id}; grant ${t.grantRef} is not in that workspace`);
  } else if (b.type !== "application" || v.iamKeyOnAdminEndpoints === "refused") {
    throw forbidden(
      `this IAM API key is bound to the ${b.type}; ${what} is application administration: use the application API key${
        b.type === "application" ? "" : " (or an Application-bound IAM key)"
      }`,
    );
  }
  if (!caller.permissions.has(t.permission)) throw forbidden(`this IAM API key lacks the ${t.permission} permission needed for ${what}`);
}

// ------------------------------------------------------------------ the start admin

const ADMIN_SEEDED = "iam:admin-seeded";
const TEN_YEARS_S = 10 * 365 * 24 * 3600;

/** The Organization-bound IAM Admin principal and key the emulator starts with (Dashboard bootstrap stand-in). */
export function seedIamAdmin(app: App): void {
  if (app.store.get("usage", ADMIN_SEEDED)) {
    // the same principal across restarts; follow a changed --iam-admin-key
    const cred = app.store.col<CredentialRec>("credentials").all().find((c) => c._seeded);
    const hash = secretHash(app.opts.iamAdminKey);
    if (cred && cred._secret_hash !== hash) app.store.put<CredentialRec>("credentials", { ...cred, _secret_hash: hash });
    return;
  }
  const t = Math.floor(Date.now() / 1000);
  const p = app.store.put<PrincipalRec>("principals", {
    id: opaqueId(),
    organization_id: app.meta.organization_id,
    name: "Emulator IAM admin",
    description: "Organization-bound IAM Admin the emulator starts with (made in the Dashboard on real Nylas)",
    status: "active",
    roles: [IAM_ADMIN_ROLE],
    direct_permissions: [...DOMAINS_PERMISSIONS],
    resource_binding: { type: "organization", id: app.meta.organization_id },
    created_at: t,
    updated_at: t,
    _seeded: true,
  });
  app.store.put<CredentialRec>("credentials", {
    id: opaqueId(),
    principal_id: p.id,
    type: "api_key",
    name: "NYLAS_IAM_ADMIN_KEY",
    status: "active",
    expires_at: t + TEN_YEARS_S,
    created_at: t,
    updated_at: t,
    _secret_hash: secretHash(app.opts.iamAdminKey),
    _seeded: true,
  });
  app.store.put("usage", { id: ADMIN_SEEDED, count: 1 });
}
