import * as pulumi from "@pulumi/pulumi";
import { AgentAccount } from "../resources/agent-account";
import { Policy, type PolicyArgs } from "../resources/policy";
import { Rule, type RuleArgs } from "../resources/rule";
import type { PubSubChannel, SnsChannel } from "../resources/channel";
import { Webhook, type WebhookArgs } from "../resources/webhook";
import { Workspace } from "../resources/workspace";
import { AgentKey, type AgentKeyOptionsArgs } from "./agent-key";

/**
 * `AgentMailbox`: one call gives an AI agent a ready mailbox — an {@link AgentAccount}, optionally its
 * own {@link Workspace} with its own {@link Policy} and {@link Rule}s, and a {@link Webhook}
 * subscription — with sensible defaults, for the usual patterns:
 *
 * - **per-workflow identity**: `sales`, `support`, `scheduling` agents, each with its own policy and
 *   rules (`policy` / `rules` give the agent its own workspace);
 * - **per-customer identity**: one mailbox per customer domain (`email` on the customer's domain,
 *   `workspace: {}` for a workspace of that domain);
 * - **reputation isolation**: outbound mail split across subdomains, each its own workspace and policy
 *   with its own daily send limit.
 *
 * Every child is parented to the component, so `pulumi destroy` (or removing the component) deletes
 * them in dependency order: agent key → webhook → account → workspace → rules → policy.
 */

/** The agent's own workspace (its policy and rules attach here). */
export interface AgentMailboxWorkspaceArgs {
  /**
   * The workspace's email domain; one workspace per application and domain. Changing it replaces the
   * workspace. @default the domain of `email`.
   *
   * Several agents on ONE domain each with their own policy (per-workflow) need a distinct workspace
   * domain each — e.g. `sales.agents.example.com` for `sales@agents.example.com` — with `autoGroup`
   * off; the account is placed in it explicitly.
   */
  domain?: pulumi.Input<string>;
  /** Display name. @default the component name */
  name?: pulumi.Input<string>;
  /**
   * Put new accounts of `domain` into this workspace automatically.
   * @default true when `domain` is the email's domain, false otherwise
   */
  autoGroup?: pulumi.Input<boolean>;
}

/** The agent's own policy: {@link PolicyArgs} with an optional name. */
export type AgentMailboxPolicyArgs = Omit<PolicyArgs, "name" | "adopt"> & {
  /** Display name. @default the component name */
  name?: pulumi.Input<string>;
};

/** One of the agent's own rules: {@link RuleArgs} with an optional name. */
export type AgentMailboxRuleArgs = Omit<RuleArgs, "name" | "adopt"> & {
  /** Display name (rules are found by name after a lost create, so keep it unique). @default `<component> <key>` */
  name?: pulumi.Input<string>;
};

/** A webhook subscription for the agent. */
export interface AgentMailboxWebhookArgs {
  /** Where Nylas POSTs notifications (see {@link WebhookArgs.webhookUrl}); each webhook needs its own URL. */
  url: pulumi.Input<string>;
  /** @default ["message.created"] */
  triggerTypes?: pulumi.Input<pulumi.Input<string>[]>;
  /** @default "<email>: <triggers>" */
  description?: pulumi.Input<string>;
  compressedDelivery?: WebhookArgs["compressedDelivery"];
  notificationEmailAddresses?: WebhookArgs["notificationEmailAddresses"];
  /** Change it to rotate the secret. */
  secretVersion?: WebhookArgs["secretVersion"];
}

