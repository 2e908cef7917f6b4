import { Pool, errors as undiciErrors, type Dispatcher } from "undici";
import { z } from "zod";
import {
  NylasCancelledError,
  NylasConfigError,
  NylasError,
  NylasNetworkError,
  NylasNotFoundError,
  NylasResponseShapeError,
  NylasRetriesExhaustedError,
  NylasTimeoutError,
  apiErrorFrom,
} from "./errors";
import { DEFAULT_RETRY, backoffDelay, maybeCommitted, parseRetryAfter, shouldRetry, type Failure, type RetryOptions } from "./retry";
import { canonicalJson, signRequest, type ServiceAccountCredentials } from "./signing";
import { Throttle } from "./throttle";
import { systemClock, type Clock } from "./clock";

/**
 * The one HTTP client of the package: auth, throttling, retries, timeouts, pagination, error mapping and
 * response validation live here and nowhere else. Resources call {@link NylasClient.call}/`list*` and
 * never see HTTP.
 */

export const REGION_URLS = { us: "https://api.us.nylas.com", eu: "https://api.eu.nylas.com" } as const;
export type Region = keyof typeof REGION_URLS;

export interface ClientOptions {
  apiKey?: string;
  /** `us` (default) or `eu`; ignored when `apiUri` is set. */
  region?: Region;
  /** Explicit base URL, e.g. the local emulator's. */
  apiUri?: string;
  /** IAM API key (Organization-bound, `domains.*`): the bearer token of the Manage Domains API at `/v3/domains`. */
  domainsApiKey?: string;
  /** IAM API key (Organization-bound, `iam.*`): the bearer token of the IAM API at `/v3/iam/*`. */
  iamApiKey?: string;
  /** Signs the older `/v3/admin/domains` route; domains never use the application API key. */
  serviceAccount?: ServiceAccountCredentials;
  /** Which Manage Domains route to call; unset: `/v3/domains` when `domainsApiKey` is set, else the signed route. */
  domainsRoute?: DomainsRoute;
  /** Per-attempt timeout in ms (headers and body). Default 30 s. */
  timeoutMs?: number;
  retry?: Partial<RetryOptions>;
  /**
   * A fixed client-side rate, requests per second; 0 disables. Unset: adaptive — from Nylas's published
   * 50 req/s, halved on a 429 and regained gradually, so processes sharing an application share its
   * limit (see throttle.ts).
   */
  requestsPerSecond?: number;
  /** Burst of the fixed rate; default twice the rate. */
  burst?: number;
  /** Open connections at most (and so requests in flight). Default 16. */
  concurrency?: number;
  userAgent?: string;
  /**
   * Cancels the client's work: once aborted, no attempt, throttle wait or backoff starts or continues
   * (a {@link NylasCancelledError} instead). An exchange already on the wire is left to finish, so a
   * create that Nylas committed is still answered and recorded rather than orphaned.
   */
  signal?: AbortSignal;
  /**
   * Where requests go. Default: a connection pool to the API's origin, owned (and closed) by the
   * client. Unit tests pass an undici `MockAgent`; a dispatcher passed in is closed by its owner.
   */
  dispatcher?: Dispatcher;
  /** The time source for deadlines, backoff waits, Retry-After dates and the throttle. */
  clock?: Clock;
}

/** `iam`: `/v3/domains` with the IAM API key as bearer (current); `service-account`: signed `/v3/admin/domains` (older). */
export type DomainsRoute = "iam" | "service-account";
export const DOMAINS_ROUTES: readonly DomainsRoute[] = ["iam", "service-account"];

/** The credential a call authenticates with. */
export type Credential = "apiKey" | "domainsApiKey" | "iamApiKey" | "serviceAccount";

