import { CheckFailedError, secret, type Engine } from "../../provider/offline/engine";
import { SECRET_SIG, SECRET_VALUE } from "../../provider/offline/host";
import { WebhookReceiver } from "../../emulator/receiver";
import { startStack, type TestStack } from "../harness/stack";

/**
 * Secrets end to end through the plugin. The plugin says acceptSecrets, so the engine sends secret
 * inputs wrapped and re-marks nothing: the plugin must wrap every secret output itself and keep a secret
 * input secret in the checked inputs. Sentinel values (API key, service-account key, app passwords, a
 * value the program marked secret, the webhook secrets Nylas minted) are then searched for in the state
 * as Pulumi writes it, in everything the plugin printed or logged, and in every error message.
 */
const API_KEY = "nyk_SENTINEL_plugin_apikey_9Xk2";
const PW1 = "Sentinel-PluginPass-1111aZ";
const PW2 = "Sentinel-PluginPass-2222bY";
const MARKED = "sentinel-marked-secret-name";

let stack: TestStack;
let engine: Engine;
let receiver: WebhookReceiver;
beforeAll(async () => {
  [stack, receiver] = await Promise.all([startStack({ frontDoor: "plugin", emulator: { apiKey: API_KEY } }), WebhookReceiver.start()]);
  engine = stack.engine;
});
afterAll(async () => {
  await stack.stop();
  await receiver.close();
});

it("wraps secret outputs on the wire itself, and keeps declared and program-marked secret inputs secret", async () => {
  const urn = engine.urn("AgentAccount", "wire");
  const host = engine.host;
  // Check: appPassword given in plaintext comes back wrapped (declared secret); a marked name stays wrapped.
  const checked = await host.check(urn, {}, { email: "wire@agents.example.com", appPassword: PW1, name: { [SECRET_SIG]: SECRET_VALUE, value: "Wire" } });
  expect(checked.failures).toEqual([]);
  expect(checked.inputs.appPassword).toEqual({ [SECRET_SIG]: SECRET_VALUE, value: PW1 });
  expect(checked.inputs.name).toEqual({ [SECRET_SIG]: SECRET_VALUE, value: "Wire" });
  // Create: the hash is a secret output; `name` is secret because its input was.
  const made = await host.create(urn, checked.inputs);
  expect(made.outputs.appPasswordHash).toMatchObject({ [SECRET_SIG]: SECRET_VALUE, value: expect.stringMatching(/^scrypt\$/) });
  expect(made.outputs.name).toEqual({ [SECRET_SIG]: SECRET_VALUE, value: "Wire" });
  expect(made.outputs.email).toBe("wire@agents.example.com");
  // Read (refresh) keeps both marks, in outputs and inputs.
  const read = await host.read(urn, made.id, made.outputs, checked.inputs);
  expect(read.outputs.appPasswordHash).toMatchObject({ [SECRET_SIG]: SECRET_VALUE });
  expect(read.outputs.name).toMatchObject({ [SECRET_SIG]: SECRET_VALUE });
  expect(read.inputs!.name).toMatchObject({ [SECRET_SIG]: SECRET_VALUE });
  await host.delete(urn, made.id, made.outputs);
});

it("runs every secret-bearing resource through create, update and refresh and finds no sentinel in state, output or errors", async () => {
  const errors: string[] = [];
  const webhookSecrets: string[] = [];
  const sa = stack.emulator.serviceAccount;
  const policy = await engine.up("Policy", "s-policy", { name: secret(MARKED), limits: { limitCountDailyEmailSent: 10 } });
  expect(engine.get("Policy", "s-policy")!.secretOutputs).toContain("name");
  await engine.up("Policy", "s-policy", { name: secret(MARKED), limits: { limitCountDailyEmailSent: 20 } });
  const email = "secret-agent@agents.example.com";
  await engine.up("AgentAccount", "s-agent", { email, appPassword: secret(PW1) });
  // Given without a secret mark, the password is still stored as a secret: the plugin marks it.
  await engine.up("AgentAccount", "s-agent", { email, appPassword: PW2 });
  expect(engine.get("AgentAccount", "s-agent")!.secretInputs).toContain("appPassword");
  const hook = { webhookUrl: `${receiver.url}/secrets`, triggerTypes: ["message.created"] };
  webhookSecrets.push((await engine.up("Webhook", "s-hook", { ...hook, secretVersion: 1 })).outputs.webhookSecret as string);
  webhookSecrets.push((await engine.up("Webhook", "s-hook", { ...hook, secretVersion: 2 })).outputs.webhookSecret as string);
  expect(new Set(webhookSecrets).size).toBe(2);
  await engine.up("Domain", "s-domain", { name: "S", domainAddress: "mail.secret.example" });
  for (const [type, name] of [["Policy", "s-policy"], ["AgentAccount", "s-agent"], ["Webhook", "s-hook"], ["Domain", "s-domain"]]) {
    expect((await engine.refresh(type, name)).op).toBe("same");
  }

  // Error paths: a bad password (masked), a bad marked value (masked), a refused update.
  const badPw = await engine.up("AgentAccount", "s-bad", { email, appPassword: "Sentinel pw with spaces 1A" }).catch((e) => e);
  expect(badPw).toBeInstanceOf(CheckFailedError);
  errors.push(badPw.message);
  const badMarked = await engine.up("Policy", "s-bad-policy", { name: secret(`${MARKED}${"x".repeat(300)}`) }).catch((e) => e);
  expect(badMarked).toBeInstanceOf(CheckFailedError);
  expect(badMarked.message).toContain("name = (secret, masked)");
  errors.push(badMarked.message);
  await stack.control.faults([{ method: "PATCH", path: "^/v3/grants/", kind: "status", status: 400, times: 1 }]);
  errors.push((await engine.up("AgentAccount", "s-agent", { email, name: "X", appPassword: secret(PW1) }).catch((e) => e)).message);
  await stack.control.clearFaults();

  const sentinels = [API_KEY, stack.emulator.iamAdminKey, PW1, PW2, MARKED, sa.privateKeyPem.split("\n")[1], ...webhookSecrets];
  const places: Record<string, string> = {
    state: engine.stateJson(),
    "plugin output and engine log": engine.host.output.join(""),
    errors: errors.join("\n"),
  };
  const found = Object.entries(places).flatMap(([where, text]) => sentinels.filter((s) => text.includes(s)).map((s) => `${s.slice(0, 12)}… in ${where}`));
  expect(found).toEqual([]);
  // The state does hold them, as Pulumi holds secrets: encrypted, under the secret signature.
  const state = JSON.parse(places.state);
  const res = (name: string) => state.resources.find((r: any) => r.urn.endsWith(`::${name}`));
  expect(res("s-hook").outputs.webhookSecret[SECRET_SIG]).toBe(SECRET_VALUE);
  expect(res("s-agent").inputs.appPassword[SECRET_SIG]).toBe(SECRET_VALUE);
  expect(res("s-agent").outputs.appPasswordHash[SECRET_SIG]).toBe(SECRET_VALUE);
  expect(res("s-policy").inputs.name[SECRET_SIG]).toBe(SECRET_VALUE);
  expect(res("default").inputs.apiKey[SECRET_SIG]).toBe(SECRET_VALUE);
  expect(res("default").inputs.serviceAccount[SECRET_SIG]).toBe(SECRET_VALUE);
  expect(res("default").inputs.domainsApiKey[SECRET_SIG]).toBe(SECRET_VALUE);
  await engine.destroyAll();
  expect(policy.id).toBeTruthy();
});
