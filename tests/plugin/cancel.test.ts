import type { PluginHost } from "../../provider/offline/plugin-host";
import { useStack } from "../harness/stack";

/**
 * Cancel, as the engine sends it when `pulumi up` is interrupted (and before it closes each plugin):
 * the plugin stops waiting — backoff, Retry-After, the client throttle — and starts nothing new, so the
 * deployment ends promptly; an exchange already on the wire is left to finish, so a create Nylas
 * committed is still answered and recorded instead of orphaned. Each test cancels its own plugin.
 */

const stack = useStack({ frontDoor: "plugin" });

const config = () => ({ apiKey: { secret: stack.emulator.apiKey }, apiUri: stack.emulator.url, requestsPerSecond: "0", retryBaseDelayMs: "10", deadlineMs: "120000" });
const policies = async (name: string) => ((await stack.api("GET", "/v3/policies?limit=200")).body.data as { id: string; name: string }[]).filter((p) => p.name === name);
async function until(cond: () => Promise<boolean>, ms = 20_000) {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 25));
  }
}

it("ends an operation waiting out a 30 s Retry-After at once, creates nothing, and refuses new operations", async () => {
  const host = (await stack.engine.addProvider("cancel-wait", config())) as PluginHost;
  await stack.control.faults([{ method: "POST", path: "^/v3/policies$", kind: "status", status: 429, retryAfter: "30", times: 5 }]);
  await stack.control.clearRequests();
  const started = Date.now();
  const up = stack.engine.up("Policy", "waiting", { name: "cancel-waiting" }, { provider: "cancel-wait" }).then(
    () => undefined,
    (e: Error) => e,
  );
  await until(async () => (await stack.control.requests()).some((r) => r.status === 429));
  await host.cancel();
  const err = await up;
  expect(err?.message).toMatch(/POST \/v3\/policies: cancelled while retrying \(last failure: .*429/);
  // Well before the 30 s the Retry-After asked for: the wait itself was cancelled.
  expect(Date.now() - started).toBeLessThan(30_000);
  expect(await policies("cancel-waiting")).toEqual([]);
  expect((await stack.control.requests()).filter((r) => r.method === "POST")).toHaveLength(1);
  // Nothing new starts on a cancelled plugin; Check and Diff still answer (they make no calls).
  await expect(stack.engine.up("Policy", "after", { name: "cancel-after" }, { provider: "cancel-wait" })).rejects.toThrow("the deployment was cancelled; this operation was not started");
  expect(await policies("cancel-after")).toEqual([]);
  await stack.control.clearFaults();
});

it("lets a create already on the wire finish and records it: the object Nylas made is in state, exactly once", async () => {
  const host = (await stack.engine.addProvider("cancel-inflight", config())) as PluginHost;
  // Nylas commits the create, then takes 1.5 s to answer.
  await stack.control.faults([{ method: "POST", path: "^/v3/policies$", kind: "commit-then-latency", latencyMs: 1500, times: 1 }]);
  const up = stack.engine.up("Policy", "inflight", { name: "cancel-inflight" }, { provider: "cancel-inflight" });
  await until(async () => (await policies("cancel-inflight")).length === 1);
  await host.cancel();
  const made = await up;
  expect(made.op).toBe("create");
  expect((await policies("cancel-inflight")).map((p) => p.id)).toEqual([made.id]);
  expect(stack.engine.get("Policy", "inflight")!.id).toBe(made.id);
  await stack.control.clearFaults();
  // The default provider was not cancelled: it cleans up.
  await stack.api("DELETE", `/v3/policies/${made.id}`);
});

it("answers Cancel on an idle plugin (the engine sends it before closing every plugin)", async () => {
  // The stack's default provider, idle since the test above; nothing uses it after this test.
  await expect((stack.engine.host as PluginHost).cancel()).resolves.toBeUndefined();
});
