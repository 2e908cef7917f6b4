import type { Engine } from "../../provider/offline/engine";
import { CheckFailedError, secret } from "../../provider/offline/engine";
import { useStack } from "../harness/stack";
import { failure } from "./support";
import { recordRegistrations } from "../harness/mocks";

/**
 * Secrets kept (issue 6): every resource goes through create, update and read with known sentinel
 * values for the API key, the app passwords, the webhook secrets and the service-account private key;
 * then everything Pulumi would store or show is searched for them — the serialized `__provider` of
 * every type, the state file (checked inputs and outputs, secrets as Pulumi encrypts them), every
 * error message, and everything the provider host printed. One plaintext occurrence fails the test.
 */
const API_KEY = "nyk_SENTINEL_apikey_7Q2xVr9LmTz";
const IAM_KEY = "nyk_SENTINEL_iamadminkey_3Jd8Ks0Qw";
const WRONG_IAM_KEY = "nyk_SENTINEL_wrongiamkey_8Lp2Qw";
const WRONG_KEY = "nyk_SENTINEL_wrongkey_4Hs8Pq1Wn";
const PW1 = "Sentinel-AppPass-1111aZ";
const PW2 = "Sentinel-AppPass-2222bY";
const BAD_PW = "Sentinel pw with spaces 1A";
const TYPES = ["AgentAccount", "Webhook", "Policy", "Rule", "List", "Workspace", "DefaultWorkspace", "Domain", "PubSubChannel", "SnsChannel", "IamPrincipal", "IamCredential"];

