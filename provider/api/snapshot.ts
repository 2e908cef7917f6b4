/**
 * List-backed reads, written once for every collection. `pulumi refresh` (and `preview --refresh`)
 * reads every resource; one GET each spends N calls of the application's rate limit (10,000 mailboxes:
 * 200 s at 50 req/s, on every pull request that previews with refresh). When several lookups of one
 * collection are in flight at once — the engine reading a stack in parallel, or creating many
 * accounts — one paged list answers them and the ones that follow: 10,000 grants are 50 pages.
 *
 * The list is read a page at a time, and each read that joins it pays for at most one page: a read not
 * found in the pages its budget bought makes its own GET. So a read never costs more than two calls,
 * and refreshing a small stack in an application of 10,000 grants does not read all 50 pages. (A lookup
 * by natural key reads the whole list: telling "free" needs every page, as its own call would.)
 *
 * A snapshot is what Nylas listed at one moment, so it is used only where that cannot hide a change:
 * - it serves one burst of lookups of one kind, each kind its own. Reads by id (a refresh): dropped
 *   when none came for {@link SnapshotOptions.idleMs}, or when an id this process has read since the
 *   last such re-read is read again (a new refresh has begun) — by any read, not only one this list
 *   answered: a refresh whose list was renewed half-way (it went idle) read its first ids elsewhere.
 *   Lookups by natural key (the creates of an up): a burst is the lookups that start while another,
 *   a create that passed its lookup ({@link hold}), or any other call of the process is still in
 *   progress; a lookup that starts alone begins a new burst, which first catches up with what was
 *   created since (a collection listed newest first: one page) or lists again — so a grant made just
 *   before a lone create is always seen;
 * - an object this process has sent a write for since the list began is never read from it (GET
 *   instead), and lookups by natural key see this process's own writes laid over it;
 * - an id the whole list does not hold is read with GET (created since, or gone: the GET says which),
 *   and a list that fails leaves every lookup to its own call.
 * Lone lookups never use one: until `minPending` are in flight at once, each makes its own call.
 */

import type { Page } from "../client";

/** Milliseconds; `Date.now` in production. */
export type Clock = () => number;

export interface SnapshotOptions {
  /** Own calls in flight at once (this one included) that start a list. */
  minPending: number;
  /** A read snapshot no read used for this long belongs to a refresh that has ended. */
  idleMs: number;
  /** And none is used past this age, however busy. */
  maxAgeMs: number;
}

export const SNAPSHOT_DEFAULTS: SnapshotOptions = { minPending: 2, idleMs: 2_000, maxAgeMs: 10 * 60_000 };

interface Snapshot<T> {
  pages: AsyncIterator<Page<T>>;
  /** The page being fetched: one at a time, shared by every lookup waiting for it. */
  fetching: Promise<void> | undefined;
  fetched: number;
  /** Pages the reads that joined have paid for (one each). */
  budget: number;
  complete: boolean;
  failed: boolean;
  /** What the list said, by id (for reads). */
  listed: Map<string, T>;
  /** The list with this process's writes laid over it, by id and by natural key (for lookups). */
  view: Map<string, T>;
  byKey: Map<string, Set<string>>;
  /** Ids this process sent a write for since the list began (answered or not). */
  touched: Set<string>;
  /** …and those whose write was answered: the list's copy never replaces what the write left. */
  written: Set<string>;
  startedAt: number;
  lastUsed: number;
  /** Lookups: the newest `created_at` listed, and the catch-up with what was created since, if running. */
  newest: number;
  catchingUp: Promise<boolean> | undefined;
}

/** Lists the collection newest first, and reads an object's creation time (Unix seconds). */
export interface NewestFirst<T> {
  pages: () => AsyncIterator<Page<T>>;
  createdAt: (item: T) => number | undefined;
}

type Kind = "read" | "find";

export class ListSnapshots<T> {
  private readonly current: Record<Kind, Snapshot<T> | undefined> = { read: undefined, find: undefined };
  /** Own calls (GETs by id, lookups by key) in flight that a snapshot could have answered. */
  private readonly pending: Record<Kind, number> = { read: 0, find: 0 };
  /** Writes in flight that follow a lookup (see {@link hold}). */
  private holds = 0;
  /** Ids read (from a list or by GET) since a read last began a new refresh: one asked again begins one. */
  private readonly readSinceRefresh = new Set<string>();