/** How to name each bearer credential when it is missing: one clear error per credential. */
const MISSING_BEARER: Record<Exclude<Credential, "serviceAccount">, string> = {
  apiKey: "no Nylas API key: set it with `pulumi config set --secret nylas:apiKey <key>` or the NYLAS_API_KEY environment variable",
  domainsApiKey: "no Nylas domains API key: set it with `pulumi config set --secret nylas:domainsApiKey <IAM API key>` or NYLAS_DOMAINS_API_KEY",
  iamApiKey:
    "no Nylas IAM API key: IAM principals and credentials (IamPrincipal, IamCredential, AgentKey, AgentMailbox agentKey) are managed with an " +
    "Organization-bound IAM API key holding the iam.* permissions (the IAM Admin role; the application API key cannot manage IAM): " +
    "set it with `pulumi config set --secret nylas:iamApiKey <key>` or NYLAS_IAM_API_KEY",
};

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface CallOptions<T> {
  method: Method;
  /** Path with `{name}` placeholders, filled from `params` and URL-encoded. */
  path: string;
  params?: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Schema of `data` in the envelope. Omit for calls whose answer has no `data` (deletes). */
  data?: z.ZodType<T>;
  /** Schema of the whole answer, for the few calls whose useful part may sit beside `data`. */
  answer?: z.ZodType<T>;
  /**
   * True when repeating the request cannot create a second object. GET/PUT/PATCH/DELETE are; a POST
   * that creates is not — its ambiguous failures (5xx, reset, timeout) are raised with
   * `maybeCommitted` for the resource layer to settle, never retried blindly.
   */
  idempotent?: boolean;
  /** The credential to send; the application API key unless said otherwise. */
  auth?: Credential;
}

/** A 2xx answer with what the api layer may need besides its body. */
export interface Answer<T> {
  value: T;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** `Date.now()` when the first attempt was sent. */
  startedAt: number;
}

/** What one HTTP exchange produced before interpretation. */
interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** This package's version, for the User-Agent: from dist/provider/client/ (installed) or provider/client/ (source). */
const packageVersion = ((): string => {
  for (const rel of ["../../../package.json", "../../package.json"]) {
    try {
      const pkg = require(rel);
      if (pkg.name === "pulumi-nylas-agents") return pkg.version;
    } catch {
      /* try the next */
    }
  }
  return "0.0.0";
})();

export class NylasClient {
  readonly baseUrl: string;
  private readonly origin: string;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly clock: Clock;
  private readonly throttle: Throttle;
  private readonly retry: RetryOptions;
  private readonly timeoutMs: number;
  private readonly userAgent: string;
  /** Counts every HTTP attempt; the benchmarks and tests read it. */
  attempts = 0;
  /** Calls in progress (waiting in the throttle, in flight or between retries): is this process busy? */
  inFlight = 0;

  constructor(private readonly opts: ClientOptions) {
    this.baseUrl = (opts.apiUri ?? REGION_URLS[opts.region ?? "us"]).replace(/\/+$/, "");
    if (!/^https?:\/\//.test(this.baseUrl)) {
      throw new NylasConfigError(`nylas:apiUri must be an http(s) URL, got "${this.baseUrl}"`);
    }
    // Settings pass unset keys as `undefined`; they must not override the defaults (an undefined
    // maxAttempts/deadlineMs would retry a persistent 5xx forever).
    const retry = Object.fromEntries(Object.entries(opts.retry ?? {}).filter(([, v]) => v !== undefined));
    this.retry = { ...DEFAULT_RETRY, ...retry };
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.userAgent = opts.userAgent ?? `pulumi-nylas-agents/${packageVersion}`;
    this.clock = opts.clock ?? systemClock;
    const rps = opts.requestsPerSecond;
    this.throttle = new Throttle(
      rps === undefined ? { kind: "adaptive" } : { kind: "fixed", perSecond: rps, burst: opts.burst ?? Math.max(1, rps * 2) },
      this.clock,
    );
    this.origin = new URL(this.baseUrl).origin;
    this.ownsDispatcher = !opts.dispatcher;
    this.dispatcher =
      opts.dispatcher ??
      new Pool(this.origin, {
        connections: opts.concurrency ?? 16,
        keepAliveTimeout: 30_000,
        pipelining: 1,
      });
  }

  /** Wall-clock budget of one call including its retries (ms): also how long a lost create is looked for. */
  get deadlineMs(): number {
    return this.retry.deadlineMs;
  }

