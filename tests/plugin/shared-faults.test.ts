import { throughPlugin } from "./through-plugin";

/**
 * The dynamic resources' fault suite (tests/hardening/faults.test.ts: 429 storms, 5xx bursts, resets,
 * lost create answers, timeouts and deadlines, partial creates, out-of-band deletes, drift, dangling
 * references, Nylas restarting) and the late-answer adoption test, unchanged, through the native plugin.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
throughPlugin(() => {
  require("../hardening/faults.test");
  require("../hardening/late-answer.test");
}, 4);