  private readonly pages: () => AsyncIterator<Page<T>>;
  private readonly idOf: (item: T) => string;
  private readonly keyOf: (item: T) => string | undefined;
  private readonly newestFirst: NewestFirst<T> | undefined;
  private readonly busy: () => boolean;
  private readonly opts: SnapshotOptions;
  private readonly clock: Clock;

  constructor(c: {
    /** Lists every object, a page per step. */
    pages: () => AsyncIterator<Page<T>>;
    idOf: (item: T) => string;
    /** The natural key lookups use, if any. */
    keyOf?: (item: T) => string | undefined;
    /** When the collection lists newest first: lookups keep their list and catch up per burst. */
    newestFirst?: NewestFirst<T>;
    /** Whether this process has other calls of any kind in progress: a lookup then belongs to a burst. */
    busy?: () => boolean;
    opts?: Partial<SnapshotOptions>;
    clock?: Clock;
  }) {
    this.pages = c.pages;
    this.idOf = c.idOf;
    this.keyOf = c.keyOf ?? (() => undefined);
    this.newestFirst = c.newestFirst;
    this.busy = c.busy ?? (() => false);
    this.opts = { ...SNAPSHOT_DEFAULTS, ...c.opts };
    this.clock = c.clock ?? Date.now;
  }

  /**
   * The object `id` as a refresh reads it: from the snapshot when there is one (or enough reads are in
   * flight to start one), else `get(id)` — `undefined` for gone either way.
   */
  async read(id: string, get: (id: string) => Promise<T | undefined>): Promise<T | undefined> {
    const s = this.snapshot("read", id);
    if (s) {
      s.budget++;
      while (!s.touched.has(id)) {
        const item = s.listed.get(id);
        if (item !== undefined) return item;
        if (!(await this.more(s))) break;
      }
    }
    return this.own("read", () => get(id));
  }

  /**
   * The objects whose natural key is `key` (e.g. "the grants of this email"): from the snapshot with
   * this process's writes laid over it (`listed`), else those of `fresh()`. A key the list holds is
   * answered as soon as its page is in; that it holds none only once the whole list is.
   */
  async find(key: string, fresh: () => Promise<T[]>): Promise<{ found: T[]; listed: boolean }> {
    const s = this.snapshot("find", undefined);
    this.pending.find++;
    try {
      if (s && (!s.catchingUp || (await s.catchingUp))) {
        for (;;) {
          const ids = s.byKey.get(key);
          if ((ids && ids.size > 0) || s.complete) return { found: [...(ids ?? [])].map((id) => s.view.get(id)!), listed: true };
          if (!(await this.more(s, Infinity))) break;
        }
      }
      return { found: (await fresh()).filter((o) => this.keyOf(o) === key), listed: false };
    } finally {
      this.pending.find--;
    }
  }

  /**
   * Keeps the burst of lookups open until the returned function is called: for a lookup whose write
   * follows (a create after "is this email taken?"), however long the write waits for the rate limit.
   */
  hold(): () => void {
    this.holds++;
    let open = true;
    return () => {
      if (open) this.holds--;
      open = false;
    };
  }

  /** Nylas says `id` is gone: lookups no longer find it. */
  forget(id: string): void {
    const s = this.current.find;
    if (s && !s.written.has(id)) this.apply(s, id, undefined);
  }

  /** This process is sending a write for `id`: from now on its reads go to Nylas. */
  touch(id: string): void {
    for (const s of Object.values(this.current)) s?.touched.add(id);
  }

  /** This process wrote `id`, which is now `after` (`undefined`: deleted). */
  wrote(id: string, after: T | undefined): void {
    for (const s of Object.values(this.current)) {
      if (!s) continue;
      s.touched.add(id);
      s.written.add(id);
      this.apply(s, id, after);
    }
  }