export interface AgentMailboxArgs {
  /** The agent's address, on a domain registered with Nylas. Changing it replaces the account. */
  email: pulumi.Input<string>;
  /** Display name (the `From` name of its mail). */
  name?: pulumi.Input<string>;
  /** IMAP/SMTP password (18–40 printable ASCII, upper + lower + digit); kept only as a secret hash. */
  appPassword?: pulumi.Input<string>;
  /**
   * Join an existing workspace (e.g. one shared by all agents of a domain). Not together with
   * `workspace`, `policy`, `policyId` or `rules`. Unset and no own workspace: Nylas picks one (the
   * `autoGroup` workspace of the email's domain, else the default workspace).
   */
  workspaceId?: pulumi.Input<string>;
  /** Give the agent its own workspace. Implied (with defaults) by `policy`, `policyId` or `rules`. */
  workspace?: AgentMailboxWorkspaceArgs;
  /** Create a policy of the agent's own and attach it to its workspace. */
  policy?: AgentMailboxPolicyArgs;
  /** Attach an existing (shared) policy to the agent's own workspace instead. */
  policyId?: pulumi.Input<string>;
  /** The agent's own rules, by a key that names the child resource (`<component>-<key>`) and stays stable. */
  rules?: Record<string, AgentMailboxRuleArgs>;
  /** Existing (shared) rules to attach to the agent's own workspace as well, e.g. a common blocklist rule. */
  sharedRuleIds?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * The application-wide {@link Webhook} this mailbox's events arrive on, shared with the other
   * mailboxes — the shape that scales (one delivery per event instead of one per mailbox per event).
   * Route deliveries to each mailbox with {@link createWebhookRouter}. The mailbox only waits for it
   * (so its first mail is not missed) and exposes its secret as `webhookSecret`.
   */
  sharedWebhook?: Webhook;
  /**
   * The same for any application-wide destination: a shared {@link Webhook}, {@link PubSubChannel} or
   * {@link SnsChannel}. The account is made once it exists; with a Webhook, its secret is `webhookSecret`.
   * Route channel messages by `data.object.grant_id` (see `grantIdOf`). Not together with `sharedWebhook`.
   */
  sharedNotifications?: Webhook | PubSubChannel | SnsChannel;
  /**
   * A webhook of this mailbox's own — an explicit choice that does not scale: Nylas webhooks are
   * application-wide, so each one hears EVERY mailbox of the application; N mailboxes with one each
   * receive N² deliveries for N messages (a warning says so past {@link PER_MAILBOX_WEBHOOKS_WARN_AT}).
   * Filter deliveries on `data.object.grant_id === mailbox.grantId`. Prefer `sharedWebhook`.
   */
  webhook?: AgentMailboxWebhookArgs;
  /**
   * Give the agent an IAM API key of its own (`agentApiKey`, a secret) that reaches this mailbox only
   * — a principal bound to its grant with {@link AGENT_LOOP_PERMISSIONS} (read and send mail, threads,
   * folders) — so the agent's runtime never holds the application API key. `true` for the defaults, or
   * the principal's roles / permissions and the key's expiry and rotation. Needs `nylas:iamApiKey`.
   */
  agentKey?: boolean | AgentKeyOptionsArgs;
}

/** Per-mailbox webhooks in one program beyond which a warning explains the N² deliveries. */
export const PER_MAILBOX_WEBHOOKS_WARN_AT = 5;
let perMailboxWebhooks = 0;

/**
 * A ready mailbox for one AI agent.
 *
 * @example
 * // The simplest: addresses in the workspace Nylas picks, and ONE webhook for all of them
 * // (webhooks are application-wide; route deliveries by grant id with createWebhookRouter).
 * const hook = new nylas.Webhook("agents", { webhookUrl: "https://agent.example.com/hooks/nylas", triggerTypes: ["message.created"] });
 * const sales = new nylas.AgentMailbox("sales", { email: "sales-agent@agents.example.com", name: "Sales Agent", sharedWebhook: hook });
 * const support = new nylas.AgentMailbox("support", { email: "support@agents.example.com", sharedWebhook: hook });
 * export const salesGrantId = sales.grantId;
 * export const webhookSecret = hook.webhookSecret; // a secret
 *
 * @example
 * // Per-workflow identity: its own policy and rules on a shared domain.
 * const support = new nylas.AgentMailbox("support", {
 *   email: "support@agents.example.com",
 *   workspace: { domain: "support.agents.example.com" }, // one workspace per domain: a label of its own
 *   policy: { limits: { limitCountDailyEmailSent: 2000 } },
 *   rules: {
 *     "spam-to-junk": {
 *       match: { conditions: [{ field: "from.tld", operator: "is", value: "xyz" }] },
 *       actions: [{ type: "mark_as_spam" }],
 *     },
 *   },
 *   sharedRuleIds: [blocklistRule.id],
 * });
 *
 * @example
 * // Reputation isolation: a subdomain per outbound stream, each with its own send limit.
 * for (const [i, limit] of [[1, 1000], [2, 1000], [3, 200]]) {
 *   new nylas.AgentMailbox(`outbound${i}`, {
 *     email: `outreach@outbound${i}.agents.example.com`,
 *     policy: { limits: { limitCountDailyEmailSent: limit } }, // own workspace for outbound<i>.agents.example.com
 *   });
 * }
 */