  /** Which Manage Domains route the settings choose, or why none can be used. */
  domainsRoute(): { route: DomainsRoute } | { missing: string } {
    const route = this.opts.domainsRoute ?? (this.opts.domainsApiKey ? "iam" : this.opts.serviceAccount ? "service-account" : undefined);
    if (route === "iam" && this.opts.domainsApiKey) return { route };
    if (route === "service-account" && this.opts.serviceAccount) return { route };
    const iam =
      "an IAM API key for the Manage Domains API (/v3/domains; an Organization-bound key with domains.read, domains.create, domains.update and domains.delete): " +
      "`pulumi config set --secret nylas:domainsApiKey <key>` or NYLAS_DOMAINS_API_KEY";
    const sa =
      "a Nylas service account for the older signed /v3/admin/domains route: `pulumi config set --secret nylas:serviceAccount \"$(cat service-account.json)\"` or NYLAS_SERVICE_ACCOUNT / NYLAS_SERVICE_ACCOUNT_FILE";
    if (route === "iam") return { missing: `nylas:domainsRoute is "iam" but no domains API key is set: set ${iam}` };
    if (route === "service-account") return { missing: `nylas:domainsRoute is "service-account" but no service account is set: set ${sa}` };
    return { missing: `Nylas domains need their own credential (the application API key cannot manage domains): set ${iam}; or ${sa}` };
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  /** One API call: returns the envelope's `data` parsed by `opts.data` (or the whole answer by `opts.answer`). */
  async call<T = undefined>(opts: CallOptions<T>): Promise<T> {
    return (await this.exchange(opts)).value;
  }

  /** One API call with its status, headers and start time (e.g. to compare a `created_at` with Nylas's clock). */
  async exchange<T = undefined>(opts: CallOptions<T>): Promise<Answer<T>> {
    const startedAt = Date.now();
    const raw = await this.send(opts);
    return { value: this.parseData(opts, raw.body), status: raw.status, headers: raw.headers, startedAt };
  }

  /**
   * Every item of a cursor-paginated list (`limit`/`page_token` → `next_cursor`), read as tolerantly as
   * the sources disagree: `data` is an array, or an object whose `items` is an array or `null` (rules:
   * no rules at all); the cursor is `data.next_cursor`, else the top-level one. The list ends at an
   * absent, empty or null cursor or at an empty page; a cursor that repeats is an error, not a loop.
   * `maxItems` stops early (pages of at most 200 are asked for; never more items than that are returned).
   */
  async listCursor<T>(opts: ListOptions<T> & { maxItems?: number }): Promise<T[]> {
    return collect(this.pagesCursor(opts), opts.maxItems);
  }

  /** The pages of {@link listCursor}, one call each, as they come (a caller may stop early). */
  async *pagesCursor<T>(opts: ListOptions<T> & { maxItems?: number }): AsyncGenerator<Page<T>> {
    const seen = new Set<string>();
    let got = 0;
    let cursor: string | undefined;
    // One schema per envelope, chosen by the answer's shape: a union would report a bad item only as
    // "data: Invalid input" instead of naming it. The nested envelope may carry its own cursor and
    // `items: null`; a page without items ends the list.
    const pages = cached(cursorPages, opts.item, (item) => ({
      array: z.looseObject({ data: z.array(item).nullish(), next_cursor: z.string().nullish() }),
      nested: z.looseObject({ data: z.looseObject({ items: z.array(item).nullish(), next_cursor: z.string().nullish() }), next_cursor: z.string().nullish() }),
    }));
    for (;;) {
      // A capped read (the newest rule evaluations) asks for no more than it still needs.
      const limit = Math.min(opts.pageSize ?? 200, opts.maxItems !== undefined ? Math.max(1, opts.maxItems - got) : 200);
      const raw = await this.send({ ...opts, method: "GET", query: { ...opts.query, limit, page_token: cursor } });
      const data = (raw.body as { data?: unknown } | undefined)?.data;
      let items: T[];
      let next: string | null | undefined;
      if (data && typeof data === "object" && !Array.isArray(data)) {
        const page = this.parseWith(opts, pages.nested, raw.body);
        items = page.data.items ?? [];
        next = page.data.next_cursor || page.next_cursor;
      } else {
        const page = this.parseWith(opts, pages.array, raw.body);
        items = page.data ?? [];
        next = page.next_cursor;
      }
      got += items.length;
      cursor = next || undefined;
      const last = !cursor || items.length === 0;
      if (!last && seen.has(cursor!)) {
        throw new NylasResponseShapeError("GET", fillPath(opts.path, opts.params), [`next_cursor "${cursor}" repeated; stopping to avoid an endless loop`]);
      }
      yield { items, last };
      if (last) return;
      seen.add(cursor!);
    }
  }

  /**
   * Every item of an offset-paginated list (`/v3/grants`, `/v3/connectors`): pages until a short or
   * empty one. A server that caps the page below what was asked says so in `limit`; that size counts.
   */
  async listOffset<T>(opts: ListOptions<T>): Promise<T[]> {
    return collect(this.pagesOffset(opts));
  }

  /** The pages of {@link listOffset}, one call each, as they come (a caller may stop early). */
  async *pagesOffset<T>(opts: ListOptions<T>): AsyncGenerator<Page<T>> {
    const limit = opts.pageSize ?? 200;
    const page = cached(offsetPages, opts.item, (item) => z.looseObject({ data: z.array(item).nullish(), limit: z.number().nullish() }));
    for (let offset = 0; ; ) {
      const raw = await this.send({ ...opts, method: "GET", query: { ...opts.query, limit, offset } });
      const parsed = this.parseWith(opts, page, raw.body);
      const items = parsed.data ?? [];
      const served = parsed.limit && parsed.limit > 0 ? Math.min(parsed.limit, limit) : limit;
      const last = items.length === 0 || items.length < served;
      yield { items, last };
      if (last) return;
      offset += items.length;
    }
  }

  /** Sends with throttle, retries and error mapping; returns the 2xx answer. */
  private async send(opts: CallOptions<unknown>): Promise<RawResponse> {
    this.inFlight++;
    try {
      return await this.sendCounted(opts);
    } finally {
      this.inFlight--;
    }
  }

  private async sendCounted(opts: CallOptions<unknown>): Promise<RawResponse> {
    const path = fillPath(opts.path, opts.params);
    const idempotent = opts.idempotent ?? opts.method !== "POST";
    let started: number | undefined;
    const signal = this.opts.signal;
    let last: NylasError | undefined;
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw new NylasCancelledError(opts.method, path, last);
      const ticket = await unlessAborted(this.throttle.acquire(), signal);
      if (ticket === undefined || signal?.aborted) throw new NylasCancelledError(opts.method, path, last);
      // The deadline counts from the first attempt: waiting in our own throttle queue is not a failure.
      started ??= this.clock.now();
      let failure: Failure;
      let error: NylasError;
      let retryAfterMs: number | undefined;
      try {
        const res = await this.once(opts, path);
        if (res.status >= 200 && res.status < 300) {
          this.throttle.answered(ticket);
          return res;
        }
        retryAfterMs = parseRetryAfter(res.headers["retry-after"], this.clock.now());
        if (res.status === 429) this.throttle.throttled(ticket, retryAfterMs);
        else this.throttle.answered(ticket);
        failure = { kind: "status", status: res.status };
        error = apiErrorFrom(res.status, res.body, opts.method, path, header(res.headers, "x-request-id"), !idempotent && maybeCommitted(failure));
      } catch (e) {
        ({ failure, error } = this.classify(e, opts.method, path));
      }
      if (!shouldRetry(failure, idempotent)) throw error;
      const elapsed = this.clock.now() - started;
      if (attempt >= this.retry.maxAttempts) {
        throw new NylasRetriesExhaustedError(opts.method, path, attempt, elapsed, error, "attempts");
      }
      const wait = backoffDelay(attempt, this.retry, retryAfterMs);
      if (elapsed + wait > this.retry.deadlineMs) {
        throw new NylasRetriesExhaustedError(opts.method, path, attempt, elapsed, error, "deadline");
      }
      last = error;
      // An aborted sleep ends at once (the system clock also clears its timer); the loop's check then reports the cancel.
      await unlessAborted(this.clock.sleep(wait, signal), signal);
    }
  }