describe("secrets never stored or shown in plaintext", () => {
  const stack = useStack({ receiver: true, emulator: { apiKey: API_KEY, iamAdminKey: IAM_KEY } });
  /** Every provider host of the test: their output is searched too. */
  const engines: Engine[] = [];
  beforeAll(() => {
    engines.push(stack.engine);
  });

  it("runs every resource through create, update and read, and finds no sentinel anywhere Pulumi keeps or prints things", async () => {
    const errors: string[] = [];
    const webhookSecrets: string[] = [];

    // -- every resource: create, update, read
    const policy = await stack.engine.up("Policy", "s-policy", { name: "s-policy", limits: { limitCountDailyEmailSent: 10 } });
    await stack.engine.up("Policy", "s-policy", { name: "s-policy", limits: { limitCountDailyEmailSent: 20 } });
    const list = await stack.engine.up("List", "s-list", { name: "s-list", type: "domain", items: ["a.example"] });
    await stack.engine.up("List", "s-list", { name: "s-list", type: "domain", items: ["a.example", "b.example"] });
    const ruleInputs = { name: "s-rule", match: { conditions: [{ field: "from.domain", operator: "in_list", value: [list.id] }] }, actions: [{ type: "block" }] };
    const rule = await stack.engine.up("Rule", "s-rule", ruleInputs);
    await stack.engine.up("Rule", "s-rule", { ...ruleInputs, priority: 3 });
    const ws = await stack.engine.up("Workspace", "s-ws", { name: "s-ws", domain: "s-ws.example", policyId: policy.id });
    await stack.engine.up("Workspace", "s-ws", { name: "s-ws", domain: "s-ws.example", policyId: policy.id, ruleIds: [rule.id] });
    await stack.engine.up("DefaultWorkspace", "s-default", { policyId: policy.id });
    await stack.engine.up("DefaultWorkspace", "s-default", { policyId: policy.id, ruleIds: [rule.id] });
    const email = "secret-agent@agents.example.com";
    await stack.engine.up("AgentAccount", "s-agent", { email, name: "S", appPassword: secret(PW1), workspaceId: ws.id });
    await stack.engine.up("AgentAccount", "s-agent", { email, name: "S2", appPassword: secret(PW2), workspaceId: ws.id });
    const hook = { webhookUrl: `${stack.receiver.url}/secrets`, triggerTypes: ["grant.created", "message.created"] };
    const made = await stack.engine.up("Webhook", "s-hook", { ...hook, secretVersion: 1 });
    webhookSecrets.push(made.outputs.webhookSecret as string);
    const rotated = await stack.engine.up("Webhook", "s-hook", { ...hook, secretVersion: 2, description: "rotated" });
    webhookSecrets.push(rotated.outputs.webhookSecret as string);
    expect(new Set(webhookSecrets).size).toBe(2);
    expect(webhookSecrets.every((s) => typeof s === "string" && s.length >= 16)).toBe(true);
    await stack.engine.up("Domain", "s-domain", { name: "S", domainAddress: "mail.secret.example" });
    await stack.engine.up("Domain", "s-domain", { name: "S renamed", domainAddress: "mail.secret.example" });
    const pubsub = { topic: "projects/secret-agents/topics/events", triggerTypes: ["message.created"] };
    await stack.engine.up("PubSubChannel", "s-pubsub", pubsub);
    await stack.engine.up("PubSubChannel", "s-pubsub", { ...pubsub, description: "d" });
    const sns = { topic: "arn:aws:sns:us-east-1:123456789012:events", roleArn: "arn:aws:iam::123456789012:role/nylas", triggerTypes: ["message.created"] };
    await stack.engine.up("SnsChannel", "s-sns", sns);
    await stack.engine.up("SnsChannel", "s-sns", { ...sns, compressedDelivery: true });
    // IAM: the admin key manages a principal bound to the agent's grant and its keys (one rotation).
    const grantId = stack.engine.get("AgentAccount", "s-agent")!.outputs.grantId as string;
    const principal = await stack.engine.up("IamPrincipal", "s-principal", { name: "s-principal", binding: { type: "grant", id: grantId }, directPermissions: ["messages.read"] });
    await stack.engine.up("IamPrincipal", "s-principal", { name: "s-principal", binding: { type: "grant", id: grantId }, directPermissions: ["messages.read", "threads.read"] });
    const key1 = await stack.engine.up("IamCredential", "s-key", { principalId: principal.id, name: "s-key", secretVersion: 1 });
    const key2 = await stack.engine.up("IamCredential", "s-key", { principalId: principal.id, name: "s-key", secretVersion: 2 });
    await stack.engine.up("IamCredential", "s-key", { principalId: principal.id, name: "s-key renamed", secretVersion: 2 });
    const agentKeys = [key1.outputs.apiKey as string, key2.outputs.apiKey as string];
    expect(new Set(agentKeys).size).toBe(2);
    expect((await stack.as(agentKeys[1], "GET", `/v3/grants/${grantId}/messages`)).status).toBe(200);
    for (const [type, name] of [["Policy", "s-policy"], ["List", "s-list"], ["Rule", "s-rule"], ["Workspace", "s-ws"], ["DefaultWorkspace", "s-default"], ["AgentAccount", "s-agent"], ["Webhook", "s-hook"], ["Domain", "s-domain"], ["PubSubChannel", "s-pubsub"], ["SnsChannel", "s-sns"], ["IamPrincipal", "s-principal"], ["IamCredential", "s-key"]]) {
      expect((await stack.engine.refresh(type, name)).op).toBe("same");
    }
    // A delivery made with the secret (warnings and logs of the receiving side are the user's own).
    await stack.api("POST", "/v3/connect/custom", { provider: "nylas", settings: { email: "another@agents.example.com" } });
    await stack.receiver.waitFor((d) => d.path === "/secrets");

    // -- error paths: each message is searched too
    errors.push((await failure(() => stack.engine.up("AgentAccount", "s-unregistered", { email: "x@not-registered.example", appPassword: secret(PW1) }))).message);
    const checkErr = await failure(() => stack.engine.up("AgentAccount", "s-bad-pw", { email, appPassword: secret(BAD_PW) }));
    expect(checkErr).toBeInstanceOf(CheckFailedError);
    errors.push(checkErr.message, JSON.stringify((checkErr as CheckFailedError).failures));
    await stack.control.faults([{ method: "PATCH", path: "^/v3/grants/", kind: "status", status: 400, times: 1 }]);
    errors.push((await failure(() => stack.engine.up("AgentAccount", "s-agent", { email, name: "S3", appPassword: secret(PW1), workspaceId: ws.id }))).message);
    await stack.control.clearFaults();
    await stack.control.faults([{ method: "POST", path: "^/v3/connect/custom$", kind: "commit-then-reset", times: 1 }]);
    await stack.engine.up("AgentAccount", "s-ghost", { email: "ghost-secret@agents.example.com", appPassword: secret(PW2) }); // warns
    const wrong = await stack.engineWith({ "nylas:apiKey": WRONG_KEY });
    engines.push(wrong);
    errors.push((await failure(() => wrong.up("Policy", "s-wrong-key", { name: "s-wrong-key" }))).message);
    expect(errors[errors.length - 1]).toContain("401");
    const wrongIam = await stack.engineWith({ "nylas:iamApiKey": WRONG_IAM_KEY });
    engines.push(wrongIam);
    errors.push((await failure(() => wrongIam.up("IamPrincipal", "s-wrong-iam", { name: "x", binding: { type: "organization" } }))).message);
    expect(errors[errors.length - 1]).toContain("401");
    expect(errors[errors.length - 1]).toContain("nylas:iamApiKey");
    expect(errors).toHaveLength(6);

    // -- what Pulumi would store or print
    const providers = await Promise.all(TYPES.map((t) => stack.engine.providerText(t)));
    const haystacks: Record<string, string> = {
      "serialized __provider": providers.join("\n"),
      "state file": stack.engine.stateJson(),
      "error messages": errors.join("\n"),
      "provider host output": engines.map((e) => e.host.output.join("")).join("\n"),
    };
    expect(haystacks["provider host output"]).toContain("the create's answer was lost but the object was made"); // warnings were printed
    const pem = stack.emulator.serviceAccount.privateKeyPem;
    const pemLines = pem.split("\n").filter((l) => l && !l.startsWith("-----"));
    expect(pemLines.length).toBeGreaterThan(10);
    const sentinels: Record<string, string[]> = {
      "API key": [API_KEY],
      "IAM admin key": [IAM_KEY],
      "agent IAM key": agentKeys,
      "wrong API key": [WRONG_KEY, WRONG_IAM_KEY],
      "app password": [PW1, PW2, BAD_PW],
      "webhook secret": webhookSecrets,
      "service-account key": [pemLines.join(""), ...pemLines],
    };
    const leaks: string[] = [];
    for (const [where, text] of Object.entries(haystacks)) {
      for (const [what, values] of Object.entries(sentinels)) {
        if (values.some((v) => text.includes(v))) leaks.push(`${what} in ${where}`);
      }
    }
    expect(leaks).toEqual([]);

    // The search would have found them: the engine's in-memory state (decrypted, never written) has
    // the webhook secret, and the state file holds Pulumi's secret envelope in its place.
    expect(JSON.stringify(stack.engine.get("Webhook", "s-hook")!.outputs)).toContain(webhookSecrets[1]);
    expect(JSON.stringify(stack.engine.get("IamCredential", "s-key")!.outputs)).toContain(agentKeys[1]);
    const file = JSON.parse(haystacks["state file"]) as { resources: Array<{ urn: string; inputs: any; outputs: any }> };
    const of = (t: string, name: string) => file.resources.find((r) => r.urn === stack.engine.urn(t, name))!;
    const SIG = "4dabf18193072939515e22adb298388d";
    expect(of("Webhook", "s-hook").outputs.webhookSecret).toHaveProperty(SIG);
    expect(of("IamCredential", "s-key").outputs.apiKey).toHaveProperty(SIG);
    expect(stack.engine.get("IamCredential", "s-key")!.secretOutputs).toContain("apiKey");
    expect(of("AgentAccount", "s-agent").outputs.appPasswordHash).toHaveProperty(SIG);
    // Checked inputs keep the app password only as a secret (a refresh drops it: it is write-only).
    expect(of("AgentAccount", "s-ghost").inputs.appPassword).toHaveProperty(SIG);
    // Secret outputs carry the marker: what the classes declare (see the mocks test below) is applied.
    expect(stack.engine.get("Webhook", "s-hook")!.secretOutputs).toContain("webhookSecret");
    expect(stack.engine.get("AgentAccount", "s-agent")!.secretOutputs).toEqual(expect.arrayContaining(["appPasswordHash", "appPassword"]));
    // The password hash is not the password: a salted scrypt hash.
    expect(stack.engine.get("AgentAccount", "s-agent")!.outputs.appPasswordHash).toMatch(/^scrypt\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);

    await stack.engine.destroyAll();
  });
});

