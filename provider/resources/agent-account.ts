import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { MAX_SIGNATURE_BYTES, MAX_SIGNATURES, type GrantWire, type SignatureWire } from "../api";
import { createOnce, PartialCreateError, type Context, type ResourceDefinition } from "../lifecycle";
import { displayName, emailAddress, objectId } from "../schema";
import { NylasResource } from "./base";

/**
 * Nylas Agent Account: a Nylas-hosted mailbox (a grant with `provider: "nylas"`) whose id is the
 * `grant_id` of every `/v3/grants/{grant_id}/*` mail and calendar call.
 * API: `ctx.api.grants` (POST /v3/connect/custom to create, GET/PATCH/DELETE /v3/grants/{id}; a move
 * between workspaces is a grant PATCH of `workspace_id`). Nylas answers a create for an address that
 * already has a grant with that grant, so an address is checked on the documented grants list first,
 * and a create answer that turns out to be an existing grant is refused, never taken over.
 * Signatures (`/v3/grants/{id}/signatures`, `ctx.api.signatures(id)`) are part of the account: at most
 * 10, each known by its name, reconciled as a set after the grant is made or changed.
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

/** `<img … src="data:…">`: Nylas refuses inline images in signatures (they must be hosted). */
const INLINE_IMAGE = /<img\b[^>]*\bsrc\s*=\s*["']?\s*data:/i;

const signatureSchema = z.strictObject(
  {
    name: displayName(256),
    body: z.string({ error: "must be the signature's HTML (a string)" }).superRefine((html, ctx) => {
      const bytes = Buffer.byteLength(html, "utf8");
      const issue = (message: string) => ctx.addIssue({ code: "custom", message });
      if (html.trim() === "") return issue("must not be empty: the signature's HTML, e.g. \"<p>Sales Agent · Example Inc.</p>\"");
      if (bytes > MAX_SIGNATURE_BYTES) return issue(`must be at most 100 KB (${MAX_SIGNATURE_BYTES} bytes) of HTML, Nylas's limit; this one is ${bytes} bytes — host images at an https URL instead of embedding them`);
      if (INLINE_IMAGE.test(html)) issue("must not embed images as data: URLs (Nylas refuses them); link an image hosted at an https URL");
    }),
  },
  { error: 'must be an object {name, body} like { name: "Work", body: "<p>Sales Agent · Example Inc.</p>" }' },
);

const signaturesSchema = z
  .array(signatureSchema, { error: 'must be a list of signatures {name, body} like [{ name: "Work", body: "<p>…</p>" }]' })
  .max(MAX_SIGNATURES, { error: `must have at most ${MAX_SIGNATURES} signatures: Nylas allows ${MAX_SIGNATURES} per account` })
  .superRefine((sigs, ctx) => {
    const first = new Map<string, number>();
    sigs.forEach((sig, i) => {
      const j = first.get(sig.name);
      if (j === undefined) first.set(sig.name, i);
      else ctx.addIssue({ code: "custom", path: [i, "name"], message: `is also the name of signatures[${j}]: the provider tells an account's signatures apart by name, so each must be unique` });
    });
  })
  // A set keyed by name: the order written never causes a diff.
  .transform((sigs) => [...sigs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)));

const inputSchema = z.strictObject({
  email: emailAddress(),
  name: displayName(256).optional(),
  appPassword: appPassword().optional(),
  workspaceId: objectId("workspace").optional(),
  signatures: signaturesSchema.optional(),
});

export type AgentAccountInputs = z.infer<typeof inputSchema>;
export type SignatureInputs = z.infer<typeof signatureSchema>;

/** The signature part of the outputs; present only while `signatures` is declared. */
interface SignatureOutputs {
  /** As declared (sorted by name), unless changed at Nylas since: then as Nylas has them. */
  signatures?: SignatureInputs[];
  /** Signature id by name: the `signature_id` of a send. */
  signatureIds?: Record<string, string>;
  /** SHA-256 of each body as Nylas stored it (it sanitizes HTML), to tell its sanitizing from a change made by hand. */
  signatureHashes?: Record<string, string>;
}

