import { NylasConfigError, type ClientOptions } from "../client";
import { editDistance } from "../schema";
import { settingsFrom } from "../settings";
import { unwrapSecrets, type Props } from "./properties";

/**
 * Provider configuration of the plugin: the same settings as the dynamic resources' `nylas:*` stack config
 * (provider/settings.ts reads them, with the same environment fallbacks), under the plugin's package
 * name — stack config `nylas-agents:apiKey` for the default provider, or the inputs of an explicit
 * `new nylas_agents.Provider(...)`, which the engine sends by plain name (`apiKey`).
 */

export const PACKAGE = "nylas-agents";

export interface ConfigProperty {
  type: "string" | "number" | "integer";
  secret?: boolean;
  enum?: readonly string[];
  env: string;
  description: string;
}

/** Every key provider/settings.ts reads; a test holds this table to exactly those keys. */
export const CONFIG: Record<string, ConfigProperty> = {
  apiKey: {
    type: "string",
    secret: true,
    env: "NYLAS_API_KEY",
    description: "Nylas application API key (required for everything but `Domain`).",
  },
  apiUri: {
    type: "string",
    env: "NYLAS_API_URI",
    description: "Explicit base URL of the Nylas API (the local emulator, a proxy); wins over `region`.",
  },
  region: {
    type: "string",
    enum: ["us", "eu"],
    env: "NYLAS_REGION",
    description: "Nylas data region of the application: `us` (the default) or `eu`.",
  },
  domainsApiKey: {
    type: "string",
    secret: true,
    env: "NYLAS_DOMAINS_API_KEY",
    description:
      "IAM API key (Organization-bound, `domains.*`) for the Manage Domains API at `/v3/domains`; only `Domain` needs it (the application API key cannot manage domains).",
  },
  iamApiKey: {
    type: "string",
    secret: true,
    env: "NYLAS_IAM_API_KEY",
    description:
      "Organization-bound IAM API key (`iam.*`) for the IAM API at `/v3/iam/*`; only `IamPrincipal` and `IamCredential` need it (the application API key cannot manage IAM).",
  },
  serviceAccount: {
    type: "string",
    secret: true,
    env: "NYLAS_SERVICE_ACCOUNT",
    description:
      "Nylas service-account credentials JSON (`private_key_id`, `private_key`); signs the older `/v3/admin/domains` route, for whoever still has one. " +
      "`NYLAS_SERVICE_ACCOUNT_FILE` may name the file instead.",
  },
  domainsRoute: {
    type: "string",
    enum: ["iam", "service-account"],
    env: "NYLAS_DOMAINS_ROUTE",
    description:
      "Which Manage Domains route `Domain` calls: `iam` (`/v3/domains` with `domainsApiKey`) or `service-account` (signed `/v3/admin/domains`); default `iam` when a domains API key is set.",
  },
  requestsPerSecond: {
    type: "number",
    env: "NYLAS_REQUESTS_PER_SECOND",
    description:
      "A fixed client-side request rate (burst twice that); `0` turns the throttle off. Unset: adaptive (50 req/s, halved on a 429, regained gradually).",
  },
  concurrency: { type: "integer", env: "NYLAS_CONCURRENCY", description: "Connections, and so requests in flight, at most. Default 16." },
  requestTimeoutMs: { type: "integer", env: "NYLAS_REQUEST_TIMEOUT_MS", description: "Timeout of one attempt, in milliseconds. Default 30000." },
  maxAttempts: { type: "integer", env: "NYLAS_MAX_ATTEMPTS", description: "Attempts per API call (retries of 429, 5xx, resets and timeouts). Default 8." },
  deadlineMs: { type: "integer", env: "NYLAS_DEADLINE_MS", description: "Total time per API call including retries, in milliseconds. Default 120000." },
  retryBaseDelayMs: {
    type: "integer",
    env: "NYLAS_RETRY_BASE_DELAY_MS",
    description: "First backoff ceiling in milliseconds (doubles per retry, capped at 20 s, full jitter; `Retry-After` wins). Default 500.",
  },
};

/** Keys the engine itself adds to provider inputs; never the user's. */
const ENGINE_KEYS = new Set(["version", "pluginDownloadURL", "pluginChecksums", "parameterization", "name"]);

/** The keys provider/settings.ts reads (without the `nylas:` prefix), found by asking it. */
export function settingKeys(): string[] {
  const keys: string[] = [];
  settingsFrom((key) => {
    keys.push(key.replace(/^nylas:/, ""));
    return undefined;
  }, {});
  return keys;
}

/** Config values as settings.ts reads them: strings (an SDK sends non-string provider inputs as JSON text). */
function configGetter(args: Props): (key: string) => string | undefined {
  return (key) => {
    const v = args[key.replace(/^nylas:/, "")];
    if (v === undefined || v === null) return undefined;
    return typeof v === "string" ? v : typeof v === "object" ? JSON.stringify(v) : String(v);
  };
}

/** settings.ts names keys `nylas:<key>` (the dynamic resources' namespace); the plugin's are `nylas-agents:<key>`. */
export function pluginMessage(message: string): string {
  return message.replace(/\bnylas:(?=[a-zA-Z])/g, `${PACKAGE}:`);
}

export interface ConfigFailure {
  property: string;
  reason: string;
}

/**
 * CheckConfig: every key known and every value valid, before any provider call. The inputs come back as
 * given (secret wrappers kept), so the engine stores and diffs them the way the program wrote them.
 */
export function checkConfig(news: Props): { inputs: Props; failures: ConfigFailure[] } {
  const { plain } = unwrapSecrets(news);
  const failures: ConfigFailure[] = [];
  for (const key of Object.keys(plain)) {
    if (ENGINE_KEYS.has(key) || key in CONFIG) continue;
    const meant = Object.keys(CONFIG).find((k) => k.toLowerCase() === key.toLowerCase() || editDistance(k.toLowerCase(), key.toLowerCase()) <= 2);
    failures.push({
      property: key,
      reason: `${PACKAGE}:${key} is not a setting of this provider${meant ? ` (did you mean ${meant}?)` : ""}; allowed: ${Object.keys(CONFIG).join(", ")}`,
    });
  }
  const get = configGetter(plain);
  for (const key of Object.keys(CONFIG)) {
    if (get(key) === undefined) continue;
    try {
      // One key at a time, so each bad value is its own failure; the environment is not consulted here.
      settingsFrom((k) => (k === `nylas:${key}` ? get(key) : undefined), {});
    } catch (e) {
      if (!(e instanceof NylasConfigError)) throw e;
      failures.push({ property: key, reason: pluginMessage(e.message) });
    }
  }
  return { inputs: news, failures };
}

/** Client settings from Configure's `args` (plain names), falling back to the legacy `variables` map, then the environment. */
export function clientOptions(args: Props, variables: Record<string, string>, env: NodeJS.ProcessEnv = process.env): ClientOptions {
  const { plain } = unwrapSecrets(args);
  const fromArgs = configGetter(plain);
  try {
    return settingsFrom((key) => {
      const name = key.replace(/^nylas:/, "");
      return fromArgs(key) ?? variables[`${PACKAGE}:config:${name}`];
    }, env);
  } catch (e) {
    if (e instanceof NylasConfigError) e.message = pluginMessage(e.message);
    throw e;
  }
}
