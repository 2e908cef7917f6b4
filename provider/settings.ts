import { readFileSync } from "node:fs";
import { DOMAINS_ROUTES, NylasConfigError, REGION_URLS, type ClientOptions, type DomainsRoute, type Region } from "./client";

/**
 * Connection settings: stack config (`nylas:*`) first, then environment variables. Read only inside the
 * provider process (in `configure`), so no credential is ever captured in the serialized provider.
 *
 * | config key                | env var                        | meaning                                    |
 * |---------------------------|--------------------------------|--------------------------------------------|
 * | nylas:apiKey (secret)     | NYLAS_API_KEY                  | application API key                        |
 * | nylas:apiUri              | NYLAS_API_URI                  | base URL (emulator, proxy); wins over region |
 * | nylas:region              | NYLAS_REGION                   | `us` (default) or `eu`                     |
 * | nylas:domainsApiKey (secret) | NYLAS_DOMAINS_API_KEY        | IAM API key for the Manage Domains API (/v3/domains) |
 * | nylas:iamApiKey (secret) | NYLAS_IAM_API_KEY              | Organization-bound IAM API key (iam.*) for the IAM API (/v3/iam/*) |
 * | nylas:serviceAccount (secret) | NYLAS_SERVICE_ACCOUNT / NYLAS_SERVICE_ACCOUNT_FILE | credentials JSON for the older signed /v3/admin/domains |
 * | nylas:domainsRoute        | NYLAS_DOMAINS_ROUTE            | `iam` or `service-account`; default: `iam` when a domains API key is set |
 * | nylas:requestsPerSecond   | NYLAS_REQUESTS_PER_SECOND      | a fixed client rate; 0 = off; unset = adaptive (50 req/s, halved on a 429, regained gradually) |
 * | nylas:concurrency         | NYLAS_CONCURRENCY              | connections / requests in flight, default 16 |
 * | nylas:requestTimeoutMs    | NYLAS_REQUEST_TIMEOUT_MS       | per attempt, default 30000                 |
 * | nylas:maxAttempts         | NYLAS_MAX_ATTEMPTS             | per call, default 8                        |
 * | nylas:deadlineMs          | NYLAS_DEADLINE_MS              | per call incl. retries, default 120000     |
 */
export type ConfigGetter = (key: string) => string | undefined;

export function settingsFrom(get: ConfigGetter, env: NodeJS.ProcessEnv = process.env): ClientOptions {
  const pick = (key: string, envName: string) => nonEmpty(get(`nylas:${key}`)) ?? nonEmpty(env[envName]);
  const region = pick("region", "NYLAS_REGION");
  if (region !== undefined && !(region in REGION_URLS)) {
    throw new NylasConfigError(`nylas:region must be "us" or "eu", got "${region}"`);
  }
  const domainsRoute = pick("domainsRoute", "NYLAS_DOMAINS_ROUTE");
  if (domainsRoute !== undefined && !DOMAINS_ROUTES.includes(domainsRoute as DomainsRoute)) {
    throw new NylasConfigError(`nylas:domainsRoute must be ${DOMAINS_ROUTES.map((r) => `"${r}"`).join(" or ")}, got "${domainsRoute}"`);
  }
  return {
    apiKey: pick("apiKey", "NYLAS_API_KEY"),
    domainsApiKey: pick("domainsApiKey", "NYLAS_DOMAINS_API_KEY"),
    iamApiKey: pick("iamApiKey", "NYLAS_IAM_API_KEY"),
    domainsRoute: domainsRoute as DomainsRoute | undefined,
    apiUri: pick("apiUri", "NYLAS_API_URI"),
    region: region as Region | undefined,
    serviceAccount: serviceAccountFrom(pick("serviceAccount", "NYLAS_SERVICE_ACCOUNT"), nonEmpty(env.NYLAS_SERVICE_ACCOUNT_FILE)),
    requestsPerSecond: num(pick("requestsPerSecond", "NYLAS_REQUESTS_PER_SECOND"), "requestsPerSecond", 0),
    concurrency: num(pick("concurrency", "NYLAS_CONCURRENCY"), "concurrency", 1),
    timeoutMs: num(pick("requestTimeoutMs", "NYLAS_REQUEST_TIMEOUT_MS"), "requestTimeoutMs", 1),
    retry: {
      maxAttempts: num(pick("maxAttempts", "NYLAS_MAX_ATTEMPTS"), "maxAttempts", 1),
      deadlineMs: num(pick("deadlineMs", "NYLAS_DEADLINE_MS"), "deadlineMs", 1),
      baseDelayMs: num(pick("retryBaseDelayMs", "NYLAS_RETRY_BASE_DELAY_MS"), "retryBaseDelayMs", 0),
    },
  };
}

function serviceAccountFrom(json: string | undefined, file: string | undefined): ClientOptions["serviceAccount"] {
  const text = json ?? (file ? readFileSync(file, "utf8") : undefined);
  if (text === undefined) return undefined;
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Never echo the text: it holds a private key.
    throw new NylasConfigError("nylas:serviceAccount is not valid JSON (expected the service-account credentials file)");
  }
  const privateKeyId = parsed.private_key_id ?? parsed.privateKeyId;
  const privateKeyPem = parsed.private_key ?? parsed.privateKey ?? parsed.privateKeyPem;
  if (typeof privateKeyId !== "string" || typeof privateKeyPem !== "string") {
    throw new NylasConfigError("nylas:serviceAccount must have string fields private_key_id and private_key");
  }
  return { privateKeyId, privateKeyPem };
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === "" ? undefined : v.trim();
}

function num(v: string | undefined, key: string, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw new NylasConfigError(`nylas:${key} must be a number ≥ ${min}, got "${v}"`);
  return n;
}
