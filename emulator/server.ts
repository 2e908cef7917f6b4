/** HTTP front: request ids, request log, faults, auth, rate limiting, JSON parsing, routing. */
import { randomUUID } from "node:crypto";
import { setMaxListeners } from "node:events";
import * as http from "node:http";
import { setTimeout as delay } from "node:timers/promises";
import type { App } from "./app";
import { authorize } from "./auth";
import { controlRouter, RequestLogEntry } from "./control";
import { ApiError, errorTypeForStatus, messageForStatus } from "./errors";
import { Faults, RateLimiter } from "./faults";
import { registerApplications } from "./handlers/applications";
import { registerChannels } from "./handlers/channels";
import { registerDomains } from "./handlers/domains";
import { registerFolders } from "./handlers/folders";
import { registerIam } from "./handlers/iam";
import { registerGrants } from "./handlers/grants";
import { registerLists } from "./handlers/lists";
import { registerMessages } from "./handlers/messages";
import { registerPolicies } from "./handlers/policies";
import { registerRuleEvaluations } from "./handlers/rule-evaluations";
import { registerRules } from "./handlers/rules";
import { registerSignatures } from "./handlers/signatures";
import { registerWebhooks } from "./handlers/webhooks";
import { registerWorkspaces } from "./handlers/workspaces";
import { Ctx, Result, Router } from "./router";
import { DEFAULT_VARIANCE, type Variance } from "./variance";
import { webInbox } from "./web/inbox";

const MAX_BODY = 30 * 1024 * 1024;
const MAX_REQUEST_LOG = 200_000;
/**
 * With the control API on, a request carrying this header (value `default`) is answered under the default
 * profile whatever the switches say: the test harness's own out-of-band view of "Nylas" stays plain while
 * the client under test meets the configured variance.
 */
export const VARIANCE_BYPASS_HEADER = "x-emulator-variance";

export function apiRouter(app: App): Router {
  const r = new Router();
  registerGrants(r, app);
  registerMessages(r, app);
  registerWebhooks(r, app);
  registerPolicies(r, app);
  registerRules(r, app);
  registerLists(r, app);
  registerWorkspaces(r, app);
  registerDomains(r, app);
  registerFolders(r, app);
  registerSignatures(r, app);
  registerRuleEvaluations(r, app);
  registerChannels(r, app);
  registerApplications(r, app);
  registerIam(r, app);
  return r;
}

export interface ServerParts {
  server: http.Server;
  faults: Faults;
  requests: RequestLogEntry[];
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c); // keep draining past the limit so a 413 can be sent
    });
    req.on("end", () =>
      size > MAX_BODY
        ? reject(new ApiError(413, "invalid_request_error", "request body too large"))
        : resolve(Buffer.concat(chunks)),
    );
    req.on("error", reject);
  });
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": String(Buffer.byteLength(text)),
  });
  res.end(text);
}

function sendEmpty(res: http.ServerResponse, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(204, headers);
  res.end();
}

function errorBody(requestId: string, e: ApiError): Record<string, unknown> {
  return { request_id: requestId, error: { type: e.type, message: e.message } };
}

/** `?select=a,b` keeps only those top-level fields of `data` (object or array of objects). */
function applySelect(body: Record<string, unknown>, select: string | null): Record<string, unknown> {
  if (!select) return body;
  const keep = new Set(select.split(",").map((s) => s.trim()).filter(Boolean));
  if (keep.size === 0) return body;
  const pick = (o: unknown): unknown => {
    if (!o || typeof o !== "object" || Array.isArray(o)) return o;
    return Object.fromEntries(Object.entries(o as Record<string, unknown>).filter(([k]) => keep.has(k)));
  };
  const data = body.data;
  if (Array.isArray(data)) return { ...body, data: data.map(pick) };
  const items = (data as { items?: unknown } | undefined)?.items;
  if (Array.isArray(items)) return { ...body, data: { ...(data as object), items: items.map(pick) } }; // rules {items}
  return { ...body, data: pick(data) };
}

