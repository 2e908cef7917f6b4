import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { NylasApiError, isNotFound, type NylasClient } from "../client";
import type { Context, Created, ResourceDefinition } from "../lifecycle";
import { displayName, emailAddress, objectId } from "../schema";
import { NylasResource } from "./base";

/**
 * Nylas Agent Account: a Nylas-hosted mailbox (a grant with `provider: "nylas"`) whose id is the
 * `grant_id` of every `/v3/grants/{grant_id}/*` mail and calendar call.
 * API: POST /v3/connect/custom (create), GET/PATCH/DELETE /v3/grants/{id}, moves between workspaces with
 * POST /v3/workspaces/{id}/manual-assign; needs a connector with provider `nylas` (ensured here).
 */

// ------------------------------------------------------------------------------------ input schema

const APP_PASSWORD_RULES =
  "must be 18–40 printable ASCII characters (codes 33–126, no spaces) with at least one upper-case letter, one lower-case letter and one digit";

/** Which app-password rules `pw` breaks, by name; never quotes the value. */
export function appPasswordProblems(pw: string): string[] {
  const problems: string[] = [];
  if (pw.length < 18 || pw.length > 40) problems.push(`length must be 18–40 characters (${pw.length < 18 ? "too short" : "too long"})`);
  if ([...pw].some((c) => c.charCodeAt(0) < 33 || c.charCodeAt(0) > 126)) {
    problems.push("only printable ASCII characters 33–126 are allowed (no spaces, tabs, accents or emoji)");
  }
  if (!/[A-Z]/.test(pw)) problems.push("needs at least one upper-case letter (A–Z)");
  if (!/[a-z]/.test(pw)) problems.push("needs at least one lower-case letter (a–z)");
  if (!/[0-9]/.test(pw)) problems.push("needs at least one digit (0–9)");
  return problems;
}

const appPassword = () =>
  z.string({ error: `must be a string: ${APP_PASSWORD_RULES}` }).superRefine((pw, ctx) => {
    const problems = appPasswordProblems(pw);
    // One failure that lists every broken rule (the lifecycle masks the value).
    if (problems.length) ctx.addIssue({ code: "custom", message: `${APP_PASSWORD_RULES}; this one breaks: ${problems.join("; ")}` });
  });

const inputSchema = z.strictObject({
  email: emailAddress(),
  name: displayName(256).optional(),
  appPassword: appPassword().optional(),
  workspaceId: objectId("workspace").optional(),
});

export type AgentAccountInputs = z.infer<typeof inputSchema>;

export interface AgentAccountOutputs {
  [key: string]: unknown;
  email: string;
  /** Display name as Nylas has it (kept when the input is removed: Nylas cannot clear it). */
  name?: string;
  workspaceId?: string;
  /** The grant id (= the resource id). */
  grantId: string;
  /** `valid` | `invalid`. */
  grantStatus?: string;
  createdAt?: number;
  /** Salted scrypt hash of the last app password this provider set; never the password itself. */
  appPasswordHash?: string;
}

// ------------------------------------------------------------------------------ app password hash

/**
 * scrypt cost: ~7 ms of CPU per hash, paid once per diff of an account that declares a password. The
 * async form runs on libuv's thread pool, so a 1,000-account preview hashes in parallel instead of
 * blocking the provider host's one thread for ~7 s.
 */
const SCRYPT = { N: 4096, r: 8, p: 1, keylen: 32 } as const;

