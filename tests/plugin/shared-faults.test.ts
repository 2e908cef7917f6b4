import { throughPlugin } from "./through-plugin";

/**
 * The dynamic resources' fault suite (tests/hardening/faults.test.ts: 429 storms, 5xx bursts, resets,
 * the table of lost create answers for every resource, timeouts and deadlines, partial creates,
 * out-of-band deletes, drift, dangling references, Nylas restarting), unchanged, through the native plugin.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
throughPlugin(() => {
  require("../hardening/faults.test");
}, 3);