  private async once(opts: CallOptions<unknown>, path: string): Promise<RawResponse> {
    const signed = opts.auth === "serviceAccount";
    const body = opts.body === undefined ? undefined : signed ? canonicalJson(opts.body) : JSON.stringify(opts.body);
    const headers: Record<string, string> = {
      accept: "application/json",
      "user-agent": this.userAgent,
    };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (signed) {
      if (!this.opts.serviceAccount) {
        throw new NylasConfigError(
          "this call needs a Nylas service account: set nylas:serviceAccount (the credentials JSON, as a secret) or NYLAS_SERVICE_ACCOUNT",
        );
      }
      Object.assign(headers, signRequest(this.opts.serviceAccount, opts.method, path, body, this.clock.now()));
    } else {
      const credential = (opts.auth ?? "apiKey") as keyof typeof MISSING_BEARER;
      const key = this.opts[credential];
      if (!key) throw new NylasConfigError(MISSING_BEARER[credential]);
      headers.authorization = `Bearer ${key}`;
    }
    const fullPath = new URL(this.baseUrl).pathname.replace(/\/$/, "") + path + queryString(opts.query);
    this.attempts++;
    const res = await this.dispatcher.request({
      origin: this.origin,
      method: opts.method as Dispatcher.HttpMethod,
      path: fullPath,
      headers,
      body,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    });
    const text = await res.body.text();
    let parsed: unknown = text;
    if (text.length > 0) {
      try {
        parsed = JSON.parse(text);
      } catch {
        /* keep the text; errors quote it, 2xx parsing reports it */
      }
    }
    return { status: res.statusCode, headers: res.headers, body: parsed };
  }

