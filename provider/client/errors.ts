/**
 * Errors raised by the Nylas client. One base class, then one class per way a call can fail, chosen by
 * {@link apiErrorFrom} so resources can branch on `instanceof` instead of parsing messages.
 */

/** Base of every error this package throws about talking to Nylas. */
export class NylasError extends Error {
  /** True when the request may have been committed by Nylas although we never saw the answer. */
  readonly maybeCommitted: boolean;
  constructor(message: string, maybeCommitted = false) {
    super(message);
    this.name = new.target.name;
    this.maybeCommitted = maybeCommitted;
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

/** Nylas answered with an error status. */
export class NylasApiError extends NylasError {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly apiMessage: string,
    readonly requestId: string | undefined,
    readonly method: string,
    readonly path: string,
    maybeCommitted = false,
  ) {
    super(formatApiError(status, type, apiMessage, method, path, requestId), maybeCommitted);
  }
}
export class NylasNotFoundError extends NylasApiError {}
export class NylasAuthError extends NylasApiError {}
export class NylasRateLimitError extends NylasApiError {}
export class NylasValidationError extends NylasApiError {}
export class NylasServerError extends NylasApiError {}

/** The connection failed or was cut (reset, refused, DNS); `maybeCommitted` says whether the request may have landed. */
export class NylasNetworkError extends NylasError {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly code: string,
    detail: string,
    maybeCommitted: boolean,
  ) {
    super(`${method} ${path} failed: ${code}${detail ? ` (${detail})` : ""}`, maybeCommitted);
  }
}

/** The client's `signal` fired (the engine cancelled the deployment): no further attempt or wait was started. */
export class NylasCancelledError extends NylasError {
  constructor(readonly method: string, readonly path: string, last?: NylasError) {
    super(`${method} ${path}: cancelled${last ? ` while retrying (last failure: ${last.message})` : " before it was sent"}`, last?.maybeCommitted ?? false);
  }
}

/** No answer within the per-request timeout. */
export class NylasTimeoutError extends NylasError {
  constructor(readonly method: string, readonly path: string, readonly timeoutMs: number) {
    super(`${method} ${path} timed out after ${timeoutMs} ms`, true);
  }
}

/** Retries ran out of attempts or of time; `lastError` is the last failure. */
export class NylasRetriesExhaustedError extends NylasError {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly attempts: number,
    readonly elapsedMs: number,
    readonly lastError: NylasError,
    why: "attempts" | "deadline",
  ) {
    super(
      `${method} ${path} gave up after ${attempts} attempt(s) in ${(elapsedMs / 1000).toFixed(1)} s ` +
        `(${why === "deadline" ? "total deadline reached" : "retry attempts used up"}); last error: ${lastError.message}`,
      lastError.maybeCommitted,
    );
  }
}

/** Nylas answered 2xx but the body did not have the shape the reference documents. */
export class NylasResponseShapeError extends NylasError {
  constructor(readonly method: string, readonly path: string, readonly issues: string[]) {
    super(`unexpected response from ${method} ${path}: ${issues.join("; ")}`);
  }
}

/** Settings are missing or invalid (no API key, bad region, …). */
export class NylasConfigError extends NylasError {}

const HINTS: Record<number, string> = {
  400: "the request was refused as invalid",
  401: "the API key was rejected — set nylas:apiKey (pulumi config set --secret nylas:apiKey …) or NYLAS_API_KEY",
  403: "the API key lacks the scope for this call, or the action is blocked",
  404: "the object does not exist (deleted outside Pulumi?)",
  409: "the request conflicts with another one",
  429: "rate limited by Nylas; lower nylas:requestsPerSecond or retry later",
};

/** The IAM API is called with the IAM API key, not the application key: its refusals say so. */
const IAM_HINTS: Record<number, string> = {
  401: "the IAM API key was rejected (expired, disabled or unknown; the application API key cannot call the IAM API) — set nylas:iamApiKey or NYLAS_IAM_API_KEY to an Organization-bound IAM API key",
  403: "the IAM API key is not bound to the organization or lacks the iam.* permission for this call (the IAM Admin role holds them)",
};

function formatApiError(
  status: number,
  type: string,
  apiMessage: string,
  method: string,
  path: string,
  requestId: string | undefined,
): string {
  const hint = (path.startsWith("/v3/iam/") ? IAM_HINTS[status] : undefined) ?? HINTS[status] ?? (status >= 500 ? "Nylas had a server error; retry later" : "");
  const detail = apiMessage ? `: ${apiMessage}` : "";
  const rid = requestId ? ` [request_id ${requestId}]` : "";
  return `${status} ${type || "error"} from ${method} ${path}${detail}${hint ? ` — ${hint}` : ""}${rid}`;
}

/** The one factory that maps an error answer to its class. */
export function apiErrorFrom(
  status: number,
  body: unknown,
  method: string,
  path: string,
  requestIdHeader: string | undefined,
  maybeCommitted = false,
): NylasApiError {
  const { type, message, requestId } = parseErrorBody(body);
  const rid = requestId ?? requestIdHeader;
  const args = [status, type, message, rid, method, path, maybeCommitted] as const;
  if (status === 404) return new NylasNotFoundError(...args);
  if (status === 401 || status === 403) return new NylasAuthError(...args);
  if (status === 429) return new NylasRateLimitError(...args);
  if (status >= 500) return new NylasServerError(...args);
  if (status === 400 || status === 422) return new NylasValidationError(...args);
  return new NylasApiError(...args);
}

/** Nylas answers errors in three shapes (its SDKs parse all three): nested `error`, OAuth-style, and flat. */
function parseErrorBody(body: unknown): { type: string; message: string; requestId?: string } {
  if (!body || typeof body !== "object") {
    return { type: "", message: typeof body === "string" ? body.slice(0, 300) : "" };
  }
  const b = body as Record<string, unknown>;
  const requestId = typeof b.request_id === "string" ? b.request_id : undefined;
  if (b.error && typeof b.error === "object") {
    const e = b.error as Record<string, unknown>;
    return { type: str(e.type), message: str(e.message), requestId };
  }
  if (typeof b.error === "string") {
    return { type: b.error, message: str(b.error_description), requestId };
  }
  return { type: str(b.type), message: str(b.message), requestId };
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}
