// Makes `require("pulumi-nylas-agents/...")` resolve inside this repository, exactly as it does in a
// user's project where the package is installed. The serialized provider loads its runtime by package
// name (never by value, never by absolute path), so the provider host needs this to find it.
const fs = require("fs");
const path = require("path");
const root = path.resolve(__dirname, "..", "..");
const dir = path.join(root, "node_modules", "pulumi-nylas-agents");
fs.rmSync(dir, { recursive: true, force: true });
fs.mkdirSync(dir, { recursive: true });
const pkg = require(path.join(root, "package.json"));
fs.writeFileSync(
  path.join(dir, "package.json"),
  JSON.stringify({ name: pkg.name, version: pkg.version, main: pkg.main, types: pkg.types, exports: pkg.exports, typesVersions: pkg.typesVersions, bin: pkg.bin }, null, 2),
);
fs.symlinkSync(path.join("..", "..", "dist"), path.join(dir, "dist"), "dir");
