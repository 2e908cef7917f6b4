/**
 * List-backed reads, written once for every collection. `pulumi refresh` (and `preview --refresh`)
 * reads every resource; one GET each spends N calls of the application's rate limit (10,000 mailboxes:
 * 200 s at 50 req/s, on every pull request that previews with refresh). When several lookups of one
 * collection are in flight at once — the engine reading a stack in parallel, or creating many
 * accounts — one paged list answers them and the ones that follow: 10,000 grants are 50 pages.
 *
 * A snapshot is what Nylas listed at one moment, so it is used only where that cannot hide a change:
 * - it serves one burst of lookups: it is dropped when none came for {@link SnapshotOptions.idleMs},
 *   and a second read of an id it already answered means a new refresh has begun, so it is dropped too;
 * - an object this process has sent a write for since the list began is never read from it (GET
 *   instead), and lookups by natural key see this process's own writes laid over it;
 * - an id it does not hold is read with GET (created since, or gone: the GET says which), and a list
 *   that fails leaves every lookup to its own call.
 * Lone lookups never wait for a list: until `minPending` are in flight at once, each makes its own call.
 */

/** Milliseconds; `Date.now` in production. */
export type Clock = () => number;

export interface SnapshotOptions {
  /** Own calls in flight at once (this one included) that make a list worth it. */
  minPending: number;
  /** A snapshot no lookup used for this long belongs to a burst that has ended. */
  idleMs: number;
  /** And none is used past this age, however busy. */
  maxAgeMs: number;
}

export const SNAPSHOT_DEFAULTS: SnapshotOptions = { minPending: 3, idleMs: 2_000, maxAgeMs: 10 * 60_000 };

interface Snapshot<T> {
  ready: Promise<boolean>;
  /** What the list said, by id (for reads). */
  listed: Map<string, T>;
  /** The list with this process's writes laid over it, by id and by natural key (for lookups). */
  view: Map<string, T>;
  byKey: Map<string, Set<string>>;
  /** Writes answered before the list was: laid over it once it is (then `undefined`). */
  early: Array<[string, T | undefined]> | undefined;
  /** Ids this process sent a write for since the list began (answered or not). */
  touched: Set<string>;
  /** Ids answered by `read`: asked again, a new refresh has begun. */
  served: Set<string>;
  startedAt: number;
  lastUsed: number;
}

export class ListSnapshots<T> {
  private current: Snapshot<T> | undefined;
  /** Own calls (GETs by id, lookups by key) in flight that a snapshot could have answered. */
  private pending = 0;

  /**
   * `listAll` lists every object (all pages); `idOf` and `keyOf` (the natural key lookups use, if any)
   * read an object.
   */
  constructor(
    private readonly listAll: () => Promise<T[]>,
    private readonly idOf: (item: T) => string,
    private readonly keyOf: (item: T) => string | undefined = () => undefined,
    private readonly opts: SnapshotOptions = SNAPSHOT_DEFAULTS,
    private readonly clock: Clock = Date.now,
  ) {}

  /**
   * The object `id` as a refresh reads it: from the snapshot when there is one (or enough reads are in
   * flight to start one), else `get(id)` — `undefined` for gone either way.
   */
  async read(id: string, get: (id: string) => Promise<T | undefined>): Promise<T | undefined> {
    const s = this.snapshot(id);
    if (!s || s.touched.has(id) || !(await s.ready) || s.touched.has(id) || !s.listed.has(id)) return this.own(() => get(id));
    s.served.add(id);
    return s.listed.get(id);
  }

  /**
   * The objects whose natural key is `key` (e.g. "the grants of this email"): from the snapshot with
   * this process's writes laid over it (`listed`), else those of `fresh()`.
   */
  async find(key: string, fresh: () => Promise<T[]>): Promise<{ found: T[]; listed: boolean }> {
    const s = this.snapshot(undefined);
    if (!s || !(await s.ready)) return { found: (await this.own(fresh)).filter((o) => this.keyOf(o) === key), listed: false };
    return { found: [...(s.byKey.get(key) ?? [])].map((id) => s.view.get(id)!), listed: true };
  }

  /** This process is sending a write for `id`: from now on its reads go to Nylas. */
  touch(id: string): void {
    this.current?.touched.add(id);
  }

  /** This process wrote `id`, which is now `after` (`undefined`: deleted). */
  wrote(id: string, after: T | undefined): void {
    const s = this.current;
    if (!s) return;
    s.touched.add(id);
    if (s.early) s.early.push([id, after]);
    else this.apply(s, id, after);
  }

  /** The snapshot a lookup may use now, if any: the current one unless it has ended, or a new one. */
  private snapshot(readId: string | undefined): Snapshot<T> | undefined {
    const now = this.clock();
    let s = this.current;
    if (s && (now - s.lastUsed > this.opts.idleMs || now - s.startedAt > this.opts.maxAgeMs || (readId !== undefined && s.served.has(readId)))) {
      s = this.current = undefined;
    }
    if (!s && this.pending + 1 >= this.opts.minPending) s = this.current = this.start(now);
    if (s) s.lastUsed = now;
    return s;
  }

  private start(now: number): Snapshot<T> {
    const s: Snapshot<T> = {
      ready: Promise.resolve(false),
      listed: new Map(),
      view: new Map(),
      byKey: new Map(),
      early: [],
      touched: new Set(),
      served: new Set(),
      startedAt: now,
      lastUsed: now,
    };
    s.ready = this.listAll().then(
      (all) => {
        for (const o of all) {
          s.listed.set(this.idOf(o), o);
          this.apply(s, this.idOf(o), o);
        }
        for (const [id, after] of s.early ?? []) this.apply(s, id, after);
        s.early = undefined;
        return true;
      },
      () => {
        if (this.current === s) this.current = undefined;
        return false;
      },
    );
    return s;
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

  private async own<R>(call: () => Promise<R>): Promise<R> {
    this.pending++;
    try {
      return await call();
    } finally {
      this.pending--;
    }
  }
}
