import type { IncomingHttpHeaders } from "node:http";
import type { Caller, RouteAuth } from "./auth";
import type { Variance } from "./variance";

/** What a route needs to be called (see auth.ts). */
export type AuthKind = RouteAuth;

export interface Ctx {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  rawBody: Buffer;
  headers: IncomingHttpHeaders;
  requestId: string;
  /** The variance switches this request is answered under (variance.ts). */
  variance: Variance;
  /** Who is calling (undefined on unauthenticated control routes). */
  caller?: Caller;
}

export interface Result {
  status?: number;
  /** Response body; objects get `request_id` prepended by the server. */
  body?: Record<string, unknown>;
  headers?: Record<string, string>;
  /** A DELETE whose answer is an object (list items), never turned into a bodiless 204 (variance E6). */
  keepBodyOnDelete?: boolean;
}

export type Handler = (ctx: Ctx) => Result | Promise<Result>;

interface Route {
  method: string;
  re: RegExp;
  names: string[];
  auth: AuthKind;
  handler: Handler;
}

export interface Match {
  handler: Handler;
  params: Record<string, string>;
  auth: AuthKind;
}

export class Router {
  private routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler, auth: AuthKind = "apiKey"): void {
    const names: string[] = [];
    const src = pattern
      .split("/")
      .map((seg) => {
        if (seg.startsWith(":")) {
          names.push(seg.slice(1));
          return "([^/]+)";
        }
        return seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      })
      .join("/");
    this.routes.push({ method, re: new RegExp(`^${src}$`), names, auth, handler });
  }

  get(p: string, h: Handler, auth?: AuthKind): void {
    this.add("GET", p, h, auth);
  }
  post(p: string, h: Handler, auth?: AuthKind): void {
    this.add("POST", p, h, auth);
  }
  put(p: string, h: Handler, auth?: AuthKind): void {
    this.add("PUT", p, h, auth);
  }
  patch(p: string, h: Handler, auth?: AuthKind): void {
    this.add("PATCH", p, h, auth);
  }
  delete(p: string, h: Handler, auth?: AuthKind): void {
    this.add("DELETE", p, h, auth);
  }

  /** `undefined` = no route; `"method"` = the path exists with other methods. */
  match(method: string, path: string): Match | "method" | undefined {
    let pathMatched = false;
    for (const r of this.routes) {
      const m = r.re.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (r.method !== method) continue;
      const params: Record<string, string> = {};
      r.names.forEach((n, i) => {
        try {
          params[n] = decodeURIComponent(m[i + 1]);
        } catch {
          params[n] = m[i + 1];
        }
      });
      return { handler: r.handler, params, auth: r.auth };
    }
    return pathMatched ? "method" : undefined;
  }
}
