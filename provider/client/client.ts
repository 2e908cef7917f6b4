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
import { setTimeout as sleep } from "node:timers/promises";

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
  /** Signs /v3/admin/domains requests; domains never use the API key. */
  serviceAccount?: ServiceAccountCredentials;
  /** Per-attempt timeout in ms (headers and body). Default 30 s. */
  timeoutMs?: number;
  retry?: Partial<RetryOptions>;
  /** Client-side rate, requests per second; 0 disables. Default 10 (burst 20), like the Nylas CLI. */
  requestsPerSecond?: number;
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
}

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
  /**
   * True when repeating the request cannot create a second object. GET/PUT/PATCH/DELETE are; a POST
   * that creates is not — its ambiguous failures (5xx, reset, timeout) are raised with
   * `maybeCommitted` for the resource layer to settle, never retried blindly.
   */
  idempotent?: boolean;
  /** Sign with the service account instead of the API key. */
  signed?: boolean;
}

/** What one HTTP exchange produced before interpretation. */
interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

let packageVersion = "0.0.0";
try {
  // dist/provider/client/client.js → package.json three levels up, in the repo and when installed.
  packageVersion = require("../../../package.json").version;
} catch {
  /* keep the fallback */
}

export class NylasClient {
  readonly baseUrl: string;
  private readonly pool: Pool;
  private readonly throttle: Throttle;
  private readonly retry: RetryOptions;
  private readonly timeoutMs: number;
  private readonly userAgent: string;
  /** Counts every HTTP attempt; the benchmarks and tests read it. */
  attempts = 0;

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
    const rps = opts.requestsPerSecond ?? 10;
    this.throttle = new Throttle(rps, opts.burst ?? Math.max(1, rps * 2));
    this.pool = new Pool(new URL(this.baseUrl).origin, {
      connections: opts.concurrency ?? 16,
      keepAliveTimeout: 30_000,
      pipelining: 1,
    });
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  /** One API call: returns the envelope's `data` parsed by `opts.data`. */
  async call<T = undefined>(opts: CallOptions<T>): Promise<T> {
    const raw = await this.send(opts);
    return this.parseData(opts, raw.body);
  }

  /** A GET of one object: `undefined` when Nylas answers 404 (the object does not exist). */
  async getOrUndefined<T>(opts: Omit<CallOptions<T>, "method">): Promise<T | undefined> {
    try {
      return await this.call({ ...opts, method: "GET" });
    } catch (e) {
      if (e instanceof NylasNotFoundError) return undefined;
      throw e;
    }
  }

  /**
   * Every item of a cursor-paginated list (`limit`/`page_token` → `next_cursor`). Accepts both `data: []`
   * and `data: {items: []}` (rules, per the reference) and refuses a cursor that repeats.
   */
  async listCursor<T>(opts: Omit<CallOptions<T>, "method" | "data"> & { item: z.ZodType<T>; pageSize?: number }): Promise<T[]> {
    const out: T[] = [];
    const seen = new Set<string>();
    let cursor: string | undefined;
    const page = cached(cursorPages, opts.item, (item) =>
      z.looseObject({
        data: z.union([z.array(item), z.looseObject({ items: z.array(item) })]),
        next_cursor: z.string().nullish(),
      }),
    );
    for (;;) {
      const raw = await this.send({ ...opts, method: "GET", query: { ...opts.query, limit: opts.pageSize ?? 200, page_token: cursor } });
      const parsed = this.parseWith(opts, page, raw.body);
      out.push(...(Array.isArray(parsed.data) ? parsed.data : parsed.data.items));
      cursor = parsed.next_cursor || undefined;
      if (!cursor) return out;
      if (seen.has(cursor)) {
        throw new NylasResponseShapeError("GET", opts.path, [`next_cursor "${cursor}" repeated; stopping to avoid an endless loop`]);
      }
      seen.add(cursor);
    }
  }

  /** Every item of an offset-paginated list (`/v3/grants`): pages of `pageSize` until a short page. */
  async listOffset<T>(opts: Omit<CallOptions<T>, "method" | "data"> & { item: z.ZodType<T>; pageSize?: number }): Promise<T[]> {
    const out: T[] = [];
    const limit = opts.pageSize ?? 200;
    const page = cached(offsetPages, opts.item, (item) => z.looseObject({ data: z.array(item) }));
    for (let offset = 0; ; offset += limit) {
      const raw = await this.send({ ...opts, method: "GET", query: { ...opts.query, limit, offset } });
      const items = this.parseWith(opts, page, raw.body).data;
      out.push(...items);
      if (items.length < limit) return out;
    }
  }

