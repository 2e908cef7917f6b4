import { Engine } from "../../provider/offline/engine";
import { ProviderHost } from "../../provider/offline/host";
import { PluginHost } from "../../provider/offline/plugin-host";

/**
 * The dynamic resources' own tables — the fault suite, the bad-input catalogue, the late-answer
 * adoption test, and the acceptance matrices of Policy, List, Rule, Workspace/DefaultWorkspace and
 * Webhook — run unchanged through the native plugin: the same test code, with every `Engine.start` that
 * does not name a front door starting the plugin instead of the dynamic-provider host (the engine reads
 * NYLAS_OFFLINE_FRONT_DOOR for that). Left out, because they assert what only one door does: the
 * AgentAccount and Domain matrices (they check `__provider` and the `nylas:*` key names the dynamic
 * resources print) and hardening/secrets (it searches `__provider` texts); the plugin's own matrix,
 * secrets and config tests cover those for the plugin.
 */

const previous = process.env.NYLAS_OFFLINE_FRONT_DOOR;
// Registered before the tables below, so it runs before their own beforeAll hooks start any stack.
beforeAll(() => {
  process.env.NYLAS_OFFLINE_FRONT_DOOR = "plugin";
});
afterAll(() => {
  if (previous === undefined) delete process.env.NYLAS_OFFLINE_FRONT_DOOR;
  else process.env.NYLAS_OFFLINE_FRONT_DOOR = previous;
});

it("starts the plugin for engines that do not name a front door", async () => {
  const engine = await Engine.start({ config: { "nylas:apiKey": { secret: "k" }, "nylas:apiUri": "http://127.0.0.1:9" } });
  try {
    expect(engine.frontDoor).toBe("plugin");
    expect(engine.urn("Policy", "p")).toContain("::nylas-agents:index:Policy::p");
  } finally {
    await engine.stop();
  }
});

/* eslint-disable @typescript-eslint/no-require-imports */
require("../hardening/faults.test");
require("../hardening/bad-input.test");
require("../hardening/late-answer.test");
require("../provider/policy.test");
require("../provider/list.test");
require("../provider/rule.test");
require("../provider/workspace.test");
require("../provider/webhook.test");

it("ran every table above through the plugin, and none through the dynamic-provider host", () => {
  // One plugin per stack and per extra engine the tables start, plus the first test's.
  expect(PluginHost.launches).toBeGreaterThanOrEqual(10);
  expect(ProviderHost.launches).toBe(0);
});
