import { z } from "zod";
import { NylasNotFoundError, NylasResponseShapeError, NylasValidationError, type Credential, type Method, type NylasClient, type Page } from "../client";
import { ListSnapshots } from "./snapshot";

/**
 * What every Nylas collection shares, written once: typed paths, "gone" in every form Nylas uses,
 * reads that say `undefined` for gone, lists over every page, writes whose (possibly sparse) answers
 * become whole objects as Nylas has them, deletes for which gone is success, and the one "several objects …" error of
 * a natural-key lookup. Each collection file (one per collection, mirroring emulator/handlers/)
 * supplies its paths, wire schema, paging, update verb and the calls particular to it.
 */

// ------------------------------------------------------------------------------------ typed paths

/** The `{name}` placeholders of a path template, as a union of names. */
type Placeholders<P extends string> = P extends `${string}{${infer K}}${infer Rest}` ? K | Placeholders<Rest> : never;

/** The parameters a path template takes: exactly its placeholders, so a wrong or missing one does not compile. */
export type PathParams<P extends string> = { [K in Placeholders<P>]: string };

/** Fills `template`'s placeholders, URL-encoding each value (ids may hold `#`, emails `@` and `+`). */
export function makePath<P extends string>(template: P, params: PathParams<P>): string {
  const values = params as Record<string, string>;
  return template.replace(/\{(\w+)\}/g, (_, k: string) => {
    const v = values[k];
    if (typeof v !== "string" || v === "") throw new Error(`path ${template}: no value for {${k}}`);
    return encodeURIComponent(v);
  });
}

// ------------------------------------------------------------------------------------------ gone

/**
 * How a collection says "that object does not exist". Every collection answers 404; webhooks (and
 * notification channels) document a 400 whose message says `destination.id.not.found : record not
 * found` instead, and may answer either.
 */
export type GoneForms = "404" | "404 or 400 not found";

const NOT_FOUND_MESSAGE = /not[._ ]found/i;

/** The one decision whether a failed call means the object is gone. */
export function isGone(e: unknown, forms: GoneForms = "404"): boolean {
  if (e instanceof NylasNotFoundError) return true;
  return forms === "404 or 400 not found" && e instanceof NylasValidationError && e.status === 400 && NOT_FOUND_MESSAGE.test(e.apiMessage);
}

/** `e` as a {@link NylasNotFoundError} when it means gone, so callers above need know one form only. */
function asGone(e: unknown, forms: GoneForms): unknown {
  if (!isGone(e, forms) || e instanceof NylasNotFoundError) return e;
  const v = e as NylasValidationError;
  return new NylasNotFoundError(v.status, v.type, v.apiMessage, v.requestId, v.method, v.path, v.maybeCommitted);
}

// ------------------------------------------------------------------------------------ collections

/** Any wire object schema: zod `looseObject`s, so fields Nylas adds never break a read. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type WireSchema = z.ZodObject<any>;

export interface CollectionSpec<S extends WireSchema> {
  /** For messages: "policy", "policies". */
  noun: string;
  plural: string;
  /** The collection's path, and the path of one object by `{id}`. */
  all: string;
  one: `${string}{id}${string}`;
  /** The id field of the wire object (`workspace_id` for workspaces). */
  idField: string;
  /** A whole object as GET answers it. Write answers are read with its `.partial()`. */
  wire: S;
  /** `cursor`: limit/page_token; `offset`: limit/offset; `unpaged`: one call returns all. */
  paging: "cursor" | "offset" | "unpaged";
  /** PUT and PATCH behave the same at Nylas; each collection has one of them. */
  updateVerb: Extract<Method, "PUT" | "PATCH">;
  gone?: GoneForms;
  auth?: Credential;
  /**
   * Read back with one GET after a write even though the answer is a whole object with its id: it
   * lacks a field whose value only Nylas knows (e.g. a policy's plan-resolved limits).
   */
  readBack?: (answer: Record<string, unknown>) => boolean;
  /** Refresh reads may be answered from one list of the collection (see snapshot.ts). */
  listedReads?: boolean;
  /** The natural key that lookups of a snapshot use (e.g. a grant's email), normalised. */
  lookupKey?: (o: z.infer<S>) => string | undefined;
}

/** Options of one call of a collection, with the path's parameters typed. */
export interface CallSpec<T, P extends string> {
  method: Method;
  path: P;
  params: PathParams<P>;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  data?: z.ZodType<T>;
  answer?: z.ZodType<T>;
  /** Safe to send again after an ambiguous failure (see the client's `idempotent`). */
  idempotent?: boolean;
}

export abstract class Collection<S extends WireSchema> {
  protected readonly sparse: z.ZodType<Partial<z.infer<S>>>;
  protected readonly whole: z.ZodType<z.infer<S>>;
  private readonly page: z.ZodType<{ data?: unknown }>;
  /** List-backed reads and lookups: the one place they are batched (snapshot.ts). */
  protected readonly snapshots: ListSnapshots<z.infer<S>> | undefined;

  protected constructor(
    protected readonly client: NylasClient,
    protected readonly spec: CollectionSpec<S>,
  ) {
    this.sparse = spec.wire.partial() as unknown as z.ZodType<Partial<z.infer<S>>>;
    this.whole = spec.wire as unknown as z.ZodType<z.infer<S>>;
    const items = z.array(this.whole);
    this.page = z.looseObject({ data: z.union([items, z.looseObject({ items: items.nullish() })]).nullish() });
    if (spec.listedReads) this.snapshots = new ListSnapshots(() => this.pages(), (o) => String((o as Record<string, unknown>)[spec.idField]), spec.lookupKey);
  }