  /** Sends with throttle, retries and error mapping; returns the 2xx answer. */
  private async send(opts: CallOptions<unknown>): Promise<RawResponse> {
    const path = fillPath(opts.path, opts.params);
    const idempotent = opts.idempotent ?? opts.method !== "POST";
    let started: number | undefined;
    const signal = this.opts.signal;
    let last: NylasError | undefined;
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw new NylasCancelledError(opts.method, path, last);
      await unlessAborted(this.throttle.acquire(), signal);
      if (signal?.aborted) throw new NylasCancelledError(opts.method, path, last);
      // The deadline counts from the first attempt: waiting in our own throttle queue is not a failure.
      started ??= Date.now();
      let failure: Failure;
      let error: NylasError;
      let retryAfterMs: number | undefined;
      try {
        const res = await this.once(opts, path);
        if (res.status >= 200 && res.status < 300) return res;
        failure = { kind: "status", status: res.status };
        error = apiErrorFrom(res.status, res.body, opts.method, path, header(res.headers, "x-request-id"), !idempotent && maybeCommitted(failure));
        retryAfterMs = parseRetryAfter(res.headers["retry-after"]);
        if (res.status === 429 && retryAfterMs !== undefined) this.throttle.pause(retryAfterMs);
      } catch (e) {
        ({ failure, error } = this.classify(e, opts.method, path));
      }
      if (!shouldRetry(failure, idempotent)) throw error;
      const elapsed = Date.now() - started;
      if (attempt >= this.retry.maxAttempts) {
        throw new NylasRetriesExhaustedError(opts.method, path, attempt, elapsed, error, "attempts");
      }
      const wait = backoffDelay(attempt, this.retry, retryAfterMs);
      if (elapsed + wait > this.retry.deadlineMs) {
        throw new NylasRetriesExhaustedError(opts.method, path, attempt, elapsed, error, "deadline");
      }
      last = error;
      // An aborted sleep rejects (and clears its timer); the loop's check then reports the cancel.
      await sleep(wait, undefined, { signal }).catch(() => undefined);
    }
  }

  private async once(opts: CallOptions<unknown>, path: string): Promise<RawResponse> {
    const body = opts.body === undefined ? undefined : opts.signed ? canonicalJson(opts.body) : JSON.stringify(opts.body);
    const headers: Record<string, string> = {
      accept: "application/json",
      "user-agent": this.userAgent,
    };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (opts.signed) {
      if (!this.opts.serviceAccount) {
        throw new NylasConfigError(
          "Nylas domains need a service account: set nylas:serviceAccount (the credentials JSON, as a secret) or NYLAS_SERVICE_ACCOUNT",
        );
      }
      Object.assign(headers, signRequest(this.opts.serviceAccount, opts.method, path, body));
    } else {
      if (!this.opts.apiKey) {
        throw new NylasConfigError(
          "no Nylas API key: set it with `pulumi config set --secret nylas:apiKey <key>` or the NYLAS_API_KEY environment variable",
        );
      }
      headers.authorization = `Bearer ${this.opts.apiKey}`;
    }
    const fullPath = new URL(this.baseUrl).pathname.replace(/\/$/, "") + path + queryString(opts.query);
    this.attempts++;
    const res = await this.pool.request({
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
const cursorPages = new WeakMap<z.ZodType, z.ZodType>();
const offsetPages = new WeakMap<z.ZodType, z.ZodType>();

function cached<S extends z.ZodType, R extends z.ZodType>(cache: WeakMap<z.ZodType, z.ZodType>, key: S, build: (key: S) => R): R {
  let schema = cache.get(key) as R | undefined;
  if (!schema) cache.set(key, (schema = build(key)));
  return schema;
}

/** Waits for `p`, or until `signal` aborts (the caller checks `signal.aborted`); never leaves a listener behind. */
async function unlessAborted(p: Promise<unknown>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) {
    await p;
    return;
  }
  let onAbort!: () => void;
  const aborted = new Promise<void>((resolve) => (onAbort = resolve));
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    await Promise.race([p, aborted]);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
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

