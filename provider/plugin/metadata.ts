/**
 * The package's identity in its Pulumi schema (what the Pulumi Registry and `pulumi package add` show).
 * One place: the release step (README, "Releasing the plugin") sets `repository` to the project's real
 * home and `pluginDownloadURL` to where the plugin is fetched from.
 */
export const PACKAGE_METADATA = {
  displayName: "Nylas Agent Accounts",
  description:
    "Nylas Agent Accounts (hosted mailboxes for AI agents) and everything around them — webhooks, policies, rules, lists, workspaces and sending domains — as Pulumi resources.",
  keywords: ["pulumi", "nylas", "email", "mailbox", "ai-agents", "category/cloud", "kind/native"],
  publisher: "pulumi-nylas-agents contributors",
  repository: "https://github.com/pulumi-nylas-agents/pulumi-nylas-agents",
  homepage: "https://github.com/pulumi-nylas-agents/pulumi-nylas-agents",
  license: "Apache-2.0",
  /** Left unset until a release publishes the plugin somewhere (see README, "Releasing the plugin"). */
  pluginDownloadURL: undefined as string | undefined,
} as const;

let version = "0.0.0";
try {
  // dist/provider/plugin/metadata.js → the repository's (or installed package's) package.json.
  version = require("../../../package.json").version;
} catch {
  /* keep the fallback */
}
export const PACKAGE_VERSION = version;
