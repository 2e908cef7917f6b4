/**
 * In-memory object store with an optional durable journal.
 *
 * Persistence format (in `dataDir`):
 *  - `state.json`   — snapshot `{version, nextSeq, collections: {name: [[seq, object], ...]}}`, written
 *                     with write-temp + fsync + rename (+ directory fsync), so it is always whole.
 *  - `journal.jsonl` — one JSON line per committed request: `{"t":<ms>,"o":[op,...]}` where op is
 *                     `["p", collection, seq, object]` (put, full object) or `["d", collection, id]`.
 *                     Appended with a single write + fdatasync before the HTTP response is sent. A torn
 *                     last line (crash mid-write) is ignored on load. Puts carry whole objects, so replaying
 *                     the journal over a snapshot that already contains it is harmless.
 * The journal is folded into a fresh snapshot at startup, at close, on reset and when it grows large.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export const COLLECTIONS = [
  "meta",
  "connectors",
  "grants",
  "webhooks",
  "policies",
  "rules",
  "lists",
  "list_items",
  "workspaces",
  "domains",
  "messages",
  "threads",
  "idempotency",
  "folders",
  "signatures",
  "rule_evaluations",
  "channels",
  "application",
  "usage",
  "principals",
  "credentials",
  "roles",
  "outbox",
] as const;
export type CollName = (typeof COLLECTIONS)[number];

export interface Rec {
  id: string;
  [k: string]: unknown;
}

/** Ids kept sorted by a monotonically increasing sequence number (creation order). */
export class OrderedIds {
  readonly ids: string[] = [];
  readonly seqs: number[] = [];

  get size(): number {
    return this.ids.length;
  }

  insert(id: string, seq: number): void {
    const n = this.seqs.length;
    if (n === 0 || this.seqs[n - 1] < seq) {
      this.ids.push(id);
      this.seqs.push(seq);
      return;
    }
    const i = this.lowerBound(seq);
    if (this.seqs[i] === seq) {
      this.ids[i] = id;
      return;
    }
    this.ids.splice(i, 0, id);
    this.seqs.splice(i, 0, seq);
  }

  remove(seq: number): void {
    const i = this.lowerBound(seq);
    if (i < this.seqs.length && this.seqs[i] === seq) {
      this.ids.splice(i, 1);
      this.seqs.splice(i, 1);
    }
  }

  /** First index whose seq is >= `seq`. */
  lowerBound(seq: number): number {
    let lo = 0;
    let hi = this.seqs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.seqs[mid] < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  clear(): void {
    this.ids.length = 0;
    this.seqs.length = 0;
  }
}

export class Collection<T extends Rec = Rec> {
  readonly map = new Map<string, T>();
  readonly seqOf = new Map<string, number>();
  readonly order = new OrderedIds();
  constructor(readonly name: CollName) {}

  get(id: string): T | undefined {
    return this.map.get(id);
  }
  has(id: string): boolean {
    return this.map.has(id);
  }
  get size(): number {
    return this.map.size;
  }
  /** Values in creation order. */
  *values(): IterableIterator<T> {
    for (const id of this.order.ids) {
      const v = this.map.get(id);
      if (v) yield v;
    }
  }
  all(): T[] {
    return [...this.values()];
  }
}

export type Op = ["p", CollName, number, Rec] | ["d", CollName, string];

export interface StoreHooks {
  onPut(coll: CollName, prev: Rec | undefined, next: Rec, seq: number): void;
  onDel(coll: CollName, prev: Rec, seq: number): void;
  onClear(): void;
}

const COMPACT_BYTES = 64 * 1024 * 1024;

export class Store {
  readonly cols: { [K in CollName]: Collection } = Object.fromEntries(
    COLLECTIONS.map((c) => [c, new Collection(c)]),
  ) as { [K in CollName]: Collection };
  private nextSeq = 1;
  private pending: Op[] = [];
  private journalFd: number | undefined;
  private journalBytes = 0;
  private flushScheduled = false;
  hooks: StoreHooks | undefined;

  constructor(
    readonly dataDir: string | undefined,
    readonly fsync: boolean,
    private readonly warn: (msg: string) => void,
  ) {}

  col<T extends Rec = Rec>(c: CollName): Collection<T> {
    return this.cols[c] as unknown as Collection<T>;
  }

  get<T extends Rec = Rec>(c: CollName, id: string): T | undefined {
    return this.cols[c].get(id) as T | undefined;
  }

  /** Insert or replace a whole object. Objects must be treated as immutable once stored. */
  put<T extends Rec>(c: CollName, obj: T): T {
    this.apply(["p", c, this.cols[c].seqOf.get(obj.id) ?? this.nextSeq++, obj]);
    return obj;
  }

  del(c: CollName, id: string): void {
    if (!this.cols[c].has(id)) return;
    this.apply(["d", c, id]);
  }

