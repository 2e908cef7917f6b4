/**
 * Local Nylas v3 API emulator (Agent Accounts and the admin objects around them).
 * See emulator/README.md for endpoints, the control API, persistence and assumptions.
 */
import type { AddressInfo } from "node:net";
import { App } from "./app";
import { createServer } from "./server";
import { loadServiceAccount, SignatureVerifier } from "./service-account";
import { parseProfile, parseSwitches, profileVariance, type Profile, type Variance } from "./variance";

export type { Profile as VarianceProfile, Variance } from "./variance";

export interface EmulatorOptions {
  port?: number; // default 0 (random); host always 127.0.0.1 unless `host` given
  host?: string;
  dataDir?: string; // persistence directory; undefined = in-memory only
  apiKey?: string; // the application API key; default "nyk_emulator_local_key"
  iamAdminKey?: string; // the Organization-bound IAM admin key (iam.*, domains.*) for /v3/domains; default "nyk_iam_admin_emulator_key"
  variance?: Profile; // "default" (the corrected reference) or "harsh" (every §10 behaviour at its harshest); see variance.ts
  varianceSwitches?: Partial<Variance>; // per-switch overrides on top of the profile
  control?: boolean; // enable /__emulator/ control API; default true in-process, CLI flag --control
  domains?: string[]; // domains pre-registered (and verified) so agent accounts can be created on them; default ["agents.example.com"]
  webhookChallenge?: boolean; // default true: creating/reactivating a webhook GETs url?challenge=… and requires the echo
  rateLimitPerSecond?: number; // optional app-wide limit (token bucket, 1s window); over → 429
  quiet?: boolean;
}

export interface RunningEmulator {
  url: string; // e.g. http://127.0.0.1:43121
  apiKey: string;
  iamAdminKey: string;
  port: number;
  serviceAccount: { privateKeyId: string; privateKeyPem: string }; // credentials a client signs domain requests with
  close(): Promise<void>;
}

export const DEFAULT_API_KEY = "nyk_emulator_local_key";
export const DEFAULT_IAM_ADMIN_KEY = "nyk_iam_admin_emulator_key";
export const DEFAULT_DOMAINS = ["agents.example.com"];

export async function startEmulator(opts: EmulatorOptions = {}): Promise<RunningEmulator> {
  const apiKey = opts.apiKey ?? DEFAULT_API_KEY;
  const iamAdminKey = opts.iamAdminKey ?? DEFAULT_IAM_ADMIN_KEY;
  if (iamAdminKey === apiKey) throw new Error("iamAdminKey must differ from apiKey: Nylas tells the two credentials apart by the token");
  const variance = { ...profileVariance(parseProfile(opts.variance ?? "default")), ...parseSwitches(opts.varianceSwitches) };
  const app = new App({
    dataDir: opts.dataDir,
    apiKey,
    iamAdminKey,
    variance,
    domains: (opts.domains ?? DEFAULT_DOMAINS).map((d) => d.trim().toLowerCase()).filter(Boolean),
    fsync: process.env.NYLAS_EMULATOR_FSYNC !== "0",
    quiet: opts.quiet ?? false,
    config: {
      rateLimitPerSecond: opts.rateLimitPerSecond && opts.rateLimitPerSecond > 0 ? opts.rateLimitPerSecond : undefined,
      webhookChallenge: opts.webhookChallenge ?? true,
      requireVerifiedDomain: false,
      uniqueWebhookUrls: true,
      notifySentMessages: true,
    },
  });
  app.open();
  app.sa = await loadServiceAccount(opts.dataDir, () => app.meta.organization_id);
  app.verifier = new SignatureVerifier(app.sa);

  const { server } = createServer(app, { control: opts.control ?? true });
  const host = opts.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(":") ? `[${host}]` : host === "0.0.0.0" ? "127.0.0.1" : host;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      for (const c of app.pendingChallenges) c.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await app.deliverer.close();
      await closed;
      app.store.close();
    })());

  return {
    url: `http://${urlHost}:${port}`,
    apiKey,
    iamAdminKey,
    port,
    serviceAccount: { privateKeyId: app.sa.file.private_key_id, privateKeyPem: app.sa.file.private_key },
    close,
  };
}
