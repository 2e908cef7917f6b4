import { isDeepStrictEqual } from "node:util";
import { z } from "zod";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { NylasApi } from "./api";
import { NylasNotFoundError, type NylasError } from "./client";
import { editDistance } from "./schema";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * Lifecycle shared by every resource, written once: validation in `check`, exact `diff`, ghost-safe
 * `create`, `adopt`, drift-reporting `read`, 404-tolerant `delete`. A resource file supplies a
 * {@link ResourceDefinition} (schema + API calls) and gets a complete dynamic provider from
 * {@link providerFor}. `check` and `diff` never call the API: the engine runs them per resource, so a
 * call there would turn a 1,000-mailbox preview into 1,000 round trips.
 */

/** The engine's placeholder for a value not known during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const PROVIDER_KEY = "__provider";

export interface Context {
  /** Every Nylas call, by collection. */
  api: NylasApi;
  /** A warning shown by `pulumi up` (the provider host's stderr becomes a diagnostic). */
  warn(message: string): void;
}

export interface Created<O> {
  id: string;
  outs: O;
}

/** Why `find` looks: an `adopt: true`, or a create whose answer was lost (the object found is then ours). */
export type FindPurpose = "adopt" | "lost-create";

/** `adopt` is accepted by every resource: an existing id, or `true` to find the object by its natural key. */
export type Adopt = string | boolean | undefined;
type Props = Record<string, unknown>;

export interface ResourceDefinition<I extends Props, O extends Props> {
  /** Type name in the token `pulumi-nodejs:dynamic/nylas:<type>`; never change it (it keys state). */
  type: string;
  /** Zod schema of the inputs; transforms normalise what Nylas normalises. Do not declare `adopt`. */
  inputs: z.ZodObject<z.ZodRawShape>;
  /**
   * The input Pulumi names automatically (a display name). Left out by the program, it is the resource's
   * logical name (the class's first argument, the URN's last segment), as Pulumi providers auto-name:
   * the class fills it in (resources/base.ts); through the plugin, `check` does, as the engine's
   * `pulumi:autonaming` asks and keeping the value in state on updates ({@link autoNamed}).
   *
   * Opting in is one line here, `autoName: "name"`, plus marking the field optional in the class's
   * `…Args` with `@default the resource's logical name`. Keep it required in `inputs` (it is filled in
   * before validation); the plugin's schema then lists it as optional by itself.
   */
  autoName?: string;
  /** Inputs Nylas cannot change in place. */
  replaceOnChange?: readonly string[];
  /** Delete the old object before creating its replacement (its natural key would collide). */
  deleteBeforeReplace?: boolean;
  /** Optional inputs Nylas fills in when unset: compared only when the user sets them. */
  computed?: readonly string[];
  /** Write-only secret inputs: never in outputs or error messages, compared by `writeOnlyChanged`. */
  secretInputs?: readonly string[];
  /** Outputs that are always secret (the class marks them with additionalSecretOutputs, the plugin wraps them). */
  secretOutputs?: readonly string[];
  /** Which secret inputs changed (e.g. against a salted hash kept in outputs). */
  writeOnlyChanged?: (olds: O, news: I) => Promise<string[]>;
  /** Non-fatal remarks on valid inputs (e.g. an unknown webhook trigger). */
  warnings?: (inputs: I) => string[];
  /** Natural key, for messages: "email sales@x.com". */
  describe(inputs: I): string;
  create(ctx: Context, inputs: I): Promise<Created<O>>;
  /**
   * Finds an existing object by natural key: for `adopt: true` (`purpose` "adopt") and after an
   * ambiguous create ("lost-create": what is found was most likely made by this provider), leaving out
   * the ids in `exclude` (see `existing`).
   */
  find?(ctx: Context, inputs: I, purpose: FindPurpose, exclude?: ReadonlySet<string>): Promise<Created<O> | undefined>;
  /**
   * Ids of objects that already have this natural key, listed once before a create, so the lookup after
   * a lost answer cannot take one of them for what the create made (keys Nylas does not keep unique,
   * e.g. IAM names). Given to `find` as `exclude`.
   */
  existing?(ctx: Context, inputs: I): Promise<ReadonlySet<string>>;
  /**
   * What to do with the object a create whose answer was lost made: adopt it (default), or delete it
   * and create again — when that answer held something no read returns (an IAM key's secret).
   */
  lostCreate?: "adopt" | "delete";
  /** The object an `adopt` string names, when it may be more than an id (a Domain's address); default: `read`. */
  resolve?(ctx: Context, ref: string, inputs: I): Promise<Created<O> | undefined>;
  /** Current state, shaped like outputs; `undefined` when gone. `olds` says which inputs were declared. */
  read(ctx: Context, id: string, olds: O): Promise<O | undefined>;
  update(ctx: Context, id: string, olds: O, news: I): Promise<O>;
  delete(ctx: Context, id: string, olds: O): Promise<void>;
}

