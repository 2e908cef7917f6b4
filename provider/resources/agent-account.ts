import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { GrantWire } from "../api";
import type { ResourceDefinition } from "../lifecycle";
import { displayName, emailAddress, objectId } from "../schema";
import { NylasResource } from "./base";

/**
 * Nylas Agent Account: a Nylas-hosted mailbox (a grant with `provider: "nylas"`) whose id is the
 * `grant_id` of every `/v3/grants/{grant_id}/*` mail and calendar call.
 * API: `ctx.api.grants` (POST /v3/connect/custom to create, GET/PATCH/DELETE /v3/grants/{id}; a move
 * between workspaces is a grant PATCH of `workspace_id`). Nylas answers a create for an address that
 * already has a grant with that grant, so an address is checked on the documented grants list first,
 * and a create answer that turns out to be an existing grant is refused, never taken over.
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

// ------------------------------------------------------------------------------------- mapping

/** The create body; `name` and `workspace_id` are top-level, the password inside `settings`. */
function toWire(inputs: AgentAccountInputs): { settings: { email: string; app_password?: string }; [k: string]: unknown } {
  return {
    provider: "nylas",
    settings: { email: inputs.email, ...(inputs.appPassword !== undefined ? { app_password: inputs.appPassword } : {}) },
    ...(inputs.name !== undefined ? { name: inputs.name } : {}),
    ...(inputs.workspaceId !== undefined ? { workspace_id: inputs.workspaceId } : {}),
  };
}

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

/** Refuses to take over a mailbox that exists already: destroying the stack would delete it. */
function alreadyTaken(email: string, g: GrantWire, how: string): Error {
  if (g.provider !== "nylas") requireAgentAccount(g, email);
  return new Error(
    `an account for ${email} already exists (grant ${g.id}, provider "${g.provider}")${how}; ` +
      `set \`adopt: true\` (or adopt: "${g.id}") to manage it, or choose another email`,
  );
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
    const taken = await ctx.api.grants.findByEmail(inputs.email);
    if (taken) throw alreadyTaken(inputs.email, taken, "");
    const { grant, existing } = await ctx.api.grants.createAgentAccount(toWire(inputs));
    if (existing) {
      const password = inputs.appPassword !== undefined ? "; Nylas may have set the declared appPassword on it" : "";
      throw alreadyTaken(inputs.email, grant, ` — Nylas answered the create with that existing grant instead of a new one, so it was not taken over${password}`);
    }
    requireAgentAccount(grant, grant.id);
    const hash = inputs.appPassword !== undefined ? await hashAppPassword(inputs.appPassword) : undefined;
    return { id: grant.id, outs: toOutputs(grant, hash) };
  },

  async find(ctx, inputs) {
    const g = await ctx.api.grants.findByEmail(inputs.email);
    if (!g) return undefined;
    requireAgentAccount(g, inputs.email);
    return { id: g.id, outs: toOutputs(g, undefined) };
  },

  async read(ctx, id, olds) {
    const g = await ctx.api.grants.get(id);
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
      g = await ctx.api.grants.update(id, body);
    }
    const hash = setPassword ? await hashAppPassword(news.appPassword!) : typeof olds.appPasswordHash === "string" ? olds.appPasswordHash : undefined;
    const { adopt: _adopt, ...kept } = olds;
    const outs: AgentAccountOutputs = g ? toOutputs(g, hash) : { ...kept, appPasswordHash: hash };
    if (!hash) delete outs.appPasswordHash;
    if (news.workspaceId !== undefined && news.workspaceId !== outs.workspaceId) {
      outs.workspaceId = (await ctx.api.grants.moveToWorkspace(id, news.workspaceId)).workspace_id ?? news.workspaceId;
    }
    return outs;
  },

  async delete(ctx, id) {
    await ctx.api.grants.remove(id);
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
   * it. Changing it moves the account in place (a grant update of `workspace_id`, which works for any
   * workspace; where Nylas refuses that, manual-assign, which Nylas allows only into a workspace with
   * `autoGroup: false`); removing it leaves the account where it is.
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
