import { ListSnapshots, SNAPSHOT_DEFAULTS, type SnapshotOptions } from "../../provider/api/snapshot";

/**
 * List-backed reads and lookups (provider/api/snapshot.ts) against a fake collection that counts its
 * calls, with an injected clock: when one list answers many lookups, and every case in which it must
 * not (lone lookups, a new refresh, objects written since, ids it does not hold, a failed list, an
 * ended burst).
 */

interface Obj {
  id: string;
  email: string;
  v: number;
  created?: number;
}

function collection(n: number, pageSize = 100) {
  const store = new Map<string, Obj>();
  for (let i = 0; i < n; i++) store.set(`o${i}`, { id: `o${i}`, email: `a${i}@x.example`, v: 1 });
  const calls = { list: 0, get: 0, fresh: 0 };
  let failList = false;
  const gates: Array<() => void> = [];
  /** Calls wait here until `release()`, so a test can hold several in flight at once. */
  let holding = false;
  const hold = () => (holding ? new Promise<void>((r) => gates.push(r)) : Promise.resolve());
  const clock = { now: 0 };
  /** Other calls of the process in progress (writes of other resources). */
  const busy = { calls: 0 };
  async function* pages(order: (all: Obj[]) => Obj[]) {
    const all = order([...store.values()].map((o) => ({ ...o })));
    for (let i = 0; i === 0 || i < all.length; i += pageSize) {
      calls.list++;
      await hold();
      if (failList) throw new Error("list failed");
      yield { items: all.slice(i, i + pageSize), last: i + pageSize >= all.length };
    }
  }
  const make = (opts: Partial<SnapshotOptions> = {}, newestFirst = false) =>
    new ListSnapshots<Obj>({
      pages: () => pages((all) => all),
      idOf: (o) => o.id,
      keyOf: (o) => o.email,
      newestFirst: newestFirst ? { pages: () => pages((all) => all.sort((a, b) => (b.created ?? 0) - (a.created ?? 0))), createdAt: (o) => o.created } : undefined,
      busy: () => busy.calls > 0,
      opts,
      clock: () => clock.now,
    });
  const get = async (id: string) => {
    calls.get++;
    await hold();
    const o = store.get(id);
    return o && { ...o };
  };
  const fresh = (email: string) => async () => {
    calls.fresh++;
    await hold();
    return [...store.values()].filter((o) => o.email === email).map((o) => ({ ...o }));
  };
  return {
    store,
    calls,
    clock,
    busy,
    make,
    get,
    fresh,
    set failList(v: boolean) {
      failList = v;
    },
    holdCalls() {
      holding = true;
    },
    async release() {
      holding = false;
      while (gates.length) gates.shift()!();
      await new Promise((r) => setImmediate(r));
    },
  };
}

/** Reads `ids` with `parallel` in flight at a time, like the engine's refresh. */
async function refresh(s: ListSnapshots<Obj>, c: ReturnType<typeof collection>, ids: string[], parallel = 10) {
  const out = new Map<string, Obj | undefined>();
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < ids.length) {
        const id = ids[next++];
        out.set(id, await s.read(id, c.get));
      }
    }),
  );
  return out;
}

const ids = (n: number) => Array.from({ length: n }, (_, i) => `o${i}`);

