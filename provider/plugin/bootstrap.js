// Makes this plugin directory runnable after `npm install` in it — which is what Pulumi does once it has
// fetched the plugin from a git URL (`pulumi package add`/`pulumi plugin install`, pkg/workspace/plugin.go
// InstallPluginContent). The plugin's `main` is the repository's compiled provider (../../dist), whose
// dependencies resolve from the repository's node_modules; so the repository root needs `npm ci` (its
// `prepare` script builds). In a checkout where that already happened, this does nothing.
const { execFileSync } = require("node:child_process");
const { existsSync } = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..", "..");
const main = path.join(root, "dist", "provider", "plugin", "main.js");

function ready() {
  try {
    for (const dep of ["@pulumi/pulumi/cmd/run-plugin", "zod", "undici"]) require.resolve(dep, { paths: [root] });
    return existsSync(main);
  } catch {
    return false;
  }
}

// Under npm, npm_execpath is npm's own CLI script: run it with this node, whatever PATH holds.
const npm = (args) =>
  process.env.npm_execpath
    ? execFileSync(process.execPath, [process.env.npm_execpath, ...args], { cwd: root, stdio: "inherit" })
    : execFileSync(process.platform === "win32" ? "npm.cmd" : "npm", args, { cwd: root, stdio: "inherit" });

if (!ready()) {
  console.error(`nylas-agents plugin: installing and building the provider in ${root}`);
  npm(["ci", "--include=dev", "--no-audit", "--no-fund"]);
  if (!existsSync(main)) npm(["run", "build"]);
}