export interface AgentAccountOutputs extends SignatureOutputs {
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

// ------------------------------------------------------------------------------------- signatures

const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");

/**
 * Makes the account's signatures what is declared, keyed by name: a managed one (by its recorded id)
 * or one of that name already there (adopted) is updated when its body differs; a missing one is
 * created (ghost-safe: after a lost answer it is looked up by name, never made twice); a managed one no
 * longer declared is deleted — removals first, so the 10-per-account limit has room. Signatures made
 * outside Pulumi under other names are left alone, but count toward the limit: going over it is one
 * error before anything is written.
 */
async function reconcileSignatures(ctx: Context, grantId: string, declared: readonly SignatureInputs[], olds: SignatureOutputs): Promise<SignatureOutputs> {
  const api = ctx.api.signatures(grantId);
  const current = await api.list();
  const ids = olds.signatureIds ?? {};
  const byId = new Map(current.map((sig) => [sig.id, sig]));
  const target = new Map<string, SignatureWire>();
  for (const d of declared) {
    const found = (ids[d.name] !== undefined ? byId.get(ids[d.name]) : undefined) ?? api.named(current, d.name);
    if (found) target.set(d.name, found);
  }
  const kept = new Set([...target.values()].map((sig) => sig.id));
  const managed = new Set(Object.values(ids));
  const removed = current.filter((sig) => managed.has(sig.id) && !kept.has(sig.id));
  const creating = declared.filter((d) => !target.has(d.name));
  const total = current.length - removed.length + creating.length;
  if (total > MAX_SIGNATURES) {
    const others = current.filter((sig) => !kept.has(sig.id) && !managed.has(sig.id));
    throw new Error(
      `account ${grantId} would have ${total} signatures, and Nylas allows ${MAX_SIGNATURES}: ${declared.length} declared, and ${others.length} made outside Pulumi ` +
        `(${others.map((sig) => `"${sig.name}"`).join(", ")}) — delete those or declare fewer`,
    );
  }
  for (const sig of removed) await api.remove(sig.id);
  const oldBodies = new Map((olds.signatures ?? []).map((sig) => [sig.name, sig.body]));
  const out: Required<SignatureOutputs> = { signatures: [], signatureIds: {}, signatureHashes: {} };
  for (const d of declared) {
    let sig = target.get(d.name);
    let wrote = false;
    if (sig) {
      // Unchanged since we wrote it (Nylas's own sanitizing aside): nothing to send.
      const untouched = oldBodies.get(d.name) === d.body && olds.signatureHashes?.[d.name] === sha256(sig.body);
      if (!untouched && sig.body !== d.body) {
        sig = await api.update(sig.id, { name: d.name, body: d.body });
        wrote = true;
      }
    } else {
      const what = `creating signature "${d.name}" of Nylas AgentAccount ${grantId}`;
      const made = await createOnce(ctx, what, () => api.create({ name: d.name, body: d.body }), async () => api.named(await api.list(), d.name));
      if (made.lost) ctx.warn(`${what}: the create's answer was lost but the signature was made (${made.value.id}); adopting it`);
      sig = made.value;
      wrote = !made.lost;
    }
    if (wrote && sig.body !== d.body) {
      ctx.warn(`Nylas sanitized signature "${d.name}" of account ${grantId} (its HTML is stored changed, e.g. scripts or event handlers removed); what it sends is what Nylas stored`);
    }
    out.signatures.push(d);
    out.signatureIds[d.name] = sig.id;
    out.signatureHashes[d.name] = sha256(sig.body);
  }
  return out;
}

/**
 * The managed signatures as Nylas has them now: a body still the one Nylas stored for the declared one
 * reads as declared; one changed by hand reads as Nylas has it; a deleted one is missing — so refresh
 * shows the drift and the next `up` repairs it.
 */
async function readSignatures(ctx: Context, grantId: string, olds: SignatureOutputs): Promise<SignatureOutputs> {
  const current = await ctx.api.signatures(grantId).list();
  const byId = new Map(current.map((sig) => [sig.id, sig]));
  const declared = new Map((olds.signatures ?? []).map((sig) => [sig.name, sig.body]));
  const out: Required<SignatureOutputs> = { signatures: [], signatureIds: {}, signatureHashes: {} };
  for (const [name, id] of Object.entries(olds.signatureIds ?? {})) {
    const sig = byId.get(id);
    if (!sig) continue;
    const hash = sha256(sig.body);
    const body = hash === olds.signatureHashes?.[name] && declared.has(name) ? declared.get(name)! : sig.body;
    out.signatures.push({ name: sig.name, body });
    out.signatureIds[sig.name] = sig.id;
    out.signatureHashes[sig.name] = hash;
  }
  out.signatures.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return out;
}

function withoutSignatures(outs: AgentAccountOutputs): AgentAccountOutputs {
  const { signatures: _s, signatureIds: _i, signatureHashes: _h, ...rest } = outs;
  return rest;
}

// ------------------------------------------------------------------------------------- lifecycle

export const agentAccountDefinition: ResourceDefinition<AgentAccountInputs, AgentAccountOutputs> = {
  type: "AgentAccount",
  inputs: inputSchema,
  replaceOnChange: ["email"],
  deleteBeforeReplace: true,
  // name: Nylas cannot clear it, so a removed name is left as it is; workspaceId: Nylas picks one.
  // (Removing `signatures` is a diff: the update stops managing them, and leaves them at Nylas.)
  computed: ["name", "workspaceId"],
  secretInputs: ["appPassword"],
  secretOutputs: ["appPasswordHash"],
  writeOnlyChanged: async (olds, news) => ((await passwordChanged(olds, news)) ? ["appPassword"] : []),
  describe: (i) => `email ${i.email}`,

  async create(ctx, inputs) {
    const taken = await ctx.api.grants.takenBy(inputs.email);
    if (taken) throw alreadyTaken(inputs.email, taken, "");
    const { grant, existing } = await ctx.api.grants.createAgentAccount(toWire(inputs));
    if (existing) {
      const password = inputs.appPassword !== undefined ? "; Nylas may have set the declared appPassword on it" : "";
      throw alreadyTaken(inputs.email, grant, ` — Nylas answered the create with that existing grant instead of a new one, so it was not taken over${password}`);
    }
    requireAgentAccount(grant, grant.id);
    const hash = inputs.appPassword !== undefined ? await hashAppPassword(inputs.appPassword) : undefined;
    const outs = toOutputs(grant, hash);
    if (!inputs.signatures) return { id: grant.id, outs };
    try {
      return { id: grant.id, outs: { ...outs, ...(await reconcileSignatures(ctx, grant.id, inputs.signatures, {})) } };
    } catch (e) {
      // The account exists: the engine records it, and the next `up` finishes the signatures (by name, no duplicates).
      const why = new Error(`Nylas AgentAccount ${grant.id} (email ${inputs.email}) was created, but its signatures failed: ${(e as Error).message}; run \`pulumi up\` again to finish`);
      throw new PartialCreateError(grant.id, { ...outs, signatures: [] }, why);
    }
  },

  async find(ctx, inputs) {
    const g = await ctx.api.grants.findByEmail(inputs.email);
    if (!g) return undefined;
    requireAgentAccount(g, inputs.email);
    return { id: g.id, outs: toOutputs(g, undefined) };
  },

  async read(ctx, id, olds) {
    const g = await ctx.api.grants.read(id);
    if (!g) return undefined;
    requireAgentAccount(g, id);
    // The password is write-only at Nylas: the hash of the one we last set is all there is to keep.
    const outs = toOutputs(g, typeof olds.appPasswordHash === "string" ? olds.appPasswordHash : undefined);
    // Signatures are read only when managed: one more call per account.
    return olds.signatures !== undefined ? { ...outs, ...(await readSignatures(ctx, id, olds)) } : outs;
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
    // Not declared: no longer managed, left at Nylas as they are. Declared and as recorded: nothing to do.
    if (news.signatures === undefined) return withoutSignatures(outs);
    if (isDeepStrictEqual(news.signatures, olds.signatures) && olds.signatureIds) {
      return { ...outs, signatures: olds.signatures, signatureIds: olds.signatureIds, signatureHashes: olds.signatureHashes };
    }
    return { ...withoutSignatures(outs), ...(await reconcileSignatures(ctx, id, news.signatures, olds)) };
  },

  async delete(ctx, id) {
    await ctx.api.grants.remove(id);
  },
};

// ------------------------------------------------------------------------------------- resource

/** One signature of an {@link AgentAccount}. */
export interface AgentAccountSignatureArgs {
  /** Label, 1–256 characters, unique in the account (e.g. "Work"); the key of `signatureIds`. */
  name: pulumi.Input<string>;
  /** The HTML, at most 100 KB; images hosted at https URLs. */
  body: pulumi.Input<string>;
}

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
  /**
   * HTML signatures of the account (Nylas appends one to a send that names its `signature_id`; see the
   * `signatureIds` output): at most 10, names unique (they identify the signatures; order does not
   * matter), each `body` at most 100 KB with images linked at https URLs (inline `data:` images are
   * refused). Nylas sanitizes the HTML it stores (scripts, event handlers); that is not a diff. Changing
   * a body updates it in place (same id); renaming one replaces it (new id); removing one from the list
   * deletes it. Signatures made outside Pulumi under other names are left alone but count toward the
   * limit. Removing the whole input stops managing them and leaves them as they are.
   * @default not managed
   */
  signatures?: pulumi.Input<pulumi.Input<AgentAccountSignatureArgs>[]>;
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
  /** The managed signatures (only while `signatures` is declared). */
  declare readonly signatures: pulumi.Output<{ name: string; body: string }[] | undefined>;
  /** Signature id by name, for `signature_id` on sends, e.g. `sales.signatureIds.apply((ids) => ids!["Work"])`. */
  declare readonly signatureIds: pulumi.Output<Record<string, string> | undefined>;
  /** SHA-256 of each signature body as Nylas stored it (internal: tells Nylas's sanitizing from a hand edit). */
  declare readonly signatureHashes: pulumi.Output<Record<string, string> | undefined>;

  constructor(name: string, args: AgentAccountArgs, opts?: pulumi.CustomResourceOptions) {
    // Always a secret, even when given as a plain string, so state holds it encrypted.
    const props = args.appPassword === undefined ? args : { ...args, appPassword: pulumi.secret(args.appPassword) };
    super(
      "AgentAccount",
      name,
      props,
      ["name", "workspaceId", "grantId", "grantStatus", "createdAt", "appPasswordHash", "signatures", "signatureIds", "signatureHashes"],
      opts,
      [...agentAccountDefinition.secretOutputs!, ...agentAccountDefinition.secretInputs!],
    );
  }
}