export function createServer(app: App, opts: { control: boolean; inbox?: boolean }): ServerParts {
  const api = apiRouter(app);
  const faults = new Faults();
  const requests: RequestLogEntry[] = [];
  let limiter: RateLimiter | undefined;
  const configureLimiter = (): void => {
    const rate = app.config.rateLimitPerSecond;
    if (!rate) limiter = undefined;
    else if (limiter) limiter.setRate(rate);
    else limiter = new RateLimiter(rate);
  };
  configureLimiter();
  const control = opts.control ? controlRouter({ app, faults, requests, onConfigChange: configureLimiter }) : undefined;
  // Injected latency ends when the server closes: a pending wait must not outlive the emulator
  // (it kept test processes alive for seconds after their last test).
  const closed = new AbortController();
  // Every pending fault wait listens on this one signal: many at once are expected, not a leak.
  setMaxListeners(0, closed.signal);
  /** Waits `ms` for a latency fault; false when the server closed meanwhile (the request is abandoned). */
  const faultDelay = (ms: number): Promise<boolean> =>
    delay(ms, true, { signal: closed.signal }).catch(() => false);
  const inbox = opts.inbox ? webInbox({ app, faults, requests, control: !!control }) : undefined;

  const varianceFor = (req: http.IncomingMessage): Variance =>
    control && req.headers[VARIANCE_BYPASS_HEADER] === "default" ? DEFAULT_VARIANCE : app.variance;

  const runHandler = async (
    router: Router,
    req: http.IncomingMessage,
    path: string,
    url: URL,
    requestId: string,
    raw: Buffer,
    variance: Variance,
  ): Promise<Result> => {
    const method = req.method ?? "GET";
    const m = router.match(method, path);
    if (m === undefined) throw new ApiError(404, "not_found_error", `no route for ${method} ${path}`);
    if (m === "method") throw new ApiError(404, "not_found_error", `no route for ${method} ${path}`);
    // variance L12: the signed route is the older /v3/admin/domains; "removed" answers as an unknown route would.
    if (m.auth === "signed" && variance.legacyDomainsRoute === "removed")
      throw new ApiError(404, "not_found_error", `no route for ${method} ${path}`);
    let parsed: unknown;
    let parseError = false;
    if (raw.length > 0) {
      try {
        parsed = JSON.parse(raw.toString("utf8"));
      } catch {
        parseError = true;
      }
    }
    const authInput = { method, path, headers: req.headers, rawBody: raw, parsedBody: parsed, params: m.params, variance };
    const caller = authorize(app.keyring, m.auth, authInput, (r) =>
      app.verifier.verify(r.method, r.path, r.headers, r.rawBody, r.parsedBody),
    );
    if (m.auth !== "none" && limiter && !limiter.take()) {
      const headers: Record<string, string> = variance.retryAfterOn429 ? { "Retry-After": "1" } : {};
      throw new ApiError(429, variance.rateLimitErrorType, "Too many requests, please try again shortly.", headers);
    }
    if (parseError) throw new ApiError(400, "invalid_request_error", "error parsing request body");
    const ctx: Ctx = {
      method,
      path,
      params: m.params,
      query: url.searchParams,
      body: parsed,
      rawBody: raw,
      headers: req.headers,
      requestId,
      variance,
      caller,
    };
    return await m.handler(ctx);
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const requestId = randomUUID();
    res.setHeader("X-Request-Id", requestId);
    const method = req.method ?? "GET";
    const url = new URL(req.url ?? "/", "http://emulator.local");
    let path = url.pathname;
    if (path.length > 1 && path.endsWith("/")) path = path.slice(0, -1);

    if (inbox && !path.startsWith("/v3/") && !path.startsWith("/__emulator") && inbox(req, res, path, url)) return;

    if (path.startsWith("/__emulator/") || path === "/__emulator") {
      if (!control) {
        send(res, 404, errorBody(requestId, new ApiError(404, "not_found_error", "the control API is disabled")));
        return;
      }
      try {
        const raw = await readBody(req);
        const result = await runHandler(control, req, path, url, requestId, raw, app.variance);
        app.store.flush();
        send(res, result.status ?? 200, result.body ?? {}, result.headers);
      } catch (e) {
        const err = e instanceof ApiError ? e : new ApiError(500, "internal_error", (e as Error).message);
        send(res, err.status, errorBody(requestId, err), err.headers);
      }
      return;
    }

    const entry: RequestLogEntry | undefined = path.startsWith("/v3/")
      ? { method, path, query: url.search.slice(1), status: 0, ts: Date.now() }
      : undefined;
    if (entry) {
      requests.push(entry);
      if (requests.length > MAX_REQUEST_LOG) requests.splice(0, requests.length - MAX_REQUEST_LOG);
    }

    const variance = varianceFor(req);
    const decision = entry && !faults.empty ? faults.decide(method, path) : undefined;
    if (decision?.latencyMs && !(await faultDelay(decision.latencyMs))) return;
    const fault = decision?.action;
    if (fault?.kind === "reset") {
      req.socket.destroy();
      return;
    }
    const faultResponse = (): void => {
      const status = fault!.status!;
      const headers: Record<string, string> = {};
      if (fault!.retryAfter !== undefined) headers["Retry-After"] = fault!.retryAfter;
      if (entry) entry.status = status;
      const type = status === 429 ? variance.rateLimitErrorType : errorTypeForStatus(status);
      send(res, status, errorBody(requestId, new ApiError(status, type, messageForStatus(status))), headers);
    };
    if (fault?.kind === "status") {
      req.resume();
      req.on("end", faultResponse);
      return;
    }

    let status: number;
    let body: Record<string, unknown>;
    let headers: Record<string, string> | undefined;
    try {
      const raw = await readBody(req);
      const result = await runHandler(api, req, path, url, requestId, raw, variance);
      status = result.status ?? 200;
      body = { request_id: requestId, ...(result.body ?? {}) };
      if (method !== "DELETE") body = applySelect(body, url.searchParams.get("select"));
      headers = result.headers;
      // variance E6: a delete may answer 204 with no body (not the list-items DELETE, whose answer is the List).
      if (method === "DELETE" && status === 200 && variance.deleteAnswer === "204" && !result.keepBodyOnDelete) status = 204;
    } catch (e) {
      const err =
        e instanceof ApiError
          ? e
          : (app.warn(`nylas-emulator: unhandled error on ${method} ${path}: ${(e as Error).stack}`),
            new ApiError(500, "internal_error", "internal server error"));
      status = err.status;
      body = errorBody(requestId, err);
      headers = err.headers;
    }
    // every mutation is durable before any response leaves
    app.store.flush();
    if (fault?.kind === "commit-then-reset") {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === "commit-then-status") {
      faultResponse();
      return;
    }
    // Committed, then slow to answer: a client that times out meanwhile never learns the outcome.
    if (fault?.kind === "commit-then-latency" && !(await faultDelay(fault.latencyMs ?? 0))) return;
    if (res.destroyed || req.socket.destroyed) return;
    if (entry) entry.status = status;
    if (status === 204) sendEmpty(res, headers);
    else send(res, status, body, headers);
  };

  const server = http.createServer((req, res) => {
    // Idle connections are kept far longer than any client keeps one (undici: 4 s by default), and that
    // time is not announced: with Node's `Keep-Alive: timeout=5` a client kept a connection until a second
    // before the server closed it, and one on a loaded machine that reused it then got "other side
    // closed" for a request the server never read (seen in clean-clone runs, three suites at once).
    // A header of our own stops Node from adding its hint.
    if (!/close/i.test(req.headers.connection ?? "")) res.setHeader("Connection", "keep-alive");
    handle(req, res).catch((e: unknown) => {
      app.warn(`nylas-emulator: ${(e as Error).stack ?? e}`);
      try {
        send(res, 500, { error: { type: "internal_error", message: "internal server error" } });
      } catch {
        /* ignore */
      }
    });
  });
  server.on("close", () => closed.abort());
  server.keepAliveTimeout = 65_000;
  return { server, faults, requests };
}
