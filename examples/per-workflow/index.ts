import * as pulumi from "@pulumi/pulumi";
import * as nylas from "pulumi-nylas-agents";

/**
 * Per-workflow identity: one agent per workflow — sales, support, scheduling — on one domain, each with
 * its own policy (send limits, retention, spam sensitivity) and its own rules, plus a blocklist every
 * workflow shares. Each agent is one `AgentMailbox`.
 *
 * Nylas attaches policies and rules only through workspaces, one workspace per domain. So each
 * workflow's workspace is keyed on a workflow label under the domain (`sales.agents.example.com`,
 * autoGroup off) and its account (`sales@agents.example.com`) is placed in it explicitly.
 *
 * Config: `nylas:apiKey`/`nylas:apiUri` as usual; `per-workflow:domain` (default `agents.example.com`);
 * `per-workflow:webhookBaseUrl` (optional): one webhook per workflow at `<base>/<workflow>`.
 */
const config = new pulumi.Config();
const domain = config.get("domain") ?? "agents.example.com";
const webhookBaseUrl = config.get("webhookBaseUrl");

// Shared by all workflows: senders nobody wants to hear from.
const blockedSenders = new nylas.List("blocked-senders", {
  name: "per-workflow blocked senders",
  type: "address",
  items: ["no-reply@spam.example", "winner@lottery.example"],
});
const blockSenders = new nylas.Rule("block-senders", {
  name: "per-workflow block listed senders",
  match: { conditions: [{ field: "from.address", operator: "in_list", value: [blockedSenders.id] }] },
  actions: [{ type: "block" }],
});

interface Workflow {
  displayName: string;
  policy: nylas.AgentMailboxPolicyArgs;
  rules: Record<string, nylas.AgentMailboxRuleArgs>;
}

const workflows: Record<string, Workflow> = {
  sales: {
    displayName: "Sales Agent",
    policy: { limits: { limitCountDailyEmailSent: 1000, limitInboxRetentionPeriod: 365, limitSpamRetentionPeriod: 30 } },
    rules: {
      "star-key-accounts": {
        match: { operator: "any", conditions: [{ field: "from.domain", operator: "is", value: "bigcustomer.example" }] },
        actions: [{ type: "mark_as_starred" }],
      },
    },
  },
  support: {
    displayName: "Support Agent",
    policy: { limits: { limitCountDailyEmailSent: 2000, limitInboxRetentionPeriod: 90, limitSpamRetentionPeriod: 14 }, spamDetection: { spamSensitivity: 2 } },
    rules: {
      "junk-suspicious-tlds": {
        match: { operator: "any", conditions: [{ field: "from.tld", operator: "is", value: "zip" }, { field: "from.tld", operator: "is", value: "mov" }] },
        actions: [{ type: "mark_as_spam" }],
      },
    },
  },
  scheduling: {
    displayName: "Scheduling Agent",
    policy: { limits: { limitCountDailyEmailSent: 300, limitAttachmentAllowedTypes: ["text/calendar", "application/pdf"] } },
    rules: {
      "file-invitations": {
        match: { conditions: [{ field: "from.domain", operator: "contains", value: "calendar" }] },
        actions: [{ type: "mark_as_read" }, { type: "assign_to_folder", value: "Archive" }],
      },
    },
  },
};

const mailboxes = Object.entries(workflows).map(
  ([workflow, w]) =>
    new nylas.AgentMailbox(workflow, {
      email: `${workflow}@${domain}`,
      name: w.displayName,
      workspace: { domain: `${workflow}.${domain}` },
      policy: { name: `per-workflow ${workflow}`, ...w.policy },
      rules: w.rules,
      sharedRuleIds: [blockSenders.id],
      webhook: webhookBaseUrl ? { url: `${webhookBaseUrl.replace(/\/$/, "")}/${workflow}` } : undefined,
    }),
);

/** Per workflow: address, grant id and workspace. */
export const agents = Object.fromEntries(
  mailboxes.map((m, i) => [Object.keys(workflows)[i], { email: m.email, grantId: m.grantId, workspaceId: m.workspaceId }]),
);