  /** The snapshot a lookup may use now, if any: the current one unless it has ended, or a new one. */
  private snapshot(kind: Kind, readId: string | undefined): Snapshot<T> | undefined {
    const now = this.clock();
    let s = this.current[kind];
    // A failed list stays current until the burst ends: its lookups make their own calls, not new lists.
    const old = s !== undefined && now - s.startedAt > this.opts.maxAgeMs;
    const newRefresh = readId !== undefined && this.readSinceRefresh.has(readId);
    if (newRefresh) this.readSinceRefresh.clear();
    if (readId !== undefined) this.readSinceRefresh.add(readId);
    if (s && kind === "read" && (old || newRefresh || now - s.lastUsed > this.opts.idleMs)) {
      s = this.current.read = undefined;
    }
    if (s && kind === "find" && !s.catchingUp && (old || (this.holds === 0 && this.pending.find === 0 && !this.busy()))) {
      // A lookup that starts alone: on a collection listed newest first, read only what was created since.
      if (!old && this.newestFirst && s.complete && !s.failed) s.catchingUp = this.catchUp(s);
      else s = this.current.find = undefined;
    }
    // Creates waiting for their write count as in flight, like lookups. A collection that can catch up
    // lists on the first lookup: later bursts then cost one page, not a lookup each.
    const inFlight = this.pending[kind] + (kind === "find" ? this.holds : 0);
    if (!s && (inFlight + 1 >= this.opts.minPending || (kind === "find" && this.newestFirst))) {
      s = this.current[kind] = {
        pages: this.pages(),
        fetching: undefined,
        fetched: 0,
        budget: 0,
        complete: false,
        failed: false,
        listed: new Map(),
        view: new Map(),
        byKey: new Map(),
        touched: new Set(),
        written: new Set(),
        startedAt: now,
        lastUsed: now,
        newest: -Infinity,
        catchingUp: undefined,
      };
    }
    if (s) s.lastUsed = now;
    return s;
  }

  /**
   * Waits for one more page: the one being fetched, or the next one if `budget` (pages) allows. False
   * when there will be none (the list is complete, failed, or the budget is spent).
   */
  private async more(s: Snapshot<T>, budget = s.budget): Promise<boolean> {
    if (!s.fetching) {
      if (s.complete || s.failed || s.fetched >= budget) return false;
      s.fetching = this.fetch(s);
    }
    await s.fetching;
    return true;
  }

  private async fetch(s: Snapshot<T>): Promise<void> {
    try {
      const page = await s.pages.next();
      s.fetched++;
      if (page.done) {
        s.complete = true;
        return;
      }
      for (const o of page.value.items) this.take(s, o);
      if (page.value.last) s.complete = true;
    } catch {
      s.failed = true;
    } finally {
      s.fetching = undefined;
    }
  }

  /** One listed object into the snapshot (what this process wrote since stays as the write left it). */
  private take(s: Snapshot<T>, o: T): void {
    const id = this.idOf(o);
    s.listed.set(id, o);
    if (!s.written.has(id)) this.apply(s, id, o);
    const at = this.newestFirst?.createdAt(o);
    s.newest = at === undefined ? NaN : Math.max(s.newest, at);
  }

  /**
   * Reads the newest-first list until it reaches what the snapshot already has (an object created
   * before the newest one listed; the same second is read again). False, and the snapshot dropped, when
   * that cannot be told (an object without `created_at`) or the list fails.
   */
  private async catchUp(s: Snapshot<T>): Promise<boolean> {
    const since = s.newest;
    try {
      if (Number.isNaN(since)) throw new Error("objects without created_at: cannot catch up");
      const pages = this.newestFirst!.pages();
      for (;;) {
        const page = await pages.next();
        if (page.done) break;
        let older = false;
        for (const o of page.value.items) {
          this.take(s, o);
          const at = this.newestFirst!.createdAt(o);
          if (at === undefined || at < since) older = true;
        }
        if (older || page.value.last) break;
      }
      s.catchingUp = undefined;
      s.lastUsed = this.clock();
      return true;
    } catch {
      if (this.current.find === s) this.current.find = undefined;
      return false;
    }
  }

  /** Lays `after` over the view (`undefined`: deleted). */
  private apply(s: Snapshot<T>, id: string, after: T | undefined): void {
    const before = s.view.get(id);
    const oldKey = before === undefined ? undefined : this.keyOf(before);
    if (oldKey !== undefined) s.byKey.get(oldKey)?.delete(id);
    if (after === undefined) {
      s.view.delete(id);
      return;
    }
    s.view.set(id, after);
    const key = this.keyOf(after);
    if (key === undefined) return;
    let ids = s.byKey.get(key);
    if (!ids) s.byKey.set(key, (ids = new Set()));
    ids.add(id);
  }

  private async own<R>(kind: Kind, call: () => Promise<R>): Promise<R> {
    this.pending[kind]++;
    try {
      return await call();
    } finally {
      this.pending[kind]--;
    }
  }
}
