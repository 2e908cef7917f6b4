import * as pulumi from "@pulumi/pulumi";
import { recordRegistrations } from "../harness/mocks";

/**
 * The AgentMailbox component's wiring under `pulumi.runtime.setMocks`: which children it registers
 * with which inputs and parent, its defaults, its outputs (webhookSecret secret), and its argument
 * errors. (What the children do at Nylas is covered by the example tests through the real provider.)
 */

interface Registered {
  type: string;
  name: string;
  parent: string;
  deps: string[];
  inputs: Record<string, unknown>;
}

describe("AgentMailbox", () => {
  let requests: any[];
  let AgentMailbox: typeof import("../../provider/components/agent-mailbox").AgentMailbox;
  type Mailbox = InstanceType<typeof AgentMailbox>;

  beforeAll(async () => {
    ({ requests } = await recordRegistrations((args) =>
      args.type.endsWith(":AgentAccount")
        ? { grantId: `${args.name}-id`, workspaceId: args.inputs.workspaceId ?? "default-workspace" }
        : args.type.endsWith(":Webhook")
          ? { webhookSecret: `secret-of-${args.name}` }
          : args.type.endsWith(":IamCredential")
            ? { apiKey: `key-of-${args.name}`, expiresAt: 1799193600 }
            : {},
    ));
    ({ AgentMailbox } = await import("../../provider/components/agent-mailbox"));
  });

  /** Every registration so far, as the monitor received it. */
  const registered = (): Registered[] => {
    const { deserializeProperties } = require("@pulumi/pulumi/runtime/rpc");
    return requests.map((req) => ({ type: req.getType(), name: req.getName(), parent: req.getParent(), deps: req.getDependenciesList(), inputs: deserializeProperties(req.getObject()) }));
  };
  const value = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));
  /** Resolves once the component and every child it made are registered (each urn comes back from the monitor). */
  const settled = async (m: Mailbox) => {
    const kids = [m.account, m.workspace, m.policy, m.webhook, m.agentKey, m.agentKey?.principal, m.agentKey?.credential, ...Object.values(m.rules)].filter((k) => k !== undefined);
    await Promise.all([m, ...kids].map((r) => value(r!.urn)));
  };
  const children = (component: string) => registered().filter((r) => r.parent.endsWith(`::${component}`));
  const child = (component: string, type: string) => children(component).find((r) => r.type === `pulumi-nodejs:dynamic/nylas:${type}`);
  const plain = (v: unknown) => JSON.parse(JSON.stringify(v, (_k, x) => (x && typeof x === "object" && "value" in x && Object.keys(x).length === 2 ? x.value : x)));

  it("the minimum: an account in the workspace Nylas picks, and a webhook for new mail subscribed after it", async () => {
    const m = new AgentMailbox("sales", { email: "sales-agent@agents.example.com", name: "Sales Agent", webhook: { url: "https://agent.example.com/hooks/sales" } });
    await settled(m);
    expect(registered().find((r) => r.name === "sales")!.type).toBe("nylas:index:AgentMailbox");
    expect(children("sales").map((r) => `${r.type.split(":").pop()} ${r.name}`).sort()).toEqual(["AgentAccount sales-account", "Webhook sales-webhook"]);
    expect(plain(child("sales", "AgentAccount")!.inputs)).toMatchObject({ email: "sales-agent@agents.example.com", name: "Sales Agent" });
    expect(child("sales", "AgentAccount")!.inputs.workspaceId).toBeUndefined();
    const hook = child("sales", "Webhook")!;
    expect(hook.inputs).toMatchObject({
      webhookUrl: "https://agent.example.com/hooks/sales",
      triggerTypes: ["message.created"],
      description: "sales-agent@agents.example.com: message.created",
    });
    expect(hook.deps.some((d) => d.endsWith("::sales-account"))).toBe(true);

    expect(await value(m.grantId)).toBe("sales-account-id");
    expect(await value(m.workspaceId)).toBe("default-workspace");
    expect(await value(m.webhookSecret)).toBe("secret-of-sales-webhook");
    expect(await pulumi.isSecret(m.webhookSecret)).toBe(true);
  });

  it("policy and rules give the agent its own workspace of the email's domain (autoGroup on) with its rules and the shared ones", async () => {
    const m = new AgentMailbox("outbound1", {
      email: "outreach@outbound1.agents.example.com",
      appPassword: "Str0ngAppPassword-One",
      policy: { limits: { limitCountDailyEmailSent: 500 } },
      rules: { "junk-xyz": { match: { conditions: [{ field: "from.tld", operator: "is", value: "xyz" }] }, actions: [{ type: "mark_as_spam" }] } },
      sharedRuleIds: ["shared-rule-id"],
    });
    await settled(m);
    expect(children("outbound1").map((r) => `${r.type.split(":").pop()} ${r.name}`).sort()).toEqual([
      "AgentAccount outbound1-account",
      "Policy outbound1-policy",
      "Rule outbound1-junk-xyz",
      "Workspace outbound1-workspace",
    ]);
    expect(child("outbound1", "Policy")!.inputs).toMatchObject({ name: "outbound1", limits: { limitCountDailyEmailSent: 500 } });
    expect(child("outbound1", "Rule")!.inputs).toMatchObject({ name: "outbound1 junk-xyz", actions: [{ type: "mark_as_spam" }] });
    expect(child("outbound1", "Workspace")!.inputs).toMatchObject({
      name: "outbound1",
      domain: "outbound1.agents.example.com",
      autoGroup: true,
      policyId: "outbound1-policy-id",
      ruleIds: ["outbound1-junk-xyz-id", "shared-rule-id"],
    });
    const account = child("outbound1", "AgentAccount")!;
    expect(account.inputs.workspaceId).toBe("outbound1-workspace-id");
    expect(plain(account.inputs.appPassword)).toBe("Str0ngAppPassword-One");
    expect(await value(m.workspaceId)).toBe("outbound1-workspace-id");
    expect(await value(m.webhookSecret)).toBeUndefined();
  });

  it("a workspace domain other than the email's (per-workflow on one domain) turns autoGroup off; policyId attaches a shared policy", async () => {
    const m = new AgentMailbox("support", { email: "support@agents.example.com", workspace: { domain: "support.agents.example.com", name: "Support" }, policyId: "shared-policy-id" });
    await settled(m);
    expect(child("support", "Policy")).toBeUndefined();
    expect(child("support", "Workspace")!.inputs).toMatchObject({ name: "Support", domain: "support.agents.example.com", autoGroup: false, policyId: "shared-policy-id" });
  });

  it("a shared webhook: no webhook child per mailbox, the account waits for the shared one, and its secret is the mailbox's", async () => {
    const { Webhook } = await import("../../provider/resources/webhook");
    const hook = new Webhook("fleet-hook", { webhookUrl: "https://agent.example.com/hooks/nylas", triggerTypes: ["message.created"] });
    const a = new AgentMailbox("fleet-a", { email: "a@agents.example.com", sharedWebhook: hook });
    const b = new AgentMailbox("fleet-b", { email: "b@agents.example.com", sharedWebhook: hook });
    await settled(a);
    await settled(b);
    for (const name of ["fleet-a", "fleet-b"]) {
      expect(children(name).map((r) => `${r.type.split(":").pop()} ${r.name}`)).toEqual([`AgentAccount ${name}-account`]);
      expect(child(name, "AgentAccount")!.deps.some((d) => d.endsWith("::fleet-hook"))).toBe(true);
    }
    expect(registered().filter((r) => r.type.endsWith(":Webhook") && r.name.startsWith("fleet"))).toHaveLength(1);
    expect(await value(a.webhookSecret)).toBe("secret-of-fleet-hook");
    expect(await pulumi.isSecret(b.webhookSecret)).toBe(true);
    expect(() => new AgentMailbox("both", { email: "x@agents.example.com", sharedWebhook: hook, webhook: { url: "https://x.example.com/h" } })).toThrow(
      "AgentMailbox both: give either sharedWebhook (one webhook for many mailboxes) or webhook (one of its own), not both",
    );
  });

  it("agentKey: a principal bound to the mailbox's own grant with the agent-loop permissions, and its key as a secret output", async () => {
    const m = new AgentMailbox("keyed", { email: " Keyed@Agents.example.com", agentKey: true });
    await settled(m);
    expect(children("keyed").map((r) => `${r.type.split(":").pop()} ${r.name}`).sort()).toEqual(["AgentAccount keyed-account", "AgentKey keyed-agent-key"]);
    expect(child("keyed", "AgentKey")).toBeUndefined(); // a component, not a dynamic resource
    expect(registered().find((r) => r.name === "keyed-agent-key")!.type).toBe("nylas:index:AgentKey");
    const principal = children("keyed-agent-key").find((r) => r.type.endsWith(":IamPrincipal"))!;
    expect(plain(principal.inputs)).toMatchObject({
      name: "agent keyed@agents.example.com",
      binding: { type: "grant", id: "keyed-account-id" },
      directPermissions: ["messages.read", "messages.send", "threads.read", "folders.read"],
    });
    const credential = children("keyed-agent-key").find((r) => r.type.endsWith(":IamCredential"))!;
    expect(plain(credential.inputs)).toMatchObject({ principalId: "keyed-agent-key-principal-id", name: "agent key" });
    expect(await value(m.agentApiKey)).toBe("key-of-keyed-agent-key-credential");
    expect(await pulumi.isSecret(m.agentApiKey)).toBe(true);

    // Options: roles and permissions of its own (replacing the default set), expiry and rotation.
    const n = new AgentMailbox("keyed2", {
      email: "keyed2@agents.example.com",
      agentKey: { roles: ["role_custom_triage"], directPermissions: ["messages.read"], expiresAt: "2027-06-30T00:00:00Z", secretVersion: 3 },
    });
    await settled(n);
    const p2 = children("keyed2-agent-key").find((r) => r.type.endsWith(":IamPrincipal"))!;
    expect(plain(p2.inputs)).toMatchObject({ roles: ["role_custom_triage"], directPermissions: ["messages.read"] });
    const c2 = children("keyed2-agent-key").find((r) => r.type.endsWith(":IamCredential"))!;
    expect(plain(c2.inputs)).toMatchObject({ expiresAt: "2027-06-30T00:00:00Z", secretVersion: 3 });
    // Without agentKey: none, and agentApiKey is undefined.
    expect(await value(new AgentMailbox("keyless", { email: "keyless@agents.example.com" }).agentApiKey)).toBeUndefined();
  });

  it("sharedNotifications takes a Webhook, a PubSubChannel or an SnsChannel: the account waits for it", async () => {
    const { PubSubChannel, SnsChannel } = await import("../../provider/resources/channel");
    const { Webhook } = await import("../../provider/resources/webhook");
    const pubsub = new PubSubChannel("fleet-pubsub", { topic: "projects/acme-agents/topics/agents", triggerTypes: ["message.created"] });
    const sns = new SnsChannel("fleet-sns", { topic: "arn:aws:sns:us-east-1:123456789012:agents", roleArn: "arn:aws:iam::123456789012:role/nylas", triggerTypes: ["message.created"] });
    const hook = new Webhook("fleet-hook-2", { webhookUrl: "https://agent.example.com/hooks/nylas2", triggerTypes: ["message.created"] });
    const viaPubsub = new AgentMailbox("via-pubsub", { email: "p@agents.example.com", sharedNotifications: pubsub });
    const viaSns = new AgentMailbox("via-sns", { email: "s@agents.example.com", sharedNotifications: sns });
    const viaHook = new AgentMailbox("via-hook", { email: "h@agents.example.com", sharedNotifications: hook });
    for (const m of [viaPubsub, viaSns, viaHook]) await settled(m);
    expect(child("via-pubsub", "AgentAccount")!.deps.some((d) => d.endsWith("::fleet-pubsub"))).toBe(true);
    expect(child("via-sns", "AgentAccount")!.deps.some((d) => d.endsWith("::fleet-sns"))).toBe(true);
    expect(await value(viaPubsub.webhookSecret)).toBeUndefined(); // a channel has no signing secret
    expect(await value(viaHook.webhookSecret)).toBe("secret-of-fleet-hook-2");
    expect(() => new AgentMailbox("twice", { email: "t@agents.example.com", sharedWebhook: hook, sharedNotifications: pubsub })).toThrow(
      "AgentMailbox twice: sharedWebhook and sharedNotifications are the same option; give one",
    );
    expect(() => new AgentMailbox("mixed", { email: "m@agents.example.com", sharedNotifications: pubsub, webhook: { url: "https://x.example.com/h" } })).toThrow(
      "AgentMailbox mixed: give either sharedNotifications (one destination for many mailboxes) or webhook (one of its own), not both",
    );
  });

  it("warns once, with the N² arithmetic, when more than PER_MAILBOX_WEBHOOKS_WARN_AT mailboxes have a webhook of their own", async () => {
    const { PER_MAILBOX_WEBHOOKS_WARN_AT } = await import("../../provider/components/agent-mailbox");
    const warn = jest.spyOn(pulumi.log, "warn").mockImplementation(async () => undefined);
    try {
      // "sales" above already has one; add enough to pass the threshold by two.
      const made = [];
      for (let i = 0; i < PER_MAILBOX_WEBHOOKS_WARN_AT + 1; i++) {
        made.push(new AgentMailbox(`own-${i}`, { email: `own-${i}@agents.example.com`, webhook: { url: `https://agent.example.com/hooks/${i}` } }));
      }
      await Promise.all(made.map(settled));
      const n = PER_MAILBOX_WEBHOOKS_WARN_AT + 1;
      const messages = warn.mock.calls.map((c) => String(c[0])).filter((m) => m.includes("webhook of their own"));
      expect(messages).toEqual([expect.stringContaining(`${n} mailboxes × ${n} webhooks = ${n * n} deliveries for ${n} messages`)]);
      expect(messages[0]).toContain("sharedWebhook");
    } finally {
      warn.mockRestore();
    }
  });

  it("refuses contradictory arguments with a message that says what to do", () => {
    expect(() => new AgentMailbox("a", { email: "a@agents.example.com", workspaceId: "ws", policy: {} })).toThrow(
      "AgentMailbox a: workspaceId joins an existing workspace; workspace, policy, policyId, rules and sharedRuleIds give the agent its own — use one or the other",
    );
    expect(() => new AgentMailbox("b", { email: "b@agents.example.com", policy: {}, policyId: "p" })).toThrow(
      "AgentMailbox b: give either policy (a new policy) or policyId (an existing one), not both",
    );
    expect(() => new AgentMailbox("c", undefined as never)).toThrow("AgentMailbox c: email is required");
  });
});