describe("ListSnapshots: list-backed reads", () => {
  it("a refresh of many objects with reads in parallel costs the list's pages and the GETs in flight before it", async () => {
    const c = collection(500);
    const s = c.make();
    const got = await refresh(s, c, ids(500));
    expect(c.calls.list).toBe(5);
    expect(c.calls.get).toBe(SNAPSHOT_DEFAULTS.minPending - 1);
    expect(ids(500).every((id) => got.get(id)?.id === id)).toBe(true);
  });

  it("a few reads in a big collection pay at most a page each, never the whole list", async () => {
    const c = collection(10_000);
    const s = c.make();
    const wanted = ["o9990", "o9991", "o9992", "o9993", "o9994"];
    const got = await Promise.all(wanted.map((id) => s.read(id, c.get)));
    expect(got.map((o) => o?.id)).toEqual(wanted);
    expect(c.calls.list).toBeLessThanOrEqual(wanted.length);
    expect(c.calls.list + c.calls.get).toBeLessThanOrEqual(2 * wanted.length);
  });

  it("lone reads, one at a time, each GET and never wait for a list", async () => {
    const c = collection(50);
    const s = c.make();
    for (const id of ids(20)) expect((await s.read(id, c.get))?.id).toBe(id);
    expect(c.calls).toEqual({ list: 0, get: 20, fresh: 0 });
  });

  it("sees an object deleted out of band: not in the list, so a GET, which says gone", async () => {
    const c = collection(100);
    c.store.delete("o42");
    const got = await refresh(c.make(), c, ids(100));
    expect(got.get("o42")).toBeUndefined();
    expect(got.get("o43")?.id).toBe("o43");
    expect(c.calls.list).toBe(1);
    expect(c.calls.get).toBe(SNAPSHOT_DEFAULTS.minPending - 1 + 1);
  });

  it("a second refresh (an id read again) lists again and sees drift made in between", async () => {
    const c = collection(100);
    const s = c.make();
    await refresh(s, c, ids(100));
    c.store.set("o7", { ...c.store.get("o7")!, v: 2 });
    c.store.delete("o8");
    c.clock.now += 100; // well inside the idle window: the re-read alone ends the snapshot
    const again = await refresh(s, c, ids(100));
    expect(again.get("o7")?.v).toBe(2);
    expect(again.get("o8")).toBeUndefined();
    expect(c.calls.list).toBe(2);
  });

  it("a second refresh sees drift also when the first one's list was renewed half-way (it went idle on a busy machine)", async () => {
    const c = collection(100);
    const s = c.make();
    await refresh(s, c, ids(50));
    c.clock.now += SNAPSHOT_DEFAULTS.idleMs + 1; // the first refresh stalls: its list is dropped, the rest lists again
    await refresh(s, c, ids(100).slice(50));
    // Drift in the first half, which the renewed list holds but never answered, then a second refresh
    // inside the idle window: the first ids it reads were read before, so it must list again.
    c.store.set("o3", { ...c.store.get("o3")!, v: 2 });
    c.store.delete("o8");
    c.clock.now += 100;
    const lists = c.calls.list;
    const again = await refresh(s, c, ids(100));
    expect(again.get("o3")?.v).toBe(2);
    expect(again.get("o8")).toBeUndefined();
    expect(c.calls.list).toBe(lists + 1);
  });

  it("a lone read after the burst has been idle goes to Nylas, not to the old list", async () => {
    const c = collection(100);
    const s = c.make();
    await refresh(s, c, ids(50)); // o50…o99 are in the list but not read
    c.store.set("o77", { ...c.store.get("o77")!, v: 3 });
    c.clock.now += SNAPSHOT_DEFAULTS.idleMs + 1;
    const gets = c.calls.get;
    expect((await s.read("o77", c.get))?.v).toBe(3);
    expect(c.calls.get).toBe(gets + 1);
  });

  it("never answers from the list for an object this process has written since it began", async () => {
    const c = collection(100);
    const s = c.make();
    await refresh(s, c, ids(50));
    s.touch("o60"); // a write is sent…
    c.store.set("o60", { ...c.store.get("o60")!, v: 9 });
    s.wrote("o60", c.store.get("o60")); // …and answered
    s.touch("o61"); // a write whose answer was lost: what it did is unknown
    c.store.set("o61", { ...c.store.get("o61")!, v: 5 });
    const gets = c.calls.get;
    expect((await s.read("o60", c.get))?.v).toBe(9);
    expect((await s.read("o61", c.get))?.v).toBe(5);
    expect((await s.read("o62", c.get))?.v).toBe(1);
    expect(c.calls.get).toBe(gets + 2);
    expect(c.calls.list).toBe(1);
  });

  it("a write answered while the list is still on its way is not hidden by it", async () => {
    const c = collection(10);
    const s = c.make();
    c.holdCalls();
    const reads = ids(3).map((id) => s.read(id, c.get)); // the third starts the list
    s.wrote("o5", { id: "o5", email: "a5@x.example", v: 4 });
    await c.release();
    await Promise.all(reads);
    const gets = c.calls.get;
    c.store.set("o5", { id: "o5", email: "a5@x.example", v: 4 });
    expect((await s.read("o5", c.get))?.v).toBe(4);
    expect(c.calls.get).toBe(gets + 1);
  });

  it("a list that fails leaves each read to its own GET", async () => {
    const c = collection(30);
    c.failList = true;
    const got = await refresh(c.make(), c, ids(30));
    expect([...got.values()].every((o) => o !== undefined)).toBe(true);
    expect(c.calls.get).toBe(30);
  });

  it("is dropped past its maximum age, however busy", async () => {
    const c = collection(20);
    const s = c.make({ maxAgeMs: 1000 });
    await refresh(s, c, ids(10));
    for (let t = 0; t < 3; t++) {
      c.clock.now += 400; // each read keeps it from idling
      await s.read(`o${10 + t}`, c.get);
    }
    // 1,200 ms old: this read goes to Nylas (alone, it starts no new list).
    expect(c.calls.list).toBe(1);
    expect(c.calls.get).toBe(SNAPSHOT_DEFAULTS.minPending - 1 + 1);
  });
});

