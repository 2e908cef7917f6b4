/**
 * Local Nylas v3 API emulator (Agent Accounts and the admin objects around them), with a control API,
 * a web inbox and an optional SMTP server. See emulator/README.md for endpoints, the control API,
 * persistence and assumptions.
 *
 *   import { startEmulator, EmulatorControl } from "pulumi-nylas-agents/emulator";
 */
import type { AddressInfo } from "node:net";
import { App } from "./app";
import { createServer } from "./server";
import { loadServiceAccount, SignatureVerifier } from "./service-account";
import { startSmtp, type SmtpOptions } from "./smtp";

export { EmulatorControl, EmulatorControlError } from "./control-client";
export type {
  Connector,
  Domain,
  DomainVerificationType,
  EmulatorConfig,
  EmulatorState,
  FaultKind,
  FaultRule,
  FaultRuleState,
  Grant,
  InjectMail,
  InjectResult,
  List,
  LoggedRequest,
  Message,
  OutboxMessage,
  OutboxReply,
  Participant,
  Policy,
  RecipientResult,
  Rule,
  ServiceAccountFile,
  Thread,
  WaitOptions,
  Webhook,
  WebhookDeliveryAttempt,
  Workspace,
} from "./control-client";
export { WebhookReceiver, type Delivery } from "./receiver";
export type { SmtpOptions } from "./smtp";

export interface EmulatorOptions {
  /** HTTP port; default 0 (a free one). */
  port?: number;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Persistence directory; default: in-memory only. */
  dataDir?: string;
  /** The one accepted Bearer key; default "nyk_emulator_local_key". */
  apiKey?: string;
  /** Mount the /__emulator/ control API; default true in-process (the CLI's default is off: `--control`). */
  control?: boolean;
  /** Domains pre-registered (and verified) so agent accounts can be created on them; default ["agents.example.com"]. */
  domains?: string[];
  /** Creating/reactivating a webhook GETs `url?challenge=…` and requires the echo; default true. */
  webhookChallenge?: boolean;
  /** App-wide limit (token bucket, 1 s window); over → 429. Default: none. */
  rateLimitPerSecond?: number;
  /** fdatasync after each journal append (with `dataDir`); default true. False is faster but loses the last writes on power loss. */
  fsync?: boolean;
  /** The read-only web inbox at `/`; default true. */
  inbox?: boolean;
  /** Start an SMTP server (submission with an agent's app password, inbound mail to agents); default: none. */
  smtp?: SmtpOptions;
  /** No warnings on stderr; default false. */
  quiet?: boolean;
}

export interface RunningEmulator {
  /** e.g. http://127.0.0.1:43121 — the API base URL (`nylas:apiUri`). */
  url: string;
  apiKey: string;
  port: number;
  /** The web inbox, when enabled. */
  inboxUrl?: string;
  /** Where the SMTP server listens, when started. */
  smtp?: { host: string; port: number };
  /** Credentials a client signs domain requests with. */
  serviceAccount: { privateKeyId: string; privateKeyPem: string };
  close(): Promise<void>;
}

export const DEFAULT_API_KEY = "nyk_emulator_local_key";
export const DEFAULT_DOMAINS = ["agents.example.com"];

export async function startEmulator(opts: EmulatorOptions = {}): Promise<RunningEmulator> {
  const apiKey = opts.apiKey ?? DEFAULT_API_KEY;
  const app = new App({
    dataDir: opts.dataDir,
    apiKey,
    domains: (opts.domains ?? DEFAULT_DOMAINS).map((d) => d.trim().toLowerCase()).filter(Boolean),
    fsync: opts.fsync ?? true,
    quiet: opts.quiet ?? false,
    config: {
      rateLimitPerSecond: opts.rateLimitPerSecond && opts.rateLimitPerSecond > 0 ? opts.rateLimitPerSecond : undefined,
      retryAfterOnRateLimit: true,
      webhookChallenge: opts.webhookChallenge ?? true,
      rulesListEnvelope: "array",
      requireVerifiedDomain: false,
      uniqueWebhookUrls: true,
      notifySentMessages: true,
      notifyJunkMessages: true,
      dnsbl: [],
    },
  });
  app.open();
  app.sa = await loadServiceAccount(opts.dataDir, () => app.meta.organization_id);
  app.verifier = new SignatureVerifier(app.sa);

  const inbox = opts.inbox ?? true;
  const { server } = createServer(app, { control: opts.control ?? true, inbox });
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

  let smtp: Awaited<ReturnType<typeof startSmtp>> | undefined;
  try {
    if (opts.smtp) smtp = await startSmtp(app, { host, ...opts.smtp });
  } catch (e) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    app.store.close();
    throw e;
  }

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      for (const c of app.pendingChallenges) c.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await smtp?.close();
      await app.deliverer.close();
      await closed;
      app.store.close();
    })());

  const url = `http://${urlHost}:${port}`;
  return {
    url,
    apiKey,
    port,
    inboxUrl: inbox ? `${url}/` : undefined,
    smtp: smtp ? { host: smtp.host, port: smtp.port } : undefined,
    serviceAccount: { privateKeyId: app.sa.file.private_key_id, privateKeyPem: app.sa.file.private_key },
    close,
  };
}
