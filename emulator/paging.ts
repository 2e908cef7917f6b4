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
  /** variance E4: never more than this many per page, whatever `limit` asks. */
  maxPageSize?: number;
  /** variance E3: how the last page says it is the last (default: `next_cursor` absent). */
  lastPage?: "absent" | "empty" | "null" | "trailing-empty-page";
}

/**
 * Cursor pagination over ids kept in creation order: `limit` (default 50, max 200) and `page_token`
 * (an opaque token naming the last object returned). On the last page `next_cursor` is omitted, `""` or
 * `null`, or (`trailing-empty-page`) still set on every non-empty page so that the last page is empty.
 */
export function cursorPage<T>(
  ids: OrderedIds,
  query: URLSearchParams,
  opts: PageOpts<T>,
): { data: T[]; next_cursor?: string | null } {
  const asked = queryInt(query, "limit", opts.defaultLimit ?? 50, { min: 1, max: opts.maxLimit ?? 200 });
  const limit = opts.maxPageSize ? Math.min(asked, opts.maxPageSize) : asked;
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
  if (more) return { data, next_cursor: encodeCursor(lastSeq) };
  switch (opts.lastPage ?? "absent") {
    case "empty":
      return { data, next_cursor: "" };
    case "null":
      return { data, next_cursor: null };
    case "trailing-empty-page":
      return data.length > 0 ? { data, next_cursor: encodeCursor(lastSeq) } : { data };
    default:
      return { data };
  }
}
