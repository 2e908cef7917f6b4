import { throughPlugin } from "./through-plugin";

/**
 * The dynamic resources' acceptance matrices of Policy, List, Rule, Workspace/DefaultWorkspace and
 * Webhook and the bad-input catalogue, unchanged, through the native plugin. Left out, because they
 * assert what only the dynamic door does: the AgentAccount and Domain matrices (they check `__provider`
 * and the `nylas:*` key names the dynamic resources print) and hardening/secrets (it searches
 * `__provider` texts). The plugin's own matrix (matrix.test.ts), secrets and provider tests cover those.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
throughPlugin(() => {
  require("../hardening/bad-input.test");
  require("../provider/policy.test");
  require("../provider/list.test");
  require("../provider/rule.test");
  require("../provider/workspace.test");
  require("../provider/webhook.test");
}, 7);