export class AgentMailbox extends pulumi.ComponentResource {
  /** The mailbox. */
  readonly account: AgentAccount;
  /** The agent's own workspace, when it has one. */
  readonly workspace?: Workspace;
  /** The agent's own policy, when `policy` was given. */
  readonly policy?: Policy;
  /** The agent's own rules, by key. */
  readonly rules: Record<string, Rule>;
  /** The webhook subscription, when `webhook` was given. */
  readonly webhook?: Webhook;
  /** The agent's own IAM principal and key, when `agentKey` was given. */
  readonly agentKey?: AgentKey;

  /** The grant id: the `grant_id` of every `/v3/grants/{grant_id}/*` call. */
  readonly grantId: pulumi.Output<string>;
  /** The address (normalised). */
  readonly email: pulumi.Output<string>;
  /** The workspace the account is in. */
  readonly workspaceId: pulumi.Output<string>;
  /** The signing secret of its webhook, own or shared (a secret); `undefined` without either. */
  readonly webhookSecret: pulumi.Output<string | undefined>;
  /** The agent's IAM API key (a secret) for `/v3/grants/<grantId>/…`; `undefined` without `agentKey`. */
  readonly agentApiKey: pulumi.Output<string | undefined>;

  constructor(name: string, args: AgentMailboxArgs, opts?: pulumi.ComponentResourceOptions) {
    super("nylas:index:AgentMailbox", name, {}, opts);
    if (!args || args.email === undefined) throw new Error(`AgentMailbox ${name}: email is required`);
    const ownWorkspace = args.workspace !== undefined || args.policy !== undefined || args.policyId !== undefined || args.rules !== undefined || args.sharedRuleIds !== undefined;
    if (ownWorkspace && args.workspaceId !== undefined) {
      throw new Error(`AgentMailbox ${name}: workspaceId joins an existing workspace; workspace, policy, policyId, rules and sharedRuleIds give the agent its own — use one or the other`);
    }
    if (args.sharedWebhook !== undefined && args.sharedNotifications !== undefined) {
      throw new Error(`AgentMailbox ${name}: sharedWebhook and sharedNotifications are the same option; give one`);
    }
    const shared = args.sharedNotifications ?? args.sharedWebhook;
    if (args.webhook !== undefined && shared !== undefined) {
      const option = args.sharedWebhook ? "sharedWebhook (one webhook for many mailboxes)" : "sharedNotifications (one destination for many mailboxes)";
      throw new Error(`AgentMailbox ${name}: give either ${option} or webhook (one of its own), not both`);
    }
    if (args.policy !== undefined && args.policyId !== undefined) {
      throw new Error(`AgentMailbox ${name}: give either policy (a new policy) or policyId (an existing one), not both`);
    }
    const child = { parent: this };

    if (args.policy) {
      this.policy = new Policy(`${name}-policy`, { ...args.policy, name: args.policy.name ?? name }, child);
    }
    this.rules = {};
    for (const [key, rule] of Object.entries(args.rules ?? {})) {
      this.rules[key] = new Rule(`${name}-${key}`, { ...rule, name: rule.name ?? `${name} ${key}` }, child);
    }

    if (ownWorkspace) {
      const emailDomain = pulumi.output(args.email).apply(domainOf);
      const domain = args.workspace?.domain !== undefined ? pulumi.output(args.workspace.domain) : emailDomain;
      const autoGroup =
        args.workspace?.autoGroup !== undefined
          ? args.workspace.autoGroup
          : pulumi.all([domain, emailDomain]).apply(([d, e]) => d.trim().toLowerCase() === e);
      const ownRuleIds: pulumi.Output<string>[] = Object.values(this.rules).map((r) => r.id);
      const ruleIds = pulumi
        .all([pulumi.output(args.sharedRuleIds ?? []), pulumi.all(ownRuleIds)])
        .apply(([shared, own]) => [...own, ...shared]);
      this.workspace = new Workspace(
        `${name}-workspace`,
        {
          name: args.workspace?.name ?? name,
          domain,
          autoGroup,
          policyId: this.policy ? this.policy.id : args.policyId,
          ruleIds,
        },
        child,
      );
    }

    this.account = new AgentAccount(
      `${name}-account`,
      {
        email: args.email,
        name: args.name,
        appPassword: args.appPassword,
        workspaceId: this.workspace ? this.workspace.id : args.workspaceId,
      },
      // With a shared destination, the account is made once it listens, so its first mail is heard.
      shared ? { parent: this, dependsOn: [shared] } : child,
    );

    if (args.webhook) {
      perMailboxWebhooks++;
      if (perMailboxWebhooks === PER_MAILBOX_WEBHOOKS_WARN_AT + 1) {
        const n = perMailboxWebhooks;
        pulumi.log.warn(
          `${n} AgentMailboxes have a webhook of their own. Nylas webhooks are application-wide, so every one hears every mailbox: ` +
            `${n} mailboxes × ${n} webhooks = ${n * n} deliveries for ${n} messages (N² as the fleet grows). ` +
            "Create one Webhook, pass it as sharedWebhook, and route deliveries by grant id with createWebhookRouter.",
          this,
        );
      }
      const triggerTypes = args.webhook.triggerTypes ?? ["message.created"];
      this.webhook = new Webhook(
        `${name}-webhook`,
        {
          webhookUrl: args.webhook.url,
          triggerTypes,
          description:
            args.webhook.description ??
            pulumi.all([args.email, pulumi.output(triggerTypes)]).apply(([e, t]) => `${e}: ${(t as string[]).join(", ")}`),
          compressedDelivery: args.webhook.compressedDelivery,
          notificationEmailAddresses: args.webhook.notificationEmailAddresses,
          secretVersion: args.webhook.secretVersion,
        },
        // Subscribed once the mailbox exists, so its first mail is not missed.
        { parent: this, dependsOn: [this.account] },
      );
    }

    this.grantId = this.account.grantId;
    this.email = this.account.email;
    this.workspaceId = this.account.workspaceId;
    // Secret whatever the engine does with the child's additionalSecretOutputs (mocks ignore them).
    const webhook = this.webhook ?? (shared instanceof Webhook ? shared : undefined);
    this.webhookSecret = webhook ? pulumi.secret(webhook.webhookSecret) : pulumi.output(undefined);

    if (args.agentKey) {
      const key = args.agentKey === true ? {} : args.agentKey;
      this.agentKey = new AgentKey(
        `${name}-agent-key`,
        { ...key, grantId: this.account.grantId, principalName: pulumi.output(args.email).apply((e) => `agent ${e.trim().toLowerCase()}`.slice(0, 128)) },
        child,
      );
    }
    this.agentApiKey = this.agentKey ? this.agentKey.apiKey : pulumi.output(undefined);
    this.registerOutputs({ grantId: this.grantId, email: this.email, workspaceId: this.workspaceId, webhookSecret: this.webhookSecret, agentApiKey: this.agentApiKey });
  }
}

function domainOf(email: string): string {
  const at = email.lastIndexOf("@");
  return at < 0 ? "" : email.slice(at + 1).trim().toLowerCase();
}
