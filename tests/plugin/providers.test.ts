import { mkdtempSync, readFileSync, readlinkSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { Engine } from "../../provider/offline/engine";
import { HostError } from "../../provider/offline/host";
import { PluginHost } from "../../provider/offline/plugin-host";

/**
 * How the engine starts and configures the plugin, and explicit providers: the plugin is launched as the
 * Node.js language host launches a PulumiPlugin.yaml plugin (run-plugin from the plugin directory,
 * working directory the user's project, port on the first stdout line, a live engine address), checked
 * and configured per provider resource (CheckConfig → Configure with plain-named args and the legacy
 * variables), and two providers in one program talk to two Nylas applications.
 */

const ROOT = path.resolve(__dirname, "..", "..");
let a: RunningEmulator;
let b: RunningEmulator;
let project: string;
beforeAll(async () => {
  [a, b] = await Promise.all([startEmulator({ quiet: true, apiKey: "nyk_app_A" }), startEmulator({ quiet: true, apiKey: "nyk_app_B" })]);
  // A user's project (a YAML program): the plugin runs with this as its working directory.
  project = mkdtempSync(path.join(tmpdir(), "nylas-plugin-project-"));
  writeFileSync(path.join(project, "Pulumi.yaml"), "name: plugin-project\nruntime: yaml\n");
});
afterAll(async () => {
  await Promise.all([a.close(), b.close()]);
  rmSync(project, { recursive: true, force: true });
});

const appConfig = (emu: RunningEmulator) => ({ apiKey: { secret: emu.apiKey }, apiUri: emu.url, requestsPerSecond: "0", retryBaseDelayMs: "10" });
const policiesOf = async (emu: RunningEmulator) => {
  const res = await fetch(`${emu.url}/v3/policies?limit=200`, { headers: { authorization: `Bearer ${emu.apiKey}` } });
  return ((await res.json()) as { data: { id: string; name: string }[] }).data;
};

describe("starting the plugin as Pulumi does", () => {
  let host: PluginHost;
  beforeAll(async () => {
    host = await PluginHost.start({ cwd: project, project: "plugin-project" });
  });
  afterAll(() => host.stop());

  it("answers GetPluginInfo with the package version, in a process whose working directory is the project", async () => {
    const version = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).version;
    expect(await host.pluginInfo()).toBe(version);
    expect(readFileSync(`/proc/${host.pid}/cmdline`, "utf8").split("\0")).toEqual(
      expect.arrayContaining([expect.stringMatching(/@pulumi\/pulumi\/cmd\/run-plugin/), path.join(ROOT, "provider", "plugin"), host.engine.address]),
    );
    expect(readlinkSync(`/proc/${host.pid}/cwd`)).toBe(realpathSync(project));
    expect(readFileSync(`/proc/${host.pid}/environ`, "utf8")).toContain("PULUMI_PROJECT=plugin-project");
  });

  it("checks provider config: unknown keys (with the key meant), bad values, each its own failure; engine keys pass", async () => {
    const r = await host.checkConfig("urn:pulumi:dev::p::pulumi:providers:nylas-agents::default", {}, {
      apikey: "x",
      region: "mars",
      requestsPerSecond: "fast",
      version: "0.1.0",
      apiUri: "http://127.0.0.1:1",
    });
    expect(r.failures).toEqual([
      { property: "apikey", reason: expect.stringContaining("nylas-agents:apikey is not a setting of this provider (did you mean apiKey?)") },
      { property: "region", reason: 'nylas-agents:region must be "us" or "eu", got "mars"' },
      { property: "requestsPerSecond", reason: 'nylas-agents:requestsPerSecond must be a number ≥ 0, got "fast"' },
    ]);
  });

  it("diffs provider config without ever replacing the provider (that would replace every mailbox it manages)", async () => {
    const urn = "urn:pulumi:dev::p::pulumi:providers:nylas-agents::default";
    expect(await host.diffConfig(urn, { apiKey: "a", region: "us" }, { apiKey: "a", region: "us" })).toEqual({ changes: "none", diffs: [], replaces: [] });
    expect(await host.diffConfig(urn, { apiKey: "a", region: "us" }, { apiKey: "b", region: "eu" })).toEqual({ changes: "some", diffs: ["apiKey", "region"], replaces: [] });
  });

  it("says it accepts secrets and autonaming requests, and does not pretend in preview", async () => {
    expect(await host.configure(appConfig(a))).toEqual({ acceptSecrets: true, supportsPreview: false, supportsAutonaming: true });
  });

  it("dials the engine back: a Check warning arrives through the Engine's Log, against the resource's URN", async () => {
    const urn = "urn:pulumi:dev::plugin-project::nylas-agents:index:Webhook::hook";
    const r = await host.check(urn, {}, { webhookUrl: "https://hooks.example.com/x", triggerTypes: ["message.zapped"] });
    expect(r.failures).toEqual([]);
    await waitFor(() => host.engine.logs.length > 0);
    expect(host.engine.logs[0]).toMatchObject({ severity: "warning", urn, message: expect.stringContaining('triggerTypes "message.zapped" is not a trigger type') });
  });

  it("names an unknown type token, and leaves the methods it does not serve UNIMPLEMENTED (the engine falls back)", async () => {
    const err = await host.check("urn:pulumi:dev::p::nylas-agents:index:Mailbox::m", {}, {}).catch((e) => e);
    expect(err).toBeInstanceOf(HostError);
    expect(err.message).toContain('unknown resource type "nylas-agents:index:Mailbox"');
    const unimplemented = await new Promise<any>((resolve) => (host as any).client.handshake(new (require("@pulumi/pulumi/proto/provider_pb").ProviderHandshakeRequest)(), (e: unknown) => resolve(e)));
    expect(unimplemented.code).toBe(12);
  });
});

