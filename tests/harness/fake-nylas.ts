import { MockAgent } from "undici";
import { NylasApi } from "../../provider/api";
import { NylasClient, type ClientOptions, type Clock } from "../../provider/client";

/**
 * A scripted Nylas for the client and the api layer: undici's MockAgent answers every request from a
 * route table and records what was sent (method, path, query, body, headers). No emulator, no sockets.
 * The one MockAgent harness of the tests (tests/unit/ and tests/api/ use it).
 */

export const ORIGIN = "https://nylas.test";

export interface SeenRequest {
  method: string;
  /** Path and query exactly as sent (still URL-encoded). */
  url: string;
  path: string;
  query: Record<string, string>;
  /** The body as JSON, and as the exact text sent. */
  body: any;
  text: string | undefined;
  /** Lower-cased names. */
  headers: Record<string, string>;
}

/** An answer; an `Error` fails the request with it instead (a reset, a timeout as undici raises them). */
export type Reply = { status?: number; body?: unknown; headers?: Record<string, string> } | Error;

/**
 * `"METHOD /path"` (no query) → a reply, a function of the request (e.g. to page by cursor), or a list
 * answered in order, one reply per request. Whatever has no route (or has used up its list) is a 404.
 */
export type Routes = Record<string, Reply | Reply[] | ((r: SeenRequest) => Reply)>;

export const notFound: Reply = { status: 404, body: { request_id: "r", error: { type: "not_found_error", message: "requested object not found" } } };
/** What Nylas documents for a webhook that no longer exists (PUT, DELETE, rotate-secret). */
export const webhookGone: Reply = { status: 400, body: { request_id: "r", error: { type: "70000", message: "destination.id.not.found : record not found" } } };
export const ok = (data: unknown, extra: Record<string, unknown> = {}): Reply => ({ body: { request_id: "r", data, ...extra } });

export interface FakeNylas {
  api: NylasApi;
  client: NylasClient;
  /** The MockAgent, for further clients of the same scripted Nylas. */
  dispatcher: MockAgent;
  seen: SeenRequest[];
  /** `"METHOD /path?query"` of every request, in order. */
  calls(): string[];
  /** Appends replies to the route `"METHOD /path"`, answered in order. */
  script(route: string, ...replies: Reply[]): void;
  /** Scripted replies not used yet, by route (a test checks it is empty). */
  unused(): Record<string, number>;
  close(): Promise<void>;
}

export function fakeNylas(routes: Routes = {}, opts: Partial<ClientOptions> = {}): FakeNylas {
  const table: Routes = { ...routes };
  const agent = new MockAgent();
  agent.disableNetConnect();
  const seen: SeenRequest[] = [];
  const origin = new URL(opts.apiUri ?? ORIGIN).origin;
  agent
    .get(origin)
    .intercept({ path: () => true, method: () => true })
    .reply((o) => {
      const url = new URL(o.path, origin);
      const text = typeof o.body === "string" ? o.body : o.body ? Buffer.from(o.body as Uint8Array).toString() : undefined;
      const req: SeenRequest = {
        method: o.method,
        url: o.path,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        body: text ? JSON.parse(text) : undefined,
        text,
        headers: Object.fromEntries(Object.entries((o.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), String(v)])),
      };
      seen.push(req);
      const route = table[`${req.method} ${req.path}`];
      const r = (Array.isArray(route) ? route.shift() : typeof route === "function" ? route(req) : route) ?? notFound;
      // Thrown here, the error fails the request as a broken connection would.
      if (r instanceof Error) throw r;
      return {
        statusCode: r.status ?? 200,
        data: r.body === undefined ? "" : typeof r.body === "string" ? r.body : JSON.stringify(r.body),
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
    dispatcher: agent,
    seen,
    calls: () => seen.map((r) => `${r.method} ${r.path}${Object.keys(r.query).length ? `?${new URLSearchParams(r.query)}` : ""}`),
    script(route, ...replies) {
      const list = table[route];
      if (list !== undefined && !Array.isArray(list)) throw new Error(`route ${route} is not a scripted list`);
      table[route] = [...(list ?? []), ...replies];
    },
    unused: () => Object.fromEntries(Object.entries(table).flatMap(([k, v]) => (Array.isArray(v) && v.length ? [[k, v.length]] : []))),
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

/** Time that passes only when the client waits: every wait is recorded, none is slept. */
export class VirtualClock implements Clock {
  t = Date.parse("2026-12-01T12:00:00Z");
  readonly waits: number[] = [];
  now(): number {
    return this.t;
  }
  async sleep(ms: number): Promise<void> {
    this.waits.push(ms);
    this.t += ms;
  }
}
