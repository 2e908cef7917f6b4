import { Engine } from "../../provider/offline/engine";
import { WebhookReceiver } from "../../emulator/receiver";
import { startStack, type TestStack } from "../harness/stack";

/**
 * `pulumi import` through the plugin, as the engine's ImportStep runs it: Read with the URN and the id
 * only (no state, no inputs); the answer must carry properties (else "does not exist") and inputs (else
 * "provider does not support importing"); the engine then Checks those inputs (a failure is a provider
 * bug), and the program written from them must show no diff. Every type is imported by id, and where a
 * natural key cannot be mistaken for an id, by that key. The dynamic resources cannot be imported at
 * all (pulumi/pulumi#16175), which the last test shows on the real host.
 */

let stack: TestStack;
let engine: Engine;
let receiver: WebhookReceiver;
beforeAll(async () => {
  [stack, receiver] = await Promise.all([startStack({ frontDoor: "plugin" }), WebhookReceiver.start()]);
  engine = stack.engine;
});
afterAll(async () => {
  await stack.stop();
  await receiver.close();
});

/** Imports `id` as `name`, then checks what the engine and the user's next `up` need. */
async function importCleanly(type: string, name: string, id: string, expectedId: string) {
  const imported = await engine.import(type, name, id);
  expect(imported.id).toBe(expectedId);
  expect(imported.failures).toEqual([]);
  // The program `pulumi import` prints declares exactly these inputs: the next preview is a no-op.
  expect((await engine.preview(type, name, imported.inputs)).op).toBe("same");
  expect((await engine.refresh(type, name)).op).toBe("same");
  return imported;
}

it("imports every resource type by id: inputs that pass Check and give an empty diff", async () => {
  const policy = await engine.up("Policy", "src-policy", { name: "imp-policy", limits: { limitCountDailyEmailSent: 40 } });
  const list = await engine.up("List", "src-list", { name: "imp-list", type: "domain", items: ["a.example", "b.example"] });
  const rule = await engine.up("Rule", "src-rule", {
    name: "imp-rule",
    match: { operator: "any", conditions: [{ field: "from.domain", operator: "in_list", value: [list.id] }] },
    actions: [{ type: "mark_as_spam" }],
  });
  const ws = await engine.up("Workspace", "src-ws", { name: "imp-ws", domain: "imp.example.com", policyId: policy.id, ruleIds: [rule.id] });
  const dw = await engine.up("DefaultWorkspace", "src-dw", { policyId: policy.id });
  const domain = await engine.up("Domain", "src-domain", { name: "imp-domain", domainAddress: "mail.imp.example" });
  const account = await engine.up("AgentAccount", "src-account", { email: "imp-agent@agents.example.com", name: "Imp", workspaceId: ws.id });
  const hook = await engine.up("Webhook", "src-hook", { webhookUrl: `${receiver.url}/imp`, triggerTypes: ["message.created"], description: "imported" });

  const folder = await engine.up("Folder", "src-folder", { grantId: account.id, path: "Clients/Imported" });
  const pubsub = await engine.up("PubSubChannel", "src-pubsub", { topic: "projects/acme-agents/topics/imported", triggerTypes: ["message.created"] });
  const sns = await engine.up("SnsChannel", "src-sns", { topic: "arn:aws:sns:us-east-1:123456789012:imported", roleArn: "arn:aws:iam::123456789012:role/nylas", triggerTypes: ["message.created"] });
  const principal = await engine.up("IamPrincipal", "src-principal", { name: "imp agent", binding: { type: "grant", id: account.id }, directPermissions: ["messages.read"] });
  const made: Record<string, { id: string; outputs: Record<string, unknown> }> = {
    Policy: policy,
    List: list,
    Rule: rule,
    Workspace: ws,
    DefaultWorkspace: dw,
    Domain: domain,
    AgentAccount: account,
    Webhook: hook,
    Folder: folder,
    PubSubChannel: pubsub,
    SnsChannel: sns,
    IamPrincipal: principal,
    IamCredential: await engine.up("IamCredential", "src-credential", { principalId: principal.id, name: "imp key" }),
  };
  // Objects read through their parent are imported as `<parent id>/<id>`.
  const importId = (type: string, m: { id: string }) => (type === "Folder" ? `${account.id}/${m.id}` : type === "IamCredential" ? `${principal.id}/${m.id}` : m.id);
  for (const [type, m] of Object.entries(made)) {
    const imported = await importCleanly(type, `imported-${type}`, importId(type, m), m.id);
    // What the import recorded is what Nylas reports: the same outputs as the managed resource. Outputs
    // that remember what the program declared (a policy's managed limits) or made (a webhook secret) are
    // absent; the default workspace's "original" attachments are what it has when imported.
    for (const [k, v] of Object.entries(imported.outputs)) {
      if (type === "DefaultWorkspace" && k.startsWith("original")) continue;
      if (type === "IamCredential" && k === "apiKey") continue; // shown once, at create: never read back
      if (type === "Folder" && k === "createdByProvider") {
        expect(v).toBe(false); // taken over, as with adopt: not the provider's own
        continue;
      }
      expect([type, k, v]).toEqual([type, k, m.outputs[k]]);
    }
  }
  // Imported inputs are the object as it is, e.g. the rule's match and actions:
  expect(engine.get("Rule", "imported-Rule")!.inputs).toMatchObject({ name: "imp-rule", match: { operator: "any" }, actions: [{ type: "mark_as_spam" }] });
  expect(engine.get("Workspace", "imported-Workspace")!.inputs).toMatchObject({ name: "imp-ws", domain: "imp.example.com", policyId: policy.id, ruleIds: [rule.id] });
});