/** Thrown by a resource's `update` that finds its object gone (deleted outside Pulumi). */
export class ObjectGoneError extends Error {}

/** Thrown so the engine records an object that exists although its create did not finish. */
export class PartialCreateError extends Error {
  readonly reasons: string[];
  constructor(readonly id: string, readonly properties: Props, cause: Error) {
    super(cause.message);
    this.reasons = [cause.message];
  }
}

// ---------------------------------------------------------------------------------------------- check

export interface CheckFailure {
  property: string;
  reason: string;
}

/**
 * The engine's autonaming request for one resource (CheckRequest.autonaming, from stack config
 * `pulumi:autonaming`): `propose` a name to use when the program gives none, `enforce` it, or
 * `disable` automatic naming (the program must give a name).
 */
export interface Autonaming {
  mode: "propose" | "enforce" | "disable";
  proposedName?: string;
}

/** How `check` names a definition's `autoName` input the program left out (the plugin's Check; the dynamic classes name it themselves). */
export interface CheckOptions {
  /** The inputs in state, on an update: the value there is kept. */
  olds?: Props;
  autonaming?: Autonaming;
}

export function check<I extends Props>(def: ResourceDefinition<I, Props>, news: Props, opts: CheckOptions = {}): { inputs: Props; failures: CheckFailure[] } {
  const { [PROVIDER_KEY]: _provider, adopt, ...given } = news;
  const failures: CheckFailure[] = [];
  if (adopt !== undefined && adopt !== true && adopt !== false && (typeof adopt !== "string" || adopt.trim() === "")) {
    failures.push({ property: "adopt", reason: `adopt = ${show(adopt)}: must be an existing object id, or true to find it by ${def.describe({} as I).split(" ")[0]}` });
  }
  const naming = def.autoName ? autoNamed(def.autoName, given, opts.olds, opts.autonaming) : {};
  const raw = naming.value === undefined ? given : { ...given, [def.autoName!]: naming.value };
  if (naming.failure) failures.push(naming.failure);
  const parsed = def.inputs.safeParse(raw);
  if (parsed.success) {
    return { inputs: withAdopt(dropUndefined(parsed.data) as Props, adopt), failures };
  }
  const found: Array<CheckFailure & { meant?: string[] }> = [];
  for (const issue of parsed.error.issues) {
    // During preview a value from another resource may still be unknown; it is checked once known.
    if (touchesUnknown(raw, issue.path)) continue;
    // Autonaming disabled already says what to do about a missing name.
    if (naming.failure && issue.path.length === 1 && issue.path[0] === def.autoName) continue;
    found.push(formatIssue(issue, raw, def.secretInputs ?? [], def.inputs));
  }
  // `webhook_url` for `webhookUrl` is one mistake: its "did you mean" says it all, so the "missing"
  // failure of the key it meant is dropped.
  const meant = new Set(found.flatMap((f) => f.meant ?? []));
  for (const { meant: _m, ...f } of found) {
    if (!(meant.has(f.property) && f.reason.startsWith(`${f.property} = missing:`))) failures.push(f);
  }
  return { inputs: withAdopt(raw, adopt), failures };
}

/**
 * The value of the auto-named input `field` when the program leaves it out. In order: the value in
 * state (an update keeps the name it was created with, so a `pulumi:autonaming` pattern with random
 * parts never renames, as Pulumi's bridged providers do); else the request's proposed name (`propose`,
 * `enforce`); else, with naming `disable`d, a failure that says to set it. A name the program gives
 * always wins (autonaming only names what the program leaves unnamed).
 */