  private apply(op: Op, journal = true): void {
    if (op[0] === "p") {
      const [, c, seq, obj] = op;
      const col = this.cols[c];
      const prev = col.get(obj.id);
      col.map.set(obj.id, obj);
      if (!col.seqOf.has(obj.id)) {
        col.seqOf.set(obj.id, seq);
        col.order.insert(obj.id, seq);
      }
      if (seq >= this.nextSeq) this.nextSeq = seq + 1;
      this.hooks?.onPut(c, prev, obj, col.seqOf.get(obj.id)!);
    } else {
      const [, c, id] = op;
      const col = this.cols[c];
      const prev = col.get(id);
      if (!prev) return;
      const seq = col.seqOf.get(id)!;
      col.map.delete(id);
      col.seqOf.delete(id);
      col.order.remove(seq);
      this.hooks?.onDel(c, prev, seq);
    }
    if (journal && this.dataDir) {
      this.pending.push(op);
      if (!this.flushScheduled) {
        // Safety net for mutations made outside a request (the server flushes explicitly per request).
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    }
  }

  /** Make every mutation so far durable (one journal line). Called before each response is written. */
  flush(): void {
    this.flushScheduled = false;
    if (this.pending.length === 0 || this.journalFd === undefined) {
      this.pending.length = 0;
      return;
    }
    const line = JSON.stringify({ t: Date.now(), o: this.pending }) + "\n";
    this.pending = [];
    const buf = Buffer.from(line, "utf8");
    let off = 0;
    while (off < buf.length) off += fs.writeSync(this.journalFd, buf, off, buf.length - off);
    if (this.fsync) fs.fdatasyncSync(this.journalFd);
    this.journalBytes += buf.length;
    if (this.journalBytes > COMPACT_BYTES) this.compact();
  }

  /** Drop every object (used by reset); persisted by an immediate compaction. */
  clear(): void {
    for (const c of COLLECTIONS) {
      const col = this.cols[c];
      col.map.clear();
      col.seqOf.clear();
      col.order.clear();
    }
    this.pending = [];
    this.hooks?.onClear();
  }

  private get snapshotPath(): string {
    return path.join(this.dataDir!, "state.json");
  }
  private get journalPath(): string {
    return path.join(this.dataDir!, "journal.jsonl");
  }

  /** Load snapshot + journal (the caller compacts afterwards). No-op without a data directory. */
  open(): { loaded: boolean } {
    if (!this.dataDir) return { loaded: false };
    fs.mkdirSync(this.dataDir, { recursive: true });
    let loaded = false;
    if (fs.existsSync(this.snapshotPath)) {
      const snap = JSON.parse(fs.readFileSync(this.snapshotPath, "utf8")) as {
        version: number;
        nextSeq: number;
        collections: Record<string, [number, Rec][]>;
      };
      if (snap.version !== 1) throw new Error(`unsupported emulator state version ${snap.version}`);
      for (const c of COLLECTIONS) {
        for (const [seq, obj] of snap.collections[c] ?? []) this.apply(["p", c, seq, obj], false);
      }
      this.nextSeq = Math.max(this.nextSeq, snap.nextSeq);
      loaded = true;
    }
    if (fs.existsSync(this.journalPath)) {
      const text = fs.readFileSync(this.journalPath, "utf8");
      const lines = text.split("\n");
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i];
        if (!line) continue;
        let entry: { o: Op[] };
        try {
          entry = JSON.parse(line) as { o: Op[] };
        } catch {
          const last = lines.slice(i + 1).every((l) => l === "");
          this.warn(
            last
              ? "nylas-emulator: ignoring a torn last journal line (interrupted write)"
              : `nylas-emulator: skipping an unreadable journal line ${i + 1}`,
          );
          continue;
        }
        for (const op of entry.o) {
          if (!(COLLECTIONS as readonly string[]).includes(op[1])) continue;
          this.apply(op, false);
        }
        loaded = true;
      }
    }
    return { loaded };
  }

  /** Fold everything into a fresh snapshot and start an empty journal. */
  compact(): void {
    if (!this.dataDir) return;
    this.pending = []; // everything pending is part of the snapshot
    if (this.journalFd !== undefined) {
      fs.closeSync(this.journalFd);
      this.journalFd = undefined;
    }
    const collections: Record<string, [number, Rec][]> = {};
    for (const c of COLLECTIONS) {
      const col = this.cols[c];
      const rows: [number, Rec][] = [];
      for (let i = 0; i < col.order.ids.length; i++) {
        const obj = col.map.get(col.order.ids[i]);
        if (obj) rows.push([col.order.seqs[i], obj]);
      }
      collections[c] = rows;
    }
    const text = JSON.stringify({ version: 1, nextSeq: this.nextSeq, collections });
    writeFileAtomic(this.snapshotPath, text);
    // Only after the snapshot is durable may the journal be emptied.
    const fd = fs.openSync(this.journalPath, "w");
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fsyncDir(this.dataDir);
    this.journalFd = fs.openSync(this.journalPath, "a");
    this.journalBytes = 0;
  }

  close(): void {
    if (!this.dataDir) return;
    this.flush();
    this.compact();
    if (this.journalFd !== undefined) {
      fs.closeSync(this.journalFd);
      this.journalFd = undefined;
    }
  }
}

export function writeFileAtomic(file: string, text: string, mode?: number): void {
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  const fd = fs.openSync(tmp, "w", mode);
  try {
    const buf = Buffer.from(text, "utf8");
    let off = 0;
    while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  fsyncDir(path.dirname(file));
}

function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, "r");
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    /* directories cannot be fsynced on every platform */
  }
}
