/**
 * Local Nylas v3 API emulator (Agent Accounts and the admin objects around them), with a control API,
 * a web inbox and an optional SMTP server. See emulator/README.md for endpoints, the control API,
 * persistence and assumptions.
 *
 *   import { startEmulator, EmulatorControl } from "pulumi-nylas-agents/emulator";
 */
import type { AddressInfo } from "node:net";
import { App } from "./app";
import { PLAN_NAMES, type PlanName } from "./plan";
import { createServer } from "./server";
import { loadServiceAccount, SignatureVerifier } from "./service-account";
import { startSmtp, type SmtpOptions } from "./smtp";
import { parseProfile, parseSwitches, profileVariance, type Profile, type Variance } from "./variance";

export type { Profile as VarianceProfile, Variance } from "./variance";

export { EmulatorControl, EmulatorControlError } from "./control-client";
export type {
  AppliedActions,
  Channel,
  ChannelDelivery,
  Connector,
  Domain,
  DomainVerificationType,
  EmulatorConfig,
  EmulatorConfigPatch,
  EmulatorState,
  EvaluationStage,
  FaultKind,
  FaultRule,
  FaultRuleState,
  Folder,
  Grant,
  InjectMail,
  InjectResult,
  List,
  LoggedRequest,
  Message,
  OutboxMessage,
  OutboxReply,
  Participant,
  PlanName,
  Policy,
  RecipientResult,
  Rule,
  RuleEvaluation,
  ServiceAccountFile,
  SpamVerdict,
  Thread,
  VarianceState,
  WaitOptions,
  Webhook,
  WebhookDeliveryAttempt,
  Workspace,
} from "./control-client";
export { WebhookReceiver, type Delivery } from "./receiver";
export type { SmtpOptions } from "./smtp";
export { stackConfigFor, type StackConfigValue } from "./stack-config";

export interface EmulatorOptions {
  /** HTTP port; default 0 (a free one). */
  port?: number;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Persistence directory; default: in-memory only. */
  dataDir?: string;
  /** The application API key; default "nyk_emulator_local_key". */
  apiKey?: string;
  /** The Organization-bound IAM admin key (iam.*, domains.*) for /v3/domains; default "nyk_iam_admin_emulator_key". */
  iamAdminKey?: string;
  /** "default" (each variance switch at its emulator default) or "harsh" (every switch at its harshest); see variance.ts. */
  variance?: Profile;
  /** Per-switch overrides on top of the profile. */
  varianceSwitches?: Partial<Variance>;
  /** Mount the /__emulator/ control API; default true in-process (the CLI's default is off: `--control`). */
  control?: boolean;
  /** Domains pre-registered (and verified) so agent accounts can be created on them; default ["agents.example.com"]. */
  domains?: string[];
  /** Creating/reactivating a webhook GETs `url?challenge=…` and requires the echo; default true. */
  webhookChallenge?: boolean;
  /** App-wide limit (token bucket, 1 s window); over → 429. Default: none. */
  rateLimitPerSecond?: number;
  /** Enforce the Free or Full Platform Agent Account limits; default: none. */
  plan?: PlanName;
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
  iamAdminKey: string;
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
export const DEFAULT_IAM_ADMIN_KEY = "nyk_iam_admin_emulator_key";
export const DEFAULT_DOMAINS = ["agents.example.com"];

export async function startEmulator(opts: EmulatorOptions = {}): Promise<RunningEmulator> {
  const apiKey = opts.apiKey ?? DEFAULT_API_KEY;
  if (opts.plan !== undefined && !PLAN_NAMES.includes(opts.plan)) throw new Error(`plan must be one of: ${PLAN_NAMES.join(", ")}`);
  const iamAdminKey = opts.iamAdminKey ?? DEFAULT_IAM_ADMIN_KEY;
  if (iamAdminKey === apiKey) throw new Error("iamAdminKey must differ from apiKey: Nylas tells the two credentials apart by the token");
  const variance = { ...profileVariance(parseProfile(opts.variance ?? "default")), ...parseSwitches(opts.varianceSwitches) };
  const app = new App({
    dataDir: opts.dataDir,
    apiKey,
    iamAdminKey,
    variance,
    domains: (opts.domains ?? DEFAULT_DOMAINS).map((d) => d.trim().toLowerCase()).filter(Boolean),
    fsync: opts.fsync ?? true,
    quiet: opts.quiet ?? false,
    config: {
      rateLimitPerSecond: opts.rateLimitPerSecond && opts.rateLimitPerSecond > 0 ? opts.rateLimitPerSecond : undefined,
      webhookChallenge: opts.webhookChallenge ?? true,
      requireVerifiedDomain: false,
      uniqueWebhookUrls: true,
      notifySentMessages: true,
      plan: opts.plan,
      sendQueueSeconds: 90,
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
      app.cancelScheduled();
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
    iamAdminKey,
    port,
    inboxUrl: inbox ? `${url}/` : undefined,
    smtp: smtp ? { host: smtp.host, port: smtp.port } : undefined,
    serviceAccount: { privateKeyId: app.sa.file.private_key_id, privateKeyPem: app.sa.file.private_key },
    close,
  };
}
