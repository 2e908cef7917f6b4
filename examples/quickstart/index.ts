import * as pulumi from "@pulumi/pulumi";
import * as nylas from "pulumi-nylas-agents";

/**
 * Quickstart (the program `npm run demo` deploys): two AI agents on one domain, each with its own
 * mailbox, sharing a policy and a blocklist rule through a workspace, plus a webhook that signs every
 * `message.created` notification. Mail from colleagues on the domain is filed by a rule into the
 * support agent's "Team" folder (declared as a Folder: Nylas skips a rule's folder action when the
 * folder does not exist).
 *
 * Config (`pulumi config set …`):
 * - `nylas:apiKey` (secret), `nylas:apiUri` or `nylas:region` — where the Nylas API is (or the emulator).
 * - `quickstart:webhookUrl` (required) — your endpoint; it must answer Nylas's challenge.
 * - `quickstart:domain` — a domain registered with Nylas (default `agents.example.com`, which the
 *   local emulator pre-registers; with real Nylas use e.g. your `<app>.nylas.email` trial domain).
 * - `quickstart:salesAppPassword`, `quickstart:supportAppPassword` (secrets, optional) — IMAP/SMTP
 *   passwords; without them the mailboxes work over the API only.
 * - `quickstart:agentKeys` (optional, default false) — give each agent an IAM API key that reaches only
 *   its own mailbox; needs `nylas:iamApiKey` (secret), an Organization-bound IAM key with `iam.*`.
 */
const config = new pulumi.Config();
const domain = config.get("domain") ?? "agents.example.com";
const webhookUrl = config.require("webhookUrl");

// Senders the agents never hear from: mail from these domains is refused at SMTP.
const blocked = new nylas.List("blocked-domains", {
  name: "quickstart blocked domains",
  description: "Domains the quickstart agents never accept mail from",
  type: "domain",
  items: ["spam.example", "phishing.example"],
});

const policy = new nylas.Policy("agents", {
  name: "quickstart agents",
  limits: { limitCountDailyEmailSent: 500, limitInboxRetentionPeriod: 90, limitSpamRetentionPeriod: 30 },
  spamDetection: { useListDnsbl: true, spamSensitivity: 1.5 },
});

const blockListed = new nylas.Rule("block-listed", {
  name: "quickstart block listed domains",
  trigger: "inbound",
  match: { conditions: [{ field: "from.domain", operator: "in_list", value: [blocked.id] }] },
  actions: [{ type: "block" }],
});

// Files by folder path, resolved when mail arrives: "Team" is declared below as the support agent's
// Folder (preview would warn if no Folder in the program declared the path).
const fileTeamMail = new nylas.Rule("file-team-mail", {
  name: "quickstart file team mail",
  trigger: "inbound",
  match: { conditions: [{ field: "from.domain", operator: "is", value: domain }] },
  actions: [{ type: "assign_to_folder", value: "Team" }],
});

// The workspace is what attaches the policy and the rules to the accounts of the domain.
const workspace = new nylas.Workspace("agents", {
  name: "quickstart agents",
  domain,
  policyId: policy.id,
  ruleIds: [blockListed.id, fileTeamMail.id],
});

const sales = new nylas.AgentAccount("sales", {
  email: `sales-agent@${domain}`,
  name: "Sales Agent",
  workspaceId: workspace.id,
  appPassword: config.getSecret("salesAppPassword"),
});

const support = new nylas.AgentAccount("support", {
  email: `support-agent@${domain}`,
  name: "Support Agent",
  workspaceId: workspace.id,
  appPassword: config.getSecret("supportAppPassword"),
});

const supportTeam = new nylas.Folder("support-team", { grantId: support.grantId, path: "Team" });

// A key per agent: each agent's runtime gets an IAM API key bound to its own grant (read and send
// mail, threads, folders) instead of the application API key — a leaked agent key reaches one mailbox.
const agentKeys = config.getBoolean("agentKeys") ?? false;
const salesKey = agentKeys ? new nylas.AgentKey("sales", { grantId: sales.grantId }) : undefined;
const supportKey = agentKeys ? new nylas.AgentKey("support", { grantId: support.grantId }) : undefined;

const inbound = new nylas.Webhook("inbound", {
  webhookUrl,
  triggerTypes: ["message.created"],
  description: "quickstart: new mail for the agents",
});

export const salesEmail = sales.email;
export const salesGrantId = sales.grantId;
export const supportEmail = support.email;
export const supportGrantId = support.grantId;
export const workspaceId = workspace.id;
export const policyId = policy.id;
export const ruleId = blockListed.id;
export const fileTeamMailRuleId = fileTeamMail.id;
export const supportTeamFolderId = supportTeam.id;
export const listId = blocked.id;
export const webhookId = inbound.id;
/** Verify deliveries with `verifyWebhookSignature(rawBody, req.headers["x-nylas-signature"], webhookSecret)`. */
export const webhookSecret = inbound.webhookSecret;
/** Each agent's own key (secrets), with `quickstart:agentKeys`: `Authorization: Bearer <key>` on `/v3/grants/<its grant>/…`. */
export const salesAgentApiKey = salesKey?.apiKey;
export const supportAgentApiKey = supportKey?.apiKey;