export function autoNamed(field: string, given: Props, olds: Props | undefined, request: Autonaming | undefined): { value?: unknown; failure?: CheckFailure } {
  if (given[field] !== undefined) return {};
  const kept = olds?.[field];
  if (kept !== undefined && kept !== null && kept !== UNKNOWN) return { value: kept };
  if (request?.mode === "disable") {
    return {
      failure: {
        property: field,
        reason: `${field} = missing: automatic naming is disabled for this stack (pulumi:autonaming mode "disabled"), so ${field} must be set`,
      },
    };
  }
  return request?.proposedName ? { value: request.proposedName } : {};
}

/**
 * Removes keys whose value is `undefined` (a transform may map e.g. an empty set to "unset"): the
 * host sends checked inputs and outputs as a protobuf Struct, which has no `undefined` and refuses it.
 */
function dropUndefined(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropUndefined);
  if (v === null || typeof v !== "object") return v;
  const out: Props = {};
  for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = dropUndefined(x);
  return out;
}

function withAdopt(inputs: Props, adopt: unknown): Props {
  return adopt === undefined || adopt === false ? inputs : { ...inputs, adopt: typeof adopt === "string" ? adopt.trim() : adopt };
}

function touchesUnknown(value: unknown, path: readonly PropertyKey[]): boolean {
  let cur: unknown = value;
  if (cur === UNKNOWN) return true;
  for (const key of path) {
    if (cur === null || typeof cur !== "object") return false;
    cur = (cur as Record<PropertyKey, unknown>)[key];
    if (cur === UNKNOWN) return true;
  }
  return containsUnknown(cur);
}

function containsUnknown(v: unknown): boolean {
  if (v === UNKNOWN) return true;
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (v && typeof v === "object") return Object.values(v).some(containsUnknown);
  return false;
}

function formatIssue(issue: z.core.$ZodIssue, raw: Props, secrets: readonly string[], schema: z.ZodType): CheckFailure & { meant?: string[] } {
  const path = issue.path.map(String);
  const where = propertyPath(path);
  if (issue.code === "unrecognized_keys") {
    // Name the keys that are allowed right there (also inside nested objects), and the likely typo.
    const allowed = keysAt(schema, issue.path) ?? [];
    const keys = issue.keys.map((k) => (where ? `${where}.${k}` : k));
    const suggested = issue.keys.map((k) => suggestKey(k, allowed));
    const hints = suggested.flatMap((s, i) => (s ? [keys.length > 1 ? `${s} for ${keys[i]}` : s] : []));
    return {
      meant: suggested.flatMap((s) => (s ? [where ? `${where}.${s}` : s] : [])),
      property: keys[0],
      reason:
        `${keys.join(", ")}: unknown propert${keys.length > 1 ? "ies" : "y"}` +
        `${hints.length ? ` (did you mean ${hints.join(", ")}?)` : ""}; allowed: ${allowed.join(", ")}`,
    };
  }
  const property = where || "(inputs)";
  const value = valueAt(raw, issue.path);
  // Declared secret inputs, and anything named like a password or a secret (not e.g. `secretVersion`).
  const secret = path.some((p) => secrets.includes(p) || /password|secret$/i.test(p));
  const shown = value === undefined ? "missing" : secret ? "(secret, masked)" : show(value);
  return { property, reason: `${property} = ${shown}: ${issue.message}` };
}

/** `["match", "conditions", "0", "field"]` → `match.conditions[0].field`. */
function propertyPath(path: string[]): string {
  return path.map((p) => (/^\d+$/.test(p) ? `[${p}]` : p)).join(".").replace(/\.\[/g, "[");
}

/** The schema under wrappers that do not change the shape (optional, default, transform pipes…). */
function unwrapSchema(s: unknown): unknown {
  for (;;) {
    const def = (s as { _zod?: { def?: Record<string, unknown> } } | undefined)?._zod?.def;
    if (!def) return s;
    if (["optional", "nullable", "default", "prefault", "nonoptional", "readonly", "catch"].includes(def.type as string)) s = def.innerType;
    else if (def.type === "pipe") s = def.in;
    else return s;
  }
}

/** Keys of the object schema found at `path` (array indexes step into elements), if there is one. */
function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] | undefined {
  let s = unwrapSchema(schema);
  for (const key of path) {
    const def = (s as { _zod: { def: Record<string, any> } })._zod?.def;
    if (def?.type === "object") s = unwrapSchema(def.shape[String(key)]);
    else if (def?.type === "array") s = unwrapSchema(def.element);
    else return undefined;
  }
  const def = (s as { _zod?: { def: Record<string, any> } } | undefined)?._zod?.def;
  return def?.type === "object" ? Object.keys(def.shape) : undefined;
}

