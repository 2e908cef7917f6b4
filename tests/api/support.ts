import { MockAgent } from "undici";
import { NylasApi } from "../../provider/api";
import { NylasClient, type ClientOptions } from "../../provider/client";

/**
 * A scripted Nylas for the api layer: undici's MockAgent answers every request from a route table and
 * records what was sent (method, path, query, JSON body, headers). No emulator, no sockets.
 */

export const ORIGIN = "https://nylas.test";

export interface SeenRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: any;
  headers: Record<string, string>;
}

export interface Reply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** `"METHOD /path"` (no query) → a reply, or a function of the request (e.g. to page by cursor). */
export type Routes = Record<string, Reply | ((r: SeenRequest) => Reply)>;

export const notFound: Reply = { status: 404, body: { request_id: "r", error: { type: "not_found_error", message: "requested object not found" } } };
/** What Nylas documents for a webhook that no longer exists (PUT, DELETE, rotate-secret). */
export const webhookGone: Reply = { status: 400, body: { request_id: "r", error: { type: "70000", message: "destination.id.not.found : record not found" } } };
export const ok = (data: unknown, extra: Record<string, unknown> = {}): Reply => ({ body: { request_id: "r", data, ...extra } });

export interface FakeNylas {
  api: NylasApi;
  client: NylasClient;
  seen: SeenRequest[];
  /** `"METHOD /path?query"` of every request, in order. */
  calls(): string[];
  close(): Promise<void>;
}

export function fakeNylas(routes: Routes, opts: Partial<ClientOptions> = {}): FakeNylas {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const seen: SeenRequest[] = [];
  agent
    .get(ORIGIN)
    .intercept({ path: () => true, method: () => true })
    .reply((o) => {
      const url = new URL(o.path, ORIGIN);
      const text = typeof o.body === "string" ? o.body : o.body ? Buffer.from(o.body as Uint8Array).toString() : "";
      const req: SeenRequest = {
        method: o.method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        body: text ? JSON.parse(text) : undefined,
        headers: Object.fromEntries(Object.entries((o.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), String(v)])),
      };
      seen.push(req);
      const route = routes[`${req.method} ${req.path}`];
      const r = (typeof route === "function" ? route(req) : route) ?? notFound;
      return {
        statusCode: r.status ?? 200,
        data: r.body === undefined ? "" : JSON.stringify(r.body),
        responseOptions: { headers: { "content-type": "application/json", ...r.headers } },
      };
    })
    .persist();
  const client = new NylasClient({
    apiKey: "app-key",
    apiUri: ORIGIN,
    dispatcher: agent,
    requestsPerSecond: 0,
    retry: { baseDelayMs: 1, maxAttempts: 3 },
    ...opts,
  });
  return {
    api: new NylasApi(client),
    client,
    seen,
    calls: () => seen.map((r) => `${r.method} ${r.path}${Object.keys(r.query).length ? `?${new URLSearchParams(r.query)}` : ""}`),
    close: () => agent.close(),
  };
}

/** Answers a cursor-paged list from `pages`, the cursor of page i being `c<i>`; `shape` lays a page out. */
export function cursorPages(pages: unknown[][], shape: (items: unknown[], next: string | undefined) => unknown): (r: SeenRequest) => Reply {
  return (r) => {
    const i = r.query.page_token ? Number(r.query.page_token.slice(1)) : 0;
    const next = i + 1 < pages.length ? `c${i + 1}` : undefined;
    return { body: { request_id: "r", ...(shape(pages[i] ?? [], next) as object) } };
  };
}
