import { badRequest } from "./errors";
import type { OrderedIds } from "./store";
import { queryInt } from "./validate";

export function encodeCursor(seq: number): string {
  return Buffer.from(`c1:${seq}`, "utf8").toString("base64url");
}

export function decodeCursor(token: string): number {
  let text = "";
  try {
    text = Buffer.from(token, "base64url").toString("utf8");
  } catch {
    /* fallthrough */
  }
  const m = /^c1:(\d+)$/.exec(text);
  if (!m) throw badRequest("invalid page_token");
  return Number(m[1]);
}

export interface PageOpts<T> {
  get: (id: string) => T | undefined;
  filter?: (v: T) => boolean;
  /** Newest first. */
  reverse?: boolean;
  defaultLimit?: number;
  maxLimit?: number;
}

/**
 * Cursor pagination over ids kept in creation order: `limit` (default 50, max 200) and `page_token`
 * (an opaque token naming the last object returned). `next_cursor` is omitted on the last page.
 */
export function cursorPage<T>(
  ids: OrderedIds,
  query: URLSearchParams,
  opts: PageOpts<T>,
): { data: T[]; next_cursor?: string } {
  const limit = queryInt(query, "limit", opts.defaultLimit ?? 50, { min: 1, max: opts.maxLimit ?? 200 });
  const token = query.get("page_token");
  const cursor = token ? decodeCursor(token) : undefined;
  const data: T[] = [];
  let lastSeq = -1;
  let more = false;
  const n = ids.size;
  // Forward from just after the cursor, or (newest first) backward from just before it.
  const step = opts.reverse ? -1 : 1;
  let i = opts.reverse
    ? (cursor === undefined ? n - 1 : ids.lowerBound(cursor) - 1)
    : (cursor === undefined ? 0 : ids.lowerBound(cursor + 1));
  for (; i >= 0 && i < n; i += step) {
    const v = opts.get(ids.ids[i]);
    if (!v || (opts.filter && !opts.filter(v))) continue;
    if (data.length === limit) {
      more = true;
      break;
    }
    data.push(v);
    lastSeq = ids.seqs[i];
  }
  return more ? { data, next_cursor: encodeCursor(lastSeq) } : { data };
}