function scryptAsync(pw: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(pw, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

/** `scrypt$<N>$<salt b64>$<hash b64>` of `pw` with a fresh 16-byte salt. */
export async function hashAppPassword(pw: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(pw, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return `scrypt$${SCRYPT.N}$${salt.toString("base64")}$${key.toString("base64")}`;
}

/** True when `pw` is the password `hash` was made from (constant-time compare); false for a malformed hash. */
export async function appPasswordMatches(pw: string, hash: unknown): Promise<boolean> {
  if (typeof hash !== "string") return false;
  const parts = hash.split("$");
  // `scrypt$<N>$<salt>$<key>`; also `scrypt$<salt>$<key>` at the default cost.
  if (parts[0] !== "scrypt" || (parts.length !== 4 && parts.length !== 3)) return false;
  const [n, salt, key] = parts.length === 4 ? parts.slice(1) : [String(SCRYPT.N), ...parts.slice(1)];
  const N = Number(n);
  const expected = Buffer.from(key, "base64");
  if (!Number.isInteger(N) || N < 2 || (N & (N - 1)) !== 0 || N > 1 << 20 || expected.length === 0) return false;
  try {
    const got = await scryptAsync(pw, Buffer.from(salt, "base64"), expected.length, { N, r: SCRYPT.r, p: SCRYPT.p, maxmem: 256 * N * SCRYPT.r });
    return timingSafeEqual(got, expected);
  } catch {
    return false;
  }
}

/** Does `news` declare an app password other than the one last set (as recorded by its hash)? */
async function passwordChanged(olds: Partial<AgentAccountOutputs>, news: AgentAccountInputs): Promise<boolean> {
  if (news.appPassword === undefined) return false; // removing it leaves the password at Nylas as it is
  return !(await appPasswordMatches(news.appPassword, olds.appPasswordHash));
}

// ------------------------------------------------------------------------------------- API calls

const grantWire = z.looseObject({
  id: z.string(),
  provider: z.string(),
  email: z.string().nullish(),
  name: z.string().nullish(),
  grant_status: z.string().nullish(),
  workspace_id: z.string().nullish(),
  created_at: z.number().nullish(),
});
type GrantWire = z.infer<typeof grantWire>;

const connectorWire = z.looseObject({ provider: z.string() });
const assignWire = z.looseObject({ workspace_id: z.string().nullish(), grants_assigned: z.array(z.string()).nullish() });

function toOutputs(g: GrantWire, appPasswordHash: string | undefined): AgentAccountOutputs {
  return {
    email: (g.email ?? "").toLowerCase(),
    ...(g.name ? { name: g.name } : {}),
    ...(g.workspace_id ? { workspaceId: g.workspace_id } : {}),
    grantId: g.id,
    ...(g.grant_status ? { grantStatus: g.grant_status } : {}),
    ...(g.created_at ? { createdAt: g.created_at } : {}),
    ...(appPasswordHash ? { appPasswordHash } : {}),
  };
}

/** An Agent Account is a grant with provider `nylas`; anything else is refused, never managed. */
function requireAgentAccount(g: GrantWire, ref: string): GrantWire {
  if (g.provider !== "nylas") {
    throw new Error(`grant ${ref} (${g.email ?? g.id}) is a "${g.provider}" grant, not an Agent Account (provider "nylas"); it cannot be managed as an AgentAccount`);
  }
  return g;
}

async function getGrant(ctx: Context, ref: string): Promise<GrantWire | undefined> {
  return ctx.client.getOrUndefined({ path: "/v3/grants/{ref}", params: { ref }, data: grantWire });
}

/** The grant of `email`: `GET /v3/grants/{email}` (the id path accepts an email); a list if that form is refused. */
async function grantByEmail(ctx: Context, email: string): Promise<GrantWire | undefined> {
  try {
    return await getGrant(ctx, email);
  } catch (e) {
    if (!(e instanceof NylasApiError) || e.status !== 400) throw e;
  }
  // No provider filter: the reference says it lags freshly created grants; filter here instead.
  const all = await ctx.client.listOffset({ path: "/v3/grants", query: { email }, item: grantWire });
  return all.find((g) => (g.email ?? "").toLowerCase() === email);
}

/**
 * Agent Accounts need a connector with provider `nylas`. Checked once per client (so per provider
 * process and settings): a thousand accounts cost one `GET /v3/connectors`, not a thousand.
 */
const connectorChecks = new WeakMap<NylasClient, Promise<void>>();

function ensureConnector(ctx: Context): Promise<void> {
  let p = connectorChecks.get(ctx.client);
  if (!p) {
    p = makeConnector(ctx).then(
      () => undefined,
      (e) => {
        connectorChecks.delete(ctx.client);
        throw e;
      },
    );
    connectorChecks.set(ctx.client, p);
  }
  return p;
}

async function hasNylasConnector(ctx: Context): Promise<boolean> {
  const all = await ctx.client.call({ method: "GET", path: "/v3/connectors", data: z.array(connectorWire) });
  return all.some((c) => c.provider === "nylas");
}

/** Creates the `nylas` connector if missing; returns whether it had to. */
async function makeConnector(ctx: Context): Promise<boolean> {
  if (await hasNylasConnector(ctx)) return false;
  try {
    // One connector per provider, so repeating this POST cannot make a second one: safe to retry.
    await ctx.client.call({ method: "POST", path: "/v3/connectors", body: { name: "nylas", provider: "nylas" }, idempotent: true });
  } catch (e) {
    // Another process (or our own retried attempt) made it first: fine if it is there now.
    if (!(e instanceof NylasApiError && (e.status === 409 || e.status === 400)) || !(await hasNylasConnector(ctx))) throw e;
  }
  return true;
}

async function createGrant(ctx: Context, inputs: AgentAccountInputs): Promise<GrantWire> {
  const body = {
    provider: "nylas",
    settings: { email: inputs.email, ...(inputs.appPassword !== undefined ? { app_password: inputs.appPassword } : {}) },
    ...(inputs.name !== undefined ? { name: inputs.name } : {}),
    ...(inputs.workspaceId !== undefined ? { workspace_id: inputs.workspaceId } : {}),
  };
  return ctx.client.call({ method: "POST", path: "/v3/connect/custom", body, data: grantWire });
}

async function moveToWorkspace(ctx: Context, id: string, workspaceId: string): Promise<string> {
  // assign_grants moves the grant from wherever it is; remove_grants would leave it in no workspace.
  let r: z.infer<typeof assignWire>;
  try {
    r = await ctx.client.call({
      method: "POST",
      path: "/v3/workspaces/{workspaceId}/manual-assign",
      params: { workspaceId },
      body: { assign_grants: [id] },
      data: assignWire,
      idempotent: true, // assigning twice leaves the grant where the first did
    });
  } catch (e) {
    // The 404 is about the workspace, not the account: a plain error, so the lifecycle does not
    // report the account itself as gone.
    if (!isNotFound(e)) throw e;
    throw new Error(
      `workspace ${workspaceId} does not exist (deleted outside Pulumi?), so the account cannot move there; set workspaceId to an ` +
        "existing workspace (for a managed Workspace, `pulumi refresh` then `pulumi up` recreates it and passes its new id)",
    );
  }
  if (r.grants_assigned && !r.grants_assigned.includes(id)) {
    throw new Error(`moving Agent Account ${id} to workspace ${workspaceId}: Nylas did not assign it (assigned: ${r.grants_assigned.join(", ") || "none"})`);
  }
  return r.workspace_id ?? workspaceId;
}

// ------------------------------------------------------------------------------------- lifecycle

export const agentAccountDefinition: ResourceDefinition<AgentAccountInputs, AgentAccountOutputs> = {
  type: "AgentAccount",
  inputs: inputSchema,
  replaceOnChange: ["email"],
  deleteBeforeReplace: true,
  // name: Nylas cannot clear it, so a removed name is left as it is; workspaceId: Nylas picks one.
  computed: ["name", "workspaceId"],
  secretInputs: ["appPassword"],
  secretOutputs: ["appPasswordHash"],
  writeOnlyChanged: async (olds, news) => ((await passwordChanged(olds, news)) ? ["appPassword"] : []),
  describe: (i) => `email ${i.email}`,

  async create(ctx, inputs) {
    await ensureConnector(ctx);
    // connect/custom answers an existing address with the existing grant (BYO-auth semantics): refuse
    // to take over a mailbox silently — destroying the stack would delete it.
    const existing = await grantByEmail(ctx, inputs.email);
    if (existing) {
      if (existing.provider !== "nylas") requireAgentAccount(existing, inputs.email);
      throw new Error(
        `an account for ${inputs.email} already exists (grant ${existing.id}, provider "${existing.provider}"); ` +
          `set \`adopt: true\` (or adopt: "${existing.id}") to manage it, or choose another email`,
      );
    }
    let g: GrantWire;
    try {
      g = await createGrant(ctx, inputs);
    } catch (e) {
      // The connector may have been deleted since this process checked it: repair once, then retry.
      if (!(e instanceof NylasApiError) || e.status !== 400) throw e;
      connectorChecks.delete(ctx.client);
      const repaired = await makeConnector(ctx);
      connectorChecks.set(ctx.client, Promise.resolve());
      if (!repaired) throw e; // the connector was there: the 400 is about this account (domain, password…)
      g = await createGrant(ctx, inputs);
    }
    requireAgentAccount(g, g.id);
    const hash = inputs.appPassword !== undefined ? await hashAppPassword(inputs.appPassword) : undefined;
    return { id: g.id, outs: toOutputs(g, hash) };
  },

  async find(ctx, inputs): Promise<Created<AgentAccountOutputs> | undefined> {
    const g = await grantByEmail(ctx, inputs.email);
    if (!g) return undefined;
    requireAgentAccount(g, inputs.email);
    return { id: g.id, outs: toOutputs(g, undefined) };
  },

  async read(ctx, id, olds) {
    const g = await getGrant(ctx, id);
    if (!g) return undefined;
    requireAgentAccount(g, id);
    // The password is write-only at Nylas: the hash of the one we last set is all there is to keep.
    return toOutputs(g, typeof olds.appPasswordHash === "string" ? olds.appPasswordHash : undefined);
  },

  async update(ctx, id, olds, news) {
    if (olds.email && olds.email !== news.email) {
      // Only reachable through adopt (a change of email is a replace): never rename someone's mailbox.
      throw new Error(`Agent Account ${id} has email ${olds.email}, not ${news.email}; an account's email cannot change`);
    }
    const setPassword = await passwordChanged(olds, news);
    const nameChanged = news.name !== undefined && news.name !== olds.name;
    let g: GrantWire | undefined;
    if (setPassword || nameChanged) {
      const body: Record<string, unknown> = {};
      // The grant update replaces the record: re-send the name we know so it is never lost.
      const name = news.name ?? olds.name;
      if (name !== undefined) body.name = name;
      // `settings` is replaced wholesale: always re-send the email with the new password. Without
      // `settings` the stored password is left alone.
      if (setPassword) body.settings = { email: news.email, app_password: news.appPassword };
      g = await ctx.client.call({ method: "PATCH", path: "/v3/grants/{id}", params: { id }, body, data: grantWire });
    }
    const hash = setPassword ? await hashAppPassword(news.appPassword!) : typeof olds.appPasswordHash === "string" ? olds.appPasswordHash : undefined;
    const { adopt: _adopt, ...kept } = olds;
    const outs: AgentAccountOutputs = g ? toOutputs(g, hash) : { ...kept, appPasswordHash: hash };
    if (!hash) delete outs.appPasswordHash;
    if (news.workspaceId !== undefined && news.workspaceId !== outs.workspaceId) {
      outs.workspaceId = await moveToWorkspace(ctx, id, news.workspaceId);
    }
    return outs;
  },

  async delete(ctx, id) {
    await ctx.client.call({ method: "DELETE", path: "/v3/grants/{id}", params: { id } });
  },
};

// ------------------------------------------------------------------------------------- resource

export interface AgentAccountArgs {
  /**
   * The mailbox address, on a domain registered with Nylas (a `*.nylas.email` trial subdomain or a
   * verified custom domain). Trimmed and lower-cased. **Changing this replaces the account** (the old
   * mailbox and its mail are deleted first, then the new one is created).
   */
  email: pulumi.Input<string>;
  /**
   * Display name, 1–256 characters; the default `From` name of sent mail. Updates in place. Nylas cannot
   * clear a name: removing this input leaves the current name as it is (no diff).
   */
  name?: pulumi.Input<string>;
  /**
   * IMAP/SMTP password of the mailbox (username = the email): 18–40 printable ASCII characters (codes
   * 33–126, no spaces) with at least one upper-case letter, one lower-case letter and one digit.
   * Without it IMAP/SMTP logins are refused. Write-only: Nylas never returns it, so state keeps only a
   * salted hash (`appPasswordHash`) and the input is always stored as a secret. Changing it updates in
   * place (connected mail clients must log in again); removing it leaves the password at Nylas as it
   * is (no diff — Nylas cannot un-set it).
   */
  appPassword?: pulumi.Input<string>;
  /**
   * Workspace the account belongs to (its policy and rules apply). Unset: Nylas picks one (an
   * `autoGroup` workspace of the email's domain, else the default workspace) and `workspaceId` reports
   * it. Changing it moves the account in place (`manual-assign`); removing it leaves the account where
   * it is.
   */
  workspaceId?: pulumi.Input<string>;
  /** Take over an existing account instead of creating one: its grant id, or `true` to find it by email. */
  adopt?: pulumi.Input<string | boolean>;
}

/**
 * A Nylas Agent Account: a hosted mailbox for an AI agent, with its own address, IMAP/SMTP password and
 * workspace (policy + rules). The resource id is the grant id used by every mail and calendar call.
 *
 * @example
 * const sales = new nylas.AgentAccount("sales", {
 *   email: "sales-agent@agents.example.com",
 *   name: "Sales Agent",
 *   workspaceId: ws.id,
 *   appPassword: cfg.requireSecret("salesAppPassword"),
 * });
 * export const salesGrantId = sales.grantId;
 */
export class AgentAccount extends NylasResource {
  declare readonly email: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string | undefined>;
  declare readonly workspaceId: pulumi.Output<string>;
  /** The grant id (same as `id`): the `grant_id` of `/v3/grants/{grant_id}/*` calls. */
  declare readonly grantId: pulumi.Output<string>;
  /** `valid` or `invalid`. */
  declare readonly grantStatus: pulumi.Output<string>;
  /** Unix seconds. */
  declare readonly createdAt: pulumi.Output<number>;
  /** Salted scrypt hash of the app password last set (a secret); used to detect a changed password. */
  declare readonly appPasswordHash: pulumi.Output<string | undefined>;

  constructor(name: string, args: AgentAccountArgs, opts?: pulumi.CustomResourceOptions) {
    // Always a secret, even when given as a plain string, so state holds it encrypted.
    const props = args.appPassword === undefined ? args : { ...args, appPassword: pulumi.secret(args.appPassword) };
    super(
      "AgentAccount",
      name,
      props,
      ["name", "workspaceId", "grantId", "grantStatus", "createdAt", "appPasswordHash"],
      opts,
      [...agentAccountDefinition.secretOutputs!, ...agentAccountDefinition.secretInputs!],
    );
  }
}