describe("explicit providers: two Nylas applications in one program", () => {
  let engine: Engine;
  beforeAll(async () => {
    // The default provider points at neither application: every resource below names its provider.
    engine = await Engine.start({ frontDoor: "plugin", cwd: project, config: { "nylas-agents:apiUri": "http://127.0.0.1:9", "nylas-agents:maxAttempts": "1" } });
    await engine.addProvider("app-a", appConfig(a));
    await engine.addProvider("app-b", appConfig(b));
  });
  afterAll(() => engine.stop());

  it("creates, updates, refreshes, imports and deletes each resource in its own provider's application", async () => {
    const pa = await engine.up("Policy", "agents-a", { name: "agents" }, { provider: "app-a" });
    const pb = await engine.up("Policy", "agents-b", { name: "agents", limits: { limitCountDailyEmailSent: 5 } }, { provider: "app-b" });
    expect((await policiesOf(a)).map((p) => p.id)).toEqual([pa.id]);
    expect((await policiesOf(b)).map((p) => p.id)).toEqual([pb.id]);
    expect((await engine.up("Policy", "agents-b", { name: "agents", limits: { limitCountDailyEmailSent: 6 } }, { provider: "app-b" })).op).toBe("update");
    expect((await engine.refresh("Policy", "agents-a")).op).toBe("same");
    expect((await engine.refresh("Policy", "agents-b")).op).toBe("same");
    // An id of application A means nothing to application B.
    await expect(engine.import("Policy", "cross", pa.id, { provider: "app-b" })).rejects.toThrow("does not exist");
    await engine.import("Policy", "agents-a-again", pa.id, { provider: "app-a" });
    await engine.destroy("Policy", "agents-a-again");
    await engine.destroy("Policy", "agents-b");
    expect(await policiesOf(a)).toEqual([]);
    expect(await policiesOf(b)).toEqual([]);
    await engine.destroy("Policy", "agents-a");
  });

  it("keeps each provider's API key secret in state, and the resources point at their provider", async () => {
    await engine.up("Policy", "ref-b", { name: "ref" }, { provider: "app-b" });
    const state = JSON.parse(engine.stateJson());
    const providers = state.resources.filter((r: any) => r.type === "pulumi:providers:nylas-agents");
    expect(providers.map((p: any) => p.urn.split("::").pop()).sort()).toEqual(["app-a", "app-b", "default"]);
    const text = JSON.stringify(state);
    for (const key of [a.apiKey, b.apiKey]) expect(text).not.toContain(key);
    const res = state.resources.find((r: any) => r.urn.endsWith("::ref-b"));
    expect(res.provider).toBe(`${providers.find((p: any) => p.urn.endsWith("::app-b")).urn}::${providers.find((p: any) => p.urn.endsWith("::app-b")).id}`);
    await engine.destroy("Policy", "ref-b");
  });

  it("fails a provider whose config does not check, before it is used", async () => {
    await expect(engine.addProvider("bad", { region: "mars" })).rejects.toThrow('nylas-agents:region must be "us" or "eu", got "mars"');
  });
});

describe("environment fallbacks", () => {
  it("uses NYLAS_API_KEY and NYLAS_API_URI when the provider has no config, as the dynamic resources do", async () => {
    const engine = await Engine.start({ frontDoor: "plugin", cwd: project, env: { NYLAS_API_KEY: b.apiKey, NYLAS_API_URI: b.url, NYLAS_REQUESTS_PER_SECOND: "0" } });
    try {
      const made = await engine.up("Policy", "from-env", { name: "from-env" });
      expect((await policiesOf(b)).map((p) => p.id)).toContain(made.id);
      await engine.destroy("Policy", "from-env");
    } finally {
      await engine.stop();
    }
  });

  it("tells a user without a key how to set it for the plugin (nylas-agents:apiKey)", async () => {
    const engine = await Engine.start({ frontDoor: "plugin", cwd: project, env: { NYLAS_API_KEY: "", NYLAS_API_URI: a.url } });
    try {
      await expect(engine.up("Policy", "no-key", { name: "no-key" })).rejects.toThrow("pulumi config set --secret nylas-agents:apiKey");
    } finally {
      await engine.stop();
    }
  });
});

async function waitFor(cond: () => boolean, ms = 5000) {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}