  private classify(e: unknown, method: string, path: string): { failure: Failure; error: NylasError } {
    if (e instanceof NylasError) throw e; // configuration problems are not retried
    if (e instanceof undiciErrors.HeadersTimeoutError || e instanceof undiciErrors.BodyTimeoutError) {
      return { failure: { kind: "timeout" }, error: new NylasTimeoutError(method, path, this.timeoutMs) };
    }
    const err = e as { code?: string; message?: string; cause?: { code?: string } };
    const code = err.cause?.code ?? err.code ?? "ERROR";
    const failure: Failure = { kind: "network", code };
    return { failure, error: new NylasNetworkError(method, path, code, err.message ?? "", maybeCommitted(failure)) };
  }

  private parseData<T>(opts: CallOptions<T>, body: unknown): T {
    if (opts.answer) return this.parseWith(opts, opts.answer, body);
    if (!opts.data) return undefined as T;
    return this.parseWith(opts, cached(envelopes, opts.data, (data) => z.looseObject({ data })), body).data;
  }

  private parseWith<S extends z.ZodType>(opts: { method?: string; path: string; params?: Record<string, string> }, schema: S, body: unknown): z.infer<S> {
    const r = schema.safeParse(body);
    if (r.success) return r.data;
    const issues = r.error.issues.slice(0, 5).map((i) => `${i.path.length ? i.path.join(".") : "(body)"}: ${i.message}`);
    throw new NylasResponseShapeError(opts.method ?? "GET", fillPath(opts.path, opts.params), issues);
  }
}

/**
 * Envelope and page schemas, built once per `data`/item schema. Building a zod object schema and its
 * first parse (zod compiles a fast path per schema) cost ~0.1 ms — more than parsing an answer — so
 * building them per call was a measurable share of the provider's CPU (see bench/RESULTS.md).
 */
const envelopes = new WeakMap<z.ZodType, z.ZodType>();
const cursorPages = new WeakMap<z.ZodType, { array: z.ZodType; nested: z.ZodType }>();
const offsetPages = new WeakMap<z.ZodType, z.ZodType>();

function cached<S extends z.ZodType, R extends V, V>(cache: WeakMap<z.ZodType, V>, key: S, build: (key: S) => R): R {
  let schema = cache.get(key) as R | undefined;
  if (!schema) cache.set(key, (schema = build(key)));
  return schema;
}

/** `p`'s value, or undefined once `signal` aborts first (the caller checks `signal.aborted`); never leaves a listener behind. */
async function unlessAborted<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T | undefined> {
  if (!signal) return p;
  let onAbort!: () => void;
  const aborted = new Promise<undefined>((resolve) => (onAbort = () => resolve(undefined)));
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    return await Promise.race([p, aborted]);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}

/** Options of a paged list: the call's, plus the item schema and the page size (default 200, the maximum). */
export type ListOptions<T> = Omit<CallOptions<T>, "method" | "data" | "answer"> & { item: z.ZodType<T>; pageSize?: number };

/** One page of a list; `last` when no call for another would follow. */
export interface Page<T> {
  items: T[];
  last: boolean;
}

/** Every item of `pages`; with `maxItems`, stops (calling for no further page) once it has that many. */
async function collect<T>(pages: AsyncIterable<Page<T>>, maxItems?: number): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) {
    out.push(...page.items);
    if (maxItems !== undefined && out.length >= maxItems) return out.slice(0, maxItems);
  }
  return out;
}

/** Fills `{name}` placeholders, URL-encoding each value; a missing one is a programming error. */
export function fillPath(template: string, params: Record<string, string> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => {
    const v = params[k];
    if (v === undefined || v === "") throw new Error(`path ${template}: no value for {${k}}`);
    return encodeURIComponent(v);
  });
}

function queryString(q: CallOptions<unknown>["query"]): string {
  if (!q) return "";
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined) p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : "";
}

function header(h: RawResponse["headers"], name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