describe("resource classes mark secrets when registering (Pulumi mocks)", () => {
  it("registers every type with the fixed token; Webhook and AgentAccount declare their secret outputs; no sentinel in any __provider", async () => {
    // additionalSecretOutputs is not passed to newResource: read it off the RegisterResource request.
    const { registered, requests } = await recordRegistrations();

    const nylas = await import("../../provider");
    const resources = [
      new nylas.AgentAccount("a", { email: "a@agents.example.com", appPassword: PW1 }),
      new nylas.Webhook("w", { webhookUrl: "https://hooks.example.com/w", triggerTypes: ["message.created"] }),
      new nylas.Policy("p", { name: "p" }),
      new nylas.List("l", { name: "l", type: "domain" }),
      new nylas.Rule("r", { name: "r", match: { conditions: [{ field: "from.domain", operator: "is", value: "x.example" }] }, actions: [{ type: "block" }] }),
      new nylas.Workspace("ws", { name: "ws", domain: "ws.example" }),
      new nylas.DefaultWorkspace("d", {}),
      new nylas.Domain("dom", { name: "dom", domainAddress: "mail.example.com" }),
      new nylas.PubSubChannel("ps", { topic: "projects/acme-agents/topics/t", triggerTypes: ["message.created"] }),
      new nylas.SnsChannel("sns", { topic: "arn:aws:sns:us-east-1:123456789012:t", roleArn: "arn:aws:iam::123456789012:role/r", triggerTypes: ["message.created"] }),
      new nylas.IamPrincipal("ip", { name: "ip", binding: { type: "grant", id: "g" } }),
      new nylas.IamCredential("ic", { principalId: "p", name: "ic" }),
    ];
    await Promise.all(resources.map((r) => new Promise((done) => r.urn.apply(done))));

    const byType = new Map(requests.map((q) => [q.getType() as string, q]));
    expect([...byType.keys()].sort()).toEqual(TYPES.map((t) => `pulumi-nodejs:dynamic/nylas:${t}`).sort());
    const secretOutputs = (t: string) => byType.get(`pulumi-nodejs:dynamic/nylas:${t}`).getAdditionalsecretoutputsList();
    expect(secretOutputs("Webhook")).toEqual(["webhookSecret"]);
    expect(secretOutputs("AgentAccount")).toEqual(["appPasswordHash", "appPassword"]);
    expect(secretOutputs("IamCredential")).toEqual(["apiKey"]);
    for (const t of ["Policy", "List", "Rule", "Workspace", "DefaultWorkspace", "Domain", "PubSubChannel", "SnsChannel", "IamPrincipal"]) expect(secretOutputs(t)).toEqual([]);
    // The app password, given in plain text, is registered inside Pulumi's secret envelope.
    const account = registered.find((r) => r.type === "pulumi-nodejs:dynamic/nylas:AgentAccount")!;
    expect(account.inputs.appPassword).toEqual({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: PW1 });
    for (const r of registered) {
      expect(typeof r.inputs.__provider).toBe("string");
      expect(r.inputs.__provider).not.toContain(PW1);
      expect(r.inputs.__provider).not.toContain(API_KEY);
      expect(r.inputs.__provider).not.toContain(IAM_KEY);
    }
  });
});