  /** One call of this collection: its credential, and a gone answer in whatever form as NotFound. */
  protected async call<T = undefined, P extends string = string>(c: CallSpec<T, P>): Promise<T> {
    const { path, params, ...rest } = c;
    const id = (params as Record<string, string>).id;
    // A write may land even when its answer is lost: a list taken before it no longer speaks for the object.
    if (c.method !== "GET" && id !== undefined) this.snapshots?.touch(id);
    try {
      return await this.client.call({ ...rest, path: makePath(path, params), auth: this.spec.auth });
    } catch (e) {
      throw asGone(e, this.spec.gone ?? "404");
    }
  }

  private oneParams(id: string): PathParams<"{id}"> {
    return { id };
  }

  /** The object, or `undefined` when Nylas says it does not exist. */
  async get(id: string): Promise<z.infer<S> | undefined> {
    try {
      return await this.call({ method: "GET", path: this.spec.one, params: this.oneParams(id), data: this.whole });
    } catch (e) {
      if (e instanceof NylasNotFoundError) return undefined;
      throw e;
    }
  }

  /**
   * The object as a refresh reads it, `undefined` when gone: from one list of the collection when many
   * reads are in flight (see snapshot.ts), else a GET. Reads that must see Nylas now use {@link get}.
   */
  async read(id: string): Promise<z.infer<S> | undefined> {
    return this.snapshots ? this.snapshots.read(id, (i) => this.get(i)) : this.get(id);
  }

  /** Every object, over every page. */
  async list(query?: Record<string, string | number | boolean | undefined>): Promise<z.infer<S>[]> {
    const out: z.infer<S>[] = [];
    for await (const page of this.pages(query)) out.push(...page.items);
    return out;
  }

  /** The objects page by page (one call each; an unpaged collection is one page), as they come. */
  async *pages(query?: Record<string, string | number | boolean | undefined>): AsyncGenerator<Page<z.infer<S>>> {
    const o = { path: this.spec.all, query, item: this.whole, auth: this.spec.auth };
    if (this.spec.paging === "cursor") return yield* this.client.pagesCursor(o);
    if (this.spec.paging === "offset") return yield* this.client.pagesOffset(o);
    const r = await this.call({ method: "GET", path: this.spec.all, params: {}, query, answer: this.page });
    const data = r.data as z.infer<S>[] | { items?: z.infer<S>[] | null } | null | undefined;
    yield { items: Array.isArray(data) ? data : (data?.items ?? []), last: true };
  }

  /** Creates one object. Not retried after an ambiguous failure: the lifecycle settles that by a lookup. */
  async create(body: Record<string, unknown>): Promise<z.infer<S>> {
    const answer = await this.call({ method: "POST", path: this.spec.all, params: {}, body, data: this.sparse });
    return this.settle(undefined, answer);
  }

  /** Updates one object in place (PUT or PATCH, as the collection has it). */
  async update(id: string, body: Record<string, unknown>): Promise<z.infer<S>> {
    const answer = await this.call({ method: this.spec.updateVerb, path: this.spec.one, params: this.oneParams(id), body, data: this.sparse });
    return this.settle(id, answer);
  }

  /** Deletes one object; one that is already gone is what was wanted. */
  async remove(id: string): Promise<void> {
    try {
      await this.call({ method: "DELETE", path: this.spec.one, params: this.oneParams(id) });
    } catch (e) {
      if (!(e instanceof NylasNotFoundError)) throw e;
    }
    this.wrote(id, undefined);
  }

  /** This process changed object `id` (every write's answer passes through {@link settle}); `after` undefined: deleted. */
  protected wrote(id: string, after: z.infer<S> | undefined): void {
    this.snapshots?.wrote(id, after);
  }

  /**
   * The object a write produced, as Nylas has it. Nylas may answer only what changed (no id, no
   * unchanged fields, or the fields echoed as sent): only an answer that carries the id and is a whole
   * object is taken as is — and not even then when `readBack` says it lacks what only Nylas knows.
   * Anything else is read back with one GET, so state is what Nylas reports, not what was sent.
   */
  protected async settle(id: string | undefined, answer: Partial<z.infer<S>> | undefined): Promise<z.infer<S>> {
    const got = (answer ?? {}) as Record<string, unknown>;
    const key = this.spec.idField;
    const answered = typeof got[key] === "string" && got[key] !== "" ? (got[key] as string) : undefined;
    const objectId = answered ?? id;
    if (!objectId) {
      throw new NylasResponseShapeError("POST", this.spec.all, [`data.${key}: missing, so the ${this.spec.noun} just created cannot be told apart`]);
    }
    if (answered && !this.spec.readBack?.(got)) {
      const whole = this.whole.safeParse(got);
      if (whole.success) {
        this.wrote(objectId, whole.data);
        return whole.data;
      }
    }
    const back = await this.get(objectId);
    this.wrote(objectId, back);
    if (!back) {
      throw new NylasNotFoundError(404, "not_found_error", `the ${this.spec.noun} was written but reading it back found nothing`, undefined, "GET", makePath(this.spec.one, this.oneParams(objectId)));
    }
    return back;
  }

  /** The one object among `items` that `matches`, `undefined` for none; several are an error naming them and saying what to do. */
  protected findOne(items: readonly z.infer<S>[], matches: (o: z.infer<S>) => boolean, are: string, fix = "set adopt to the id of the one to manage"): z.infer<S> | undefined {
    const found = items.filter(matches);
    if (found.length > 1) {
      const ids = found.map((o) => String((o as Record<string, unknown>)[this.spec.idField])).join(", ");
      throw new Error(`several Nylas ${this.spec.plural} ${are} (${ids}); ${fix}`);
    }
    return found[0];
  }
}
