/** Nylas-shaped API errors: `{request_id, error: {type, message}}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string): ApiError => new ApiError(400, "invalid_request_error", message);
export const notFound = (message: string): ApiError => new ApiError(404, "not_found_error", message);
export const unauthorized = (message: string): ApiError => new ApiError(401, "unauthorized", message);
export const conflict = (message: string, type = "conflict"): ApiError => new ApiError(409, type, message);
export const forbidden = (message: string, type = "forbidden"): ApiError => new ApiError(403, type, message);

/** Error `type` used when a fault rule (or anything else) answers a bare status. */
export function errorTypeForStatus(status: number): string {
  switch (status) {
    case 400:
      return "invalid_request_error";
    case 401:
      return "unauthorized";
    case 403:
      return "insufficient_scopes";
    case 404:
      return "not_found_error";
    case 408:
      return "request_timeout";
    case 409:
      return "conflict";
    case 429:
      return "rate_limit_error";
    case 500:
      return "internal_error";
    case 502:
      return "bad_gateway";
    case 503:
      return "service_unavailable";
    case 504:
      return "provider_error";
    default:
      return status >= 500 ? "internal_error" : "invalid_request_error";
  }
}

export function messageForStatus(status: number): string {
  switch (status) {
    case 429:
      return "Too many requests, please try again shortly.";
    case 500:
      return "Internal server error";
    case 502:
      return "Bad gateway";
    case 503:
      return "Service temporarily unavailable";
    case 504:
      return "Request timed out waiting for the provider";
    default:
      return `Injected error (HTTP ${status})`;
  }
}
