import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as nylas from "pulumi-nylas-agents";

/**
 * GitOps: the mailboxes are data in `agents.json`. A pull request that adds an agent, changes a limit
 * or blocks a domain gets a `pulumi preview` comment from CI; merging it applies the change
 * (`.github/workflows/nylas-agents.yml`). The API key comes from the CI secret `NYLAS_API_KEY`.
 *
 * Config: `gitops:webhookUrl` (optional) — one webhook for new mail of all agents.
 */
interface Spec {
  domain: string;
  dailySendLimit: number;
  blockedDomains: string[];
  agents: { id: string; name: string }[];
}

const spec: Spec = JSON.parse(readFileSync(path.join(__dirname, "agents.json"), "utf8"));
const webhookUrl = new pulumi.Config().get("webhookUrl");

const policy = new nylas.Policy("agents", {
  name: `gitops ${spec.domain}`,
  limits: { limitCountDailyEmailSent: spec.dailySendLimit },
});
const blocked = new nylas.List("blocked-domains", { name: `gitops ${spec.domain} blocked domains`, type: "domain", items: spec.blockedDomains });
const block = new nylas.Rule("block-domains", {
  name: `gitops ${spec.domain} block listed domains`,
  match: { conditions: [{ field: "from.domain", operator: "in_list", value: [blocked.id] }] },
  actions: [{ type: "block" }],
});
const workspace = new nylas.Workspace("agents", { name: `gitops ${spec.domain}`, domain: spec.domain, policyId: policy.id, ruleIds: [block.id] });

const accounts = spec.agents.map(
  (a) => new nylas.AgentAccount(a.id, { email: `${a.id}@${spec.domain}`, name: a.name, workspaceId: workspace.id }),
);

const hook = webhookUrl ? new nylas.Webhook("new-mail", { webhookUrl, triggerTypes: ["message.created"], description: "gitops: new mail" }) : undefined;

export const agents = Object.fromEntries(accounts.map((acc, i) => [spec.agents[i].id, { email: acc.email, grantId: acc.grantId }]));
export const workspaceId = workspace.id;
export const webhookSecret = hook?.webhookSecret;
