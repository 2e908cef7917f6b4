import { readFileSync } from "node:fs";
import * as path from "node:path";

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

/** The version of the package this code belongs to: the nearest package.json named pulumi-nylas-agents above it. */
function packageVersion(): string {
  for (let dir = __dirname; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
      if (pkg.name === "pulumi-nylas-agents") return pkg.version;
    } catch {
      /* not here */
    }
  }
  return "0.0.0";
}
export const PACKAGE_VERSION = packageVersion();
