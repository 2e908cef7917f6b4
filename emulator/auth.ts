/**
 * Who is calling, and may they call this route — decided here and nowhere else (Nylas API v3 conventions
 * "Authentication", Domains, and Nylas IAM).
 *
 * Bearer tokens are told apart by the token itself: the application API key, or an IAM API key (an IAM
 * credential of a principal with one resource binding and a set of permissions). The emulator starts
 * with one Organization-bound IAM admin key holding `iam.*` and `domains.*`. Routes declare what they
 * need (`RouteAuth`): the application key, service-account signing (the older `/v3/admin/domains`),
 * an IAM permission, or nothing (control API).
 *
 * Extension point for full IAM (principals and credentials created through `/v3/iam/*`): register a
 * `CredentialResolver` with `Keyring.addResolver`. It maps a secret to a `Caller` (or to `undefined`
 * when it does not know the secret) and may throw an `ApiError` itself (e.g. 401 for an expired or
 * disabled credential). Resolvers are asked before the built-in admin key, so a resolver that keeps
 * the admin key as a real principal (iam.ts) decides its state too. Permission and binding checks for
 * IAM routes stay in `authorize` below; an IAM key on an application-key route is let through only by
 * the `ApiKeyGate` (`Keyring.setApiKeyGate`), which checks its binding and permission for that route.
 */
import { timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { ApiError, unauthorized } from "./errors";
import type { Variance } from "./variance";

export type BindingType = "organization" | "application" | "workspace" | "grant";

export interface IamCaller {
  kind: "iam";
  principalId: string;
  credentialId: string;
  binding: { type: BindingType; id: string };
  permissions: ReadonlySet<string>;
}

export type Caller = { kind: "application" } | { kind: "service-account" } | IamCaller;

/** What a route needs. `{ iam: "domains.read" }` = an IAM key bound to the organization holding that permission. */
export type RouteAuth = "apiKey" | "signed" | "none" | { iam: string };

export interface CredentialResolver {
  resolve(secret: string): Caller | undefined;
}

/** Decides whether an IAM key may call an application-key route (grant data, admin objects); throws 403. */
export type ApiKeyGate = (caller: IamCaller, req: AuthInput) => void;

export const DOMAINS_PERMISSIONS = ["domains.read", "domains.create", "domains.update", "domains.delete"] as const;
export const IAM_PERMISSIONS = [
  "iam.principals.read",
  "iam.principals.create",
  "iam.principals.update",
  "iam.principals.delete",
  "iam.credentials.read",
  "iam.credentials.create",
  "iam.credentials.update",
  "iam.credentials.delete",
] as const;

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class Keyring {
  private readonly resolvers: CredentialResolver[] = [];
  gate: ApiKeyGate | undefined;

  constructor(
    readonly apiKey: string,
    readonly iamAdminKey: string,
    private readonly organizationId: () => string,
  ) {}

  /** Extension point: more IAM credentials (see the module comment). Resolvers are asked in order. */
  addResolver(r: CredentialResolver): void {
    this.resolvers.push(r);
  }

  setApiKeyGate(g: ApiKeyGate): void {
    this.gate = g;
  }

  /** The caller a bearer token stands for, or `undefined` for an unknown token. */
  identify(token: string): Caller | undefined {
    if (sameSecret(token, this.apiKey)) return { kind: "application" };
    for (const r of this.resolvers) {
      const c = r.resolve(token);
      if (c) return c;
    }
    if (sameSecret(token, this.iamAdminKey))
      return {
        kind: "iam",
        principalId: "emulator-iam-admin",
        credentialId: "emulator-iam-admin-key",
        binding: { type: "organization", id: this.organizationId() },
        permissions: new Set<string>([...IAM_PERMISSIONS, ...DOMAINS_PERMISSIONS]),
      };
    return undefined;
  }
}

export interface AuthInput {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  parsedBody: unknown;
  /** Route parameters (`grant` = the `{grant_id}` of grant routes). */
  params?: Record<string, string>;
  /** The variance switches this request is answered under. */
  variance?: Variance;
}

const forbidden = (message: string): ApiError => new ApiError(403, "forbidden", message);

function bearer(headers: IncomingHttpHeaders): string | undefined {
  const h = headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(.+)$/i.exec(h.trim());
  return m ? m[1] : "";
}

/**
 * Check a request against what its route needs; answers the caller or throws 401/403.
 * `verifySigned` checks service-account signing (kept in service-account.ts).
 */
export function authorize(
  keyring: Keyring,
  need: RouteAuth,
  req: AuthInput,
  verifySigned: (req: AuthInput) => void,
): Caller | undefined {
  if (need === "none") return undefined;
  if (need === "signed") {
    verifySigned(req);
    return { kind: "service-account" };
  }
  const token = bearer(req.headers);
  if (token === undefined) {
    throw unauthorized(
      typeof need === "object"
        ? "missing Authorization header: send Authorization: Bearer <IAM API key>"
        : "missing Authorization header: send Authorization: Bearer <NYLAS_API_KEY>",
    );
  }
  const caller = token ? keyring.identify(token) : undefined;
  if (need === "apiKey") {
    if (!caller) throw unauthorized("the API key is not valid");
    if (caller.kind === "application") return caller;
    if (caller.kind === "iam" && keyring.gate) {
      keyring.gate(caller, req);
      return caller;
    }
    // variance I8; an Organization-bound IAM key reaches Domains and IAM only (Nylas's permissions
    // reference has no other groups at that binding).
    throw forbidden(
      `this IAM API key is bound to the ${(caller as IamCaller).binding.type}; application resources need the application API key`,
    );
  }
  // An IAM route (Manage Domains on /v3/domains, later /v3/iam/*).
  if (!caller) throw unauthorized("the IAM API key is not valid");
  if (caller.kind !== "iam")
    throw unauthorized(
      `${req.path.startsWith("/v3/domains") ? "the Manage Domains API" : "this endpoint"} needs an Organization-bound IAM API key (Authorization: Bearer <IAM API key>); the application API key is not accepted`,
    );
  if (caller.binding.type !== "organization")
    throw forbidden(`this IAM API key is bound to the ${caller.binding.type}; ${req.path} needs a key bound to the organization`);
  if (!caller.permissions.has(need.iam)) throw forbidden(`this IAM API key lacks the ${need.iam} permission`);
  return caller;
}