/** The allowed key an unknown one most likely meant: snake_case of it, other case, a small typo, or a part of it. */
function suggestKey(key: string, allowed: readonly string[]): string | undefined {
  const norm = (k: string) => k.toLowerCase().replace(/[_\-\s]/g, "");
  const n = norm(key);
  const exact = allowed.find((a) => norm(a) === n);
  if (exact) return exact;
  let best: { key: string; d: number } | undefined;
  for (const a of allowed) {
    const d = editDistance(n, norm(a));
    if (d <= Math.min(2, Math.floor(n.length / 4)) && (!best || d < best.d)) best = { key: a, d };
  }
  if (best) return best.key;
  // A part of the name: `password` → `appPassword`, `domain` → `domainAddress`, `rules` → `ruleIds`.
  const stem = n.replace(/s$/, "");
  const partial = stem.length >= 4 ? allowed.filter((a) => norm(a).startsWith(stem) || norm(a).endsWith(stem)) : [];
  return partial.length === 1 ? partial[0] : undefined;
}


function valueAt(obj: unknown, path: readonly PropertyKey[]): unknown {
  let cur = obj;
  for (const k of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur;
}

export function show(v: unknown): string {
  const s = typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
}

// ----------------------------------------------------------------------------------------------- diff

export async function diff<I extends Props, O extends Props>(def: ResourceDefinition<I, O>, olds: O, news: Props, id?: string): Promise<dynamic.DiffResult> {
  const changed = await changedKeys(def, olds, news);
  const replaces = changed.filter((k) => def.replaceOnChange?.includes(k));
  // The replacement is created with the same inputs: an `adopt` still set would take over the very
  // object being replaced (by its id, or found again by its natural key) and then delete it.
  if (replaces.length && (news.adopt === true || (id !== undefined && news.adopt === id))) {
    throw new Error(
      `Nylas ${def.type} ${id ?? ""}: ${replaces.join(", ")} changed, so it is replaced by a new one — but adopt is set, and the ` +
        `replacement would take over this same object again; remove adopt (it did its job when the object came into the stack) and run again`,
    );
  }
  return {
    changes: changed.length > 0,
    replaces,
    deleteBeforeReplace: replaces.length > 0 && def.deleteBeforeReplace === true,
  };
}

export async function changedKeys<I extends Props, O extends Props>(def: ResourceDefinition<I, O>, olds: O, news: Props): Promise<string[]> {
  const changed: string[] = [];
  for (const key of Object.keys(def.inputs.shape)) {
    if (def.secretInputs?.includes(key)) continue; // write-only: never stored in plaintext, compared below
    const n = news[key];
    if (n === undefined && def.computed?.includes(key)) continue;
    if (!isDeepStrictEqual(normalizeEmpty(olds[key]), normalizeEmpty(n))) changed.push(key);
  }
  if (def.writeOnlyChanged) changed.push(...(await def.writeOnlyChanged(olds, news as I)));
  return changed;
}

/** State round-trips through protobuf Struct, which has no `undefined`; treat null and absent alike. */
function normalizeEmpty(v: unknown): unknown {
  return v === null ? undefined : v;
}

// ------------------------------------------------------------------------------------- create & adopt

/** First wait before a ghost lookup; doubles per lookup up to {@link GHOST_SETTLE_MAX_MS}. */
const GHOST_SETTLE_MS = 250;
const GHOST_SETTLE_MAX_MS = 5_000;

/**
 * Creates, and settles a create whose answer was lost. Nylas has no idempotency keys on admin creates,
 * so after an ambiguous failure (timeout, reset, 5xx) the object may exist — now, or once Nylas gets to
 * the request. The provider looks it up by its natural key, with growing waits, for as long as one
 * call may take (the client's `deadlineMs`): found → adopted; not found after an ambiguous failure →
 * created again; refused after an answer was lost ("already exists": our first create landing) → looked
 * for again rather than reported. So a create Nylas commits late ends as one adopted object, not as a
 * failure with an orphan. (With `lostCreate: "delete"` the object found is deleted and created again.)
 */
export async function create<I extends Props, O extends Props>(def: ResourceDefinition<I, O>, ctx: Context, props: Props): Promise<Created<O>> {
  const { [PROVIDER_KEY]: provider, adopt, ...rest } = props;
  const inputs = rest as I;
  const keep = (outs: O): O => ({ ...outs, ...(adopt !== undefined ? { adopt } : {}) });
  if (adopt !== undefined && adopt !== false) {
    const found = await adoptExisting(def, ctx, inputs, adopt as string | true);
    const outs = await def.update(ctx, found.id, found.outs, inputs);
    return { id: found.id, outs: keep(outs) };
  }
  const what = `creating Nylas ${def.type} (${def.describe(inputs)})`;
  const before = def.existing
    ? await def.existing(ctx, inputs).catch((e) => {
        throw decorate(e, what);
      })
    : undefined;
  // An object whose create answer held what no read returns (an IAM key's secret) is deleted and made again.
  const discard =
    def.lostCreate === "delete"
      ? async (ghost: Created<O>) => {
          ctx.warn(
            `Nylas ${def.type} ${def.describe(inputs)}: the create's answer was lost but the object was made (${ghost.id}); ` +
              "what only that answer held cannot be read back, so it is deleted and created again",
          );
          await def.delete(ctx, ghost.id, ghost.outs);
          return true;
        }
      : undefined;
  let made: { value: Created<O>; lost: boolean };
  try {
    made = await createOnce(ctx, what, () => def.create(ctx, inputs), def.find && (() => def.find!(ctx, inputs, "lost-create", before)), discard);
  } catch (e) {
    if (e instanceof PartialCreateError) throw new PartialCreateError(e.id, { ...e.properties, [PROVIDER_KEY]: provider }, new Error(e.message));
    throw e;
  }
  const { id, outs } = made.value;
  if (!made.lost) return { id, outs: keep(outs) };
  ctx.warn(`Nylas ${def.type} ${def.describe(inputs)}: the create's answer was lost but the object was made (${id}); adopting it`);
  return { id, outs: keep(await def.update(ctx, id, outs, inputs)) };
}

/**
 * One create that never makes a duplicate, for anything Nylas creates without an idempotency key (a
 * resource, or an object a resource makes inside another, such as an account's signature): after an
 * ambiguous failure it looks with `find` (growing waits, until the client's deadline) before trying
 * again, and returns what it finds with `lost: true` — unless `discard` disposed of it (then it creates
 * again). A {@link PartialCreateError} passes through.
 */
export async function createOnce<T>(
  ctx: Context,
  what: string,
  make: () => Promise<T>,
  find: (() => Promise<T | undefined>) | undefined,
  discard?: (found: T) => Promise<boolean>,
): Promise<{ value: T; lost: boolean }> {
  const deadline = Date.now() + ctx.api.deadlineMs;
  let answerLost = false;
  let wait = GHOST_SETTLE_MS;
  for (;;) {
    try {
      return { value: await make(), lost: false };
    } catch (e) {
      if (e instanceof PartialCreateError) throw e;
      const err = e as NylasError;
      // Once an answer was lost, a later refusal ("already exists") may be our own first create
      // landing late, so it too is settled by a lookup rather than reported.
      answerLost ||= err.maybeCommitted === true;
      if (!answerLost || !find) throw decorate(e, what);
      // Look before trying again, so a retry never makes a duplicate. After a plain refusal, keep
      // looking: the create that was lost is what the refusal is about.
      for (;;) {
        if (Date.now() + wait > deadline) throw decorate(e, what);
        await sleep(wait);
        wait = Math.min(wait * 2, GHOST_SETTLE_MAX_MS);
        const ghost = await find();
        if (ghost && discard && (await discard(ghost))) break;
        if (ghost) return { value: ghost, lost: true };
        if (err.maybeCommitted) break;
      }
    }
  }
}

async function adoptExisting<I extends Props, O extends Props>(def: ResourceDefinition<I, O>, ctx: Context, inputs: I, adopt: string | true): Promise<Created<O>> {
  if (adopt === true) {
    if (!def.find) throw new Error(`Nylas ${def.type} cannot be found by a natural key; set adopt to its id`);
    const found = await def.find(ctx, inputs, "adopt");
    if (!found) {
      throw new Error(`adopt: no existing Nylas ${def.type} with ${def.describe(inputs)}; remove adopt to create one`);
    }
    return found;
  }
  const found = def.resolve ? await def.resolve(ctx, adopt, inputs) : await readAsCreated(def, ctx, adopt, inputs);
  if (!found) throw new Error(`adopt: Nylas ${def.type} "${adopt}" does not exist; remove adopt to create one`);
  return found;
}

async function readAsCreated<I extends Props, O extends Props>(def: ResourceDefinition<I, O>, ctx: Context, id: string, inputs: I): Promise<Created<O> | undefined> {
  const outs = await def.read(ctx, id, inputs as unknown as O);
  return outs && { id, outs };
}

// --------------------------------------------------------------------------------- read/update/delete

export async function read<I extends Props, O extends Props>(def: ResourceDefinition<I, O>, ctx: Context, id: string, props: Props): Promise<dynamic.ReadResult> {
  const { [PROVIDER_KEY]: _p, ...olds } = props;
  const outs = await def.read(ctx, id, olds as O);
  if (!outs) return { id: "", props: {} }; // gone: the engine drops it from state
  const full = { ...outs, ...(olds.adopt !== undefined ? { adopt: olds.adopt } : {}) } as Props;
  // Inputs as the API has them now, for the keys the user declared, so the next diff shows the drift.
  const inputs: Props = {};
  for (const key of Object.keys(def.inputs.shape)) {
    if (full[key] !== undefined && !(def.secretInputs ?? []).includes(key)) inputs[key] = full[key];
  }
  if (full.adopt !== undefined) inputs.adopt = full.adopt;
  return { id, props: full, inputs };
}

export async function update<I extends Props, O extends Props>(def: ResourceDefinition<I, O>, ctx: Context, id: string, olds: Props, news: Props): Promise<O> {
  const { [PROVIDER_KEY]: _a, ...o } = olds;
  const { [PROVIDER_KEY]: _b, adopt, ...n } = news;
  try {
    const outs = await def.update(ctx, id, o as O, n as I);
    return { ...outs, ...(adopt !== undefined ? { adopt } : {}) };
  } catch (e) {
    if (e instanceof NylasNotFoundError || e instanceof ObjectGoneError) {
      throw decorate(e, `updating Nylas ${def.type} ${id}: it no longer exists (deleted outside Pulumi?) — run \`pulumi refresh\`, then \`pulumi up\` recreates it`);
    }
    throw decorate(e, `updating Nylas ${def.type} ${id}`);
  }
}

export async function remove<I extends Props, O extends Props>(def: ResourceDefinition<I, O>, ctx: Context, id: string, props: Props): Promise<void> {
  const { [PROVIDER_KEY]: _p, ...olds } = props;
  try {
    await def.delete(ctx, id, olds as O);
  } catch (e) {
    if (e instanceof NylasNotFoundError) return; // already gone is what we wanted
    throw decorate(e, `deleting Nylas ${def.type} ${id}`);
  }
}

function decorate(e: unknown, what: string): Error {
  const err = e instanceof Error ? e : new Error(String(e));
  if (!err.message.startsWith(what)) err.message = `${what}: ${err.message}`;
  return err;
}

// --------------------------------------------------------------------------------------- the provider

/** The dynamic provider for one definition; `context` supplies the configured client. */
export function providerFor<I extends Props, O extends Props>(def: ResourceDefinition<I, O>, context: () => Context): dynamic.ResourceProvider {
  return {
    async check(_olds, news) {
      // No autonaming here: the class named what the program left unnamed (a dynamic provider never sees
      // the URN, and gets `olds` with secrets stripped, so a secret name kept from them would turn plaintext).
      const r = check(def as unknown as ResourceDefinition<I, Props>, news);
      if (r.failures.length === 0) for (const w of def.warnings?.(r.inputs as I) ?? []) context().warn(`Nylas ${def.type}: ${w}`);
      return r;
    },
    async diff(id, olds, news) {
      return diff(def, olds as O, news, id);
    },
    // Outputs cross the same Struct boundary as checked inputs, so `undefined` is dropped here once.
    async create(inputs) {
      const made = await create(def, context(), inputs);
      return { id: made.id, outs: dropUndefined(made.outs) };
    },
    async read(id, props) {
      const r = await read(def, context(), id, props ?? {});
      return { id: r.id, props: dropUndefined(r.props) as Props, ...(r.inputs ? { inputs: dropUndefined(r.inputs) as Props } : {}) };
    },
    async update(id, olds, news) {
      return { outs: dropUndefined(await update(def, context(), id, olds, news)) };
    },
    async delete(id, props) {
      await remove(def, context(), id, props);
    },
  };
}
