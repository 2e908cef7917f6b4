import { stackConfigFor, startEmulator } from "../emulator";
import { WebhookReceiver } from "../emulator/receiver";
import { Engine, secret, type FrontDoor } from "../provider/offline/engine";
import { ProviderHost } from "../provider/offline/host";
import { PluginHost } from "../provider/offline/plugin-host";

/**
 * The two front doors side by side (issue 11): state bytes per resource — one resource of every type,
 * made with the same inputs through the dynamic-provider host and through the native plugin, each
 * resource's entry in the state as Pulumi writes it (type token, inputs, outputs, provider reference;
 * secrets as ciphertext envelopes) — and start time: from spawning the provider process to a configured
 * provider (ProviderHost: the dynamic host; PluginHost: run-plugin as the Node.js language host starts a
 * PulumiPlugin.yaml plugin), median of alternating launches.
 *
 * `npm run bench:front-doors [-- --starts 7] [-- --json]`
 */

const args = process.argv.slice(2);
const starts = Number(args[args.indexOf("--starts") + 1]) || 5;
const json = args.includes("--json");

async function main() {
  const emulator = await startEmulator({ quiet: true });
  const receiver = await WebhookReceiver.start();
  const config = { ...stackConfigFor(emulator), "nylas:requestsPerSecond": "0" };
  try {
    const bytes: Record<FrontDoor, Record<string, number>> = { dynamic: {}, plugin: {} };
    const providerBytes: Record<FrontDoor, number> = { dynamic: 0, plugin: 0 };
    for (const door of ["dynamic", "plugin"] as FrontDoor[]) {
      const engine = await Engine.start({ frontDoor: door, config });
      try {
        const tag = door[0];
        const policy = await engine.up("Policy", "agents", { name: `agents-${tag}`, limits: { limitCountDailyEmailSent: 500 }, spamDetection: { spamSensitivity: 1.5 } });
        const list = await engine.up("List", "blocked", { name: `blocked-${tag}`, type: "domain", items: ["spam.example", "phish.example"] });
        const rule = await engine.up("Rule", "block", {
          name: `block-${tag}`,
          match: { conditions: [{ field: "from.domain", operator: "in_list", value: [list.id] }] },
          actions: [{ type: "block" }],
        });
        const ws = await engine.up("Workspace", "agents", { name: `agents-${tag}`, domain: `${tag}.agents.example`, policyId: policy.id, ruleIds: [rule.id] });
        await engine.up("DefaultWorkspace", "default", { policyId: policy.id });
        await engine.up("Domain", "mail", { name: "mail", domainAddress: `mail.${tag}.example` });
        const account = await engine.up("AgentAccount", "sales", { email: `sales-${tag}@agents.example.com`, name: "Sales Agent", appPassword: secret("Str0ngAppPassword-One"), workspaceId: ws.id });
        await engine.up("Webhook", "inbound", { webhookUrl: `${receiver.url}/${door}`, triggerTypes: ["message.created", "message.updated"] });
        await engine.up("Folder", "invoices", { grantId: account.id, path: "Clients/Invoices" });
        await engine.up("PubSubChannel", "events", { topic: `projects/acme-agents/topics/events-${tag}`, triggerTypes: ["message.created"] });
        await engine.up("SnsChannel", "events", { topic: `arn:aws:sns:us-east-1:123456789012:events-${tag}`, roleArn: "arn:aws:iam::123456789012:role/nylas", triggerTypes: ["message.created"] });
        const principal = await engine.up("IamPrincipal", "sales-key", { name: `sales agent ${tag}`, binding: { type: "grant", id: account.id }, directPermissions: ["messages.read"] });
        await engine.up("IamCredential", "sales-key", { principalId: principal.id, name: `sales key ${tag}` });
        // Pulumi writes state indented (`pulumi stack export`); each entry measured as it appears there.
        const state = JSON.parse(engine.stateJson()) as { resources: { type: string; urn: string }[] };
        for (const r of state.resources) {
          const size = Buffer.byteLength(JSON.stringify(r, null, 4));
          if (r.type.startsWith("pulumi:providers:")) providerBytes[door] += size;
          else bytes[door][r.urn.split("::")[2].split(/[:/]/).pop()!] = size;
        }
        await engine.destroyAll();
      } finally {
        await engine.stop();
      }
    }

    const startMs: Record<FrontDoor, number[]> = { dynamic: [], plugin: [] };
    for (let i = 0; i < starts; i++) {
      for (const door of ["dynamic", "plugin"] as FrontDoor[]) {
        const t0 = process.hrtime.bigint();
        const host = door === "plugin" ? await PluginHost.start() : await ProviderHost.start();
        if (host instanceof PluginHost) await host.configure({ apiKey: { secret: emulator.apiKey }, apiUri: emulator.url });
        else await host.configure(config);
        startMs[door].push(Number(process.hrtime.bigint() - t0) / 1e6);
        await host.stop();
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

    const types = Object.keys(bytes.dynamic);
    const mean = (door: FrontDoor) => Math.round(types.reduce((s, t) => s + bytes[door][t], 0) / types.length);
    const result = {
      state_bytes: bytes,
      state_bytes_mean: { dynamic: mean("dynamic"), plugin: mean("plugin") },
      provider_resource_bytes: providerBytes,
      start_ms_median: { dynamic: Math.round(median(startMs.dynamic)), plugin: Math.round(median(startMs.plugin)) },
      start_ms: { dynamic: startMs.dynamic.map(Math.round), plugin: startMs.plugin.map(Math.round) },
    };
    if (json) {
      console.log(JSON.stringify(result));
      return;
    }
    console.log("state bytes per resource (one of each type, same inputs)");
    console.log(`${"type".padEnd(18)}${"dynamic".padStart(9)}${"plugin".padStart(9)}${"ratio".padStart(8)}`);
    for (const t of types) console.log(`${t.padEnd(18)}${String(bytes.dynamic[t]).padStart(9)}${String(bytes.plugin[t]).padStart(9)}${(bytes.plugin[t] / bytes.dynamic[t]).toFixed(2).padStart(8)}`);
    console.log(`${"mean".padEnd(18)}${String(result.state_bytes_mean.dynamic).padStart(9)}${String(result.state_bytes_mean.plugin).padStart(9)}`);
    console.log(`provider resources in state, once per stack: dynamic ${providerBytes.dynamic} B (not written by this harness), plugin ${providerBytes.plugin} B`);
    console.log(`start to a configured provider, median of ${starts}: dynamic host ${result.start_ms_median.dynamic} ms, plugin ${result.start_ms_median.plugin} ms`);
    console.log(`  each (ms): dynamic ${result.start_ms.dynamic.join(", ")}; plugin ${result.start_ms.plugin.join(", ")}`);
  } finally {
    await receiver.close();
    await emulator.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