describe("ListSnapshots: lookups by natural key", () => {
  it("many lookups in flight share one list; this process's own creates and deletes are laid over it", async () => {
    const c = collection(300);
    const s = c.make();
    c.holdCalls();
    const first = [0, 1, 2].map((i) => s.find(`new${i}@x.example`, c.fresh(`new${i}@x.example`)));
    await c.release();
    for (const r of await Promise.all(first)) expect(r.found).toEqual([]);
    // A free email is known free only from the whole list (3 pages). The burst goes on (a create still
    // in flight) while this process creates more, answered: now taken.
    const inFlight = s.hold();
    for (let i = 0; i < 100; i++) {
      const email = `new${i}@x.example`;
      const { found } = await s.find(email, c.fresh(email));
      expect(found).toEqual([]);
      s.wrote(`n${i}`, { id: `n${i}`, email, v: 1 });
    }
    expect(c.calls.list).toBe(3);
    const calls = { ...c.calls };
    expect(calls.fresh).toBe(1);
    expect((await s.find("new5@x.example", c.fresh("new5@x.example"))).found.map((o) => o.id)).toEqual(["n5"]);
    // An existing one, then deleted by this process: free again.
    expect((await s.find("a9@x.example", c.fresh("a9@x.example"))).found.map((o) => o.id)).toEqual(["o9"]);
    s.wrote("o9", undefined);
    expect((await s.find("a9@x.example", c.fresh("a9@x.example"))).found).toEqual([]);
    expect(c.calls).toEqual(calls);
    inFlight();
  });

  it("a lookup snapshot lives while the creates after its lookups wait, however long, and ends with the last", async () => {
    const c = collection(50);
    const s = c.make();
    const creates = [s.hold(), s.hold()]; // two creates past their check, waiting for the rate limit
    expect((await s.find("a1@x.example", c.fresh("a1@x.example"))).listed).toBe(true);
    c.clock.now += 60_000;
    expect((await s.find("a2@x.example", c.fresh("a2@x.example"))).listed).toBe(true);
    expect(c.calls).toEqual({ list: 1, get: 0, fresh: 0 });
    for (const release of creates) release();
    // The burst is over: someone may have made a grant since; a lone check asks Nylas.
    c.store.set("late", { id: "late", email: "late@x.example", v: 1 });
    expect(await s.find("late@x.example", c.fresh("late@x.example"))).toEqual({ found: [c.store.get("late")], listed: false });
  });

  it("newest first: the first lookup lists once; a lone lookup then reads only the newest page, and sees what was made just before", async () => {
    const c = collection(1000);
    let t = 1_000;
    for (const o of c.store.values()) o.created = t++;
    const s = c.make({}, true);
    expect((await s.find("new@x.example", c.fresh("new@x.example"))).found).toEqual([]);
    expect(c.calls).toEqual({ list: 10, get: 0, fresh: 0 });
    // A burst: lookups while creates are in flight use the list as it is.
    const creates = [s.hold(), s.hold()];
    expect((await s.find("a5@x.example", c.fresh("a5@x.example"))).found.map((o) => o.id)).toEqual(["o5"]);
    expect((await s.find("free@x.example", c.fresh("free@x.example"))).found).toEqual([]);
    expect(c.calls.list).toBe(10);
    for (const release of creates) release();
    // Made out of band (in the same second as the newest listed one), then a lone create's check.
    c.store.set("late", { id: "late", email: "late@x.example", v: 1, created: t - 1 });
    expect((await s.find("late@x.example", c.fresh("late@x.example"))).found.map((o) => o.id)).toEqual(["late"]);
    expect(c.calls).toEqual({ list: 11, get: 0, fresh: 0 });
    // Hundreds made since: the catch-up reads pages until it reaches what it had.
    for (let i = 0; i < 250; i++) c.store.set(`m${i}`, { id: `m${i}`, email: `m${i}@x.example`, v: 1, created: t + 10 });
    expect((await s.find("m0@x.example", c.fresh("m0@x.example"))).found.map((o) => o.id)).toEqual(["m0"]);
    expect(c.calls.list).toBe(11 + 3);
  });

  it("newest first: a lookup while the process has other calls in progress is part of the burst (no catch-up)", async () => {
    const c = collection(100);
    let t = 1;
    for (const o of c.store.values()) o.created = t++;
    const s = c.make({}, true);
    await s.find("x@x.example", c.fresh("x@x.example"));
    c.busy.calls = 3; // e.g. webhook creates of the same up
    for (let i = 0; i < 10; i++) await s.find(`y${i}@x.example`, c.fresh(`y${i}@x.example`));
    expect(c.calls).toEqual({ list: 1, get: 0, fresh: 0 });
    c.busy.calls = 0;
    await s.find("z@x.example", c.fresh("z@x.example"));
    expect(c.calls.list).toBe(2);
  });

  it("newest first, but an object without created_at: no catch-up, a lone lookup asks Nylas", async () => {
    const c = collection(10);
    const s = c.make({}, true);
    await s.find("a1@x.example", c.fresh("a1@x.example"));
    expect((await s.find("a2@x.example", c.fresh("a2@x.example"))).listed).toBe(false);
    expect(c.calls.fresh).toBe(1);
  });

  it("a lone lookup asks Nylas (fresh), never an old list", async () => {
    const c = collection(10);
    const s = c.make();
    const r = await s.find("a3@x.example", c.fresh("a3@x.example"));
    expect(r).toEqual({ found: [{ id: "o3", email: "a3@x.example", v: 1 }], listed: false });
    expect(c.calls).toEqual({ list: 0, get: 0, fresh: 1 });
  });
});