it("accepts natural keys where they cannot be mistaken for ids: email, domain, domain address, webhook URL", async () => {
  const ws = await engine.up("Workspace", "nk-ws", { name: "nk-ws", domain: "nk.example.com" });
  const account = await engine.up("AgentAccount", "nk-account", { email: "nk-agent@agents.example.com" });
  const domain = await engine.up("Domain", "nk-domain", { name: "nk", domainAddress: "mail.nk.example" });
  const hook = await engine.up("Webhook", "nk-hook", { webhookUrl: `${receiver.url}/nk`, triggerTypes: ["grant.created"] });
  await importCleanly("AgentAccount", "by-email", " NK-Agent@Agents.Example.com ", account.id);
  await importCleanly("Workspace", "by-domain", "NK.example.com", ws.id);
  await importCleanly("Domain", "by-address", "mail.nk.example", domain.id);
  await importCleanly("Webhook", "by-url", `${receiver.url}/nk`, hook.id);
  // The state holds the real id, so later calls go to the object itself.
  expect(engine.get("AgentAccount", "by-email")!.id).toBe(account.id);
});

it("reports an id or natural key that names nothing as 'does not exist', and records nothing", async () => {
  await expect(engine.import("Policy", "ghost", "00000000-0000-0000-0000-000000000000")).rejects.toThrow("resource '00000000-0000-0000-0000-000000000000' does not exist");
  await expect(engine.import("AgentAccount", "ghost-agent", "nobody@agents.example.com")).rejects.toThrow("does not exist");
  await expect(engine.import("Workspace", "ghost-ws", "nowhere.example.com")).rejects.toThrow("does not exist");
  expect(engine.get("Policy", "ghost")).toBeUndefined();
});

it("cannot import a dynamic resource: the dynamic-provider host has no __provider to load (pulumi/pulumi#16175)", async () => {
  const dynamic = await Engine.start({ config: { "nylas:apiKey": { secret: stack.emulator.apiKey }, "nylas:apiUri": stack.emulator.url } });
  try {
    const policy = (await stack.api("POST", "/v3/policies", { name: "dyn-import" })).body.data;
    await expect(dynamic.import("Policy", "dyn", policy.id)).rejects.toThrow();
  } finally {
    await dynamic.stop();
  }
});
