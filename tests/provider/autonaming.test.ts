import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import * as nylas from "../../provider";
import { check, type ResourceDefinition } from "../../provider/lifecycle";
import { definitions } from "../../provider/registry";
import { recordRegistrations } from "../harness/mocks";
import { useStack } from "../harness/stack";

/**
 * Issue 11 §3, the dynamic door: `name` may be left out wherever Nylas keeps a display name, and is then
 * the resource's logical name — the class fills in the definition's `autoName` input (resources/base.ts).
 * `adopt: true` still finds by name. And the rule the plugin's Check applies (lifecycle `autoNamed`).
 * The program itself, through the program runner: tests/examples/autonaming.test.ts.
 */

describe("autonaming in check (the rule every auto-named definition shares)", () => {
  const thing: ResourceDefinition<{ title: string; size?: number }, { title: string }> = {
    type: "Thing",
    autoName: "title",
    inputs: z.strictObject({
      title: z.string({ error: "must be a string" }).trim().min(1, { error: "must not be empty" }),
      size: z.number({ error: "must be a number" }).optional(),
    }),
    describe: (i) => `title "${i.title}"`,
    create: async () => ({ id: "x", outs: { title: "x" } }),
    read: async () => undefined,
    update: async (_c, _id, _o, n) => n,
    delete: async () => undefined,
  };
  const run = (news: Record<string, unknown>, opts?: Parameters<typeof check>[2]) => check(thing as never, news, opts);

  it("names nothing without a request; a name the program gives wins, and null is a mistake, not \"left out\"", () => {
    expect(run({}).failures).toEqual([{ property: "title", reason: "title = missing: must be a string" }]);
    const propose = { autonaming: { mode: "propose" as const, proposedName: "agents" } };
    expect(run({ title: " Mine " }, propose)).toEqual({ inputs: { title: "Mine" }, failures: [] });
    expect(run({ title: null }, propose).failures).toEqual([{ property: "title", reason: "title = null: must be a string" }]);
    // A definition that does not opt in is untouched.
    expect(check({ ...thing, autoName: undefined } as never, {}, propose).failures).toEqual([{ property: "title", reason: "title = missing: must be a string" }]);
  });

  it("honours the engine's request: propose and enforce name what is left out, disable asks for a name with one failure", () => {
    expect(run({}, { autonaming: { mode: "propose", proposedName: "dev-agents-1a2b" } }).inputs).toEqual({ title: "dev-agents-1a2b" });
    expect(run({}, { autonaming: { mode: "enforce", proposedName: "agents" } }).inputs).toEqual({ title: "agents" });
    expect(run({ title: "Mine" }, { autonaming: { mode: "enforce", proposedName: "agents" } }).inputs).toEqual({ title: "Mine" });
    expect(run({ size: "big" }, { autonaming: { mode: "disable" } }).failures).toEqual([
      { property: "title", reason: 'title = missing: automatic naming is disabled for this stack (pulumi:autonaming mode "disabled"), so title must be set' },
      { property: "size", reason: 'size = "big": must be a number' },
    ]);
    expect(run({ title: "Mine" }, { autonaming: { mode: "disable" } })).toEqual({ inputs: { title: "Mine" }, failures: [] });
  });

  it("keeps the value in state on an update, whatever is proposed (no rename churn)", () => {
    const olds = { title: "dev-agents-1a2b" };
    expect(run({}, { olds, autonaming: { mode: "propose", proposedName: "dev-agents-9f8e" } }).inputs).toEqual({ title: "dev-agents-1a2b" });
    expect(run({}, { olds, autonaming: { mode: "disable" } })).toEqual({ inputs: { title: "dev-agents-1a2b" }, failures: [] });
    expect(run({ title: "renamed" }, { olds, autonaming: { mode: "propose", proposedName: "x" } }).inputs).toEqual({ title: "renamed" });
  });

  it("is declared by exactly the resources Nylas keeps a display name for", () => {
    const named = Object.entries(definitions)
      .filter(([, d]) => d.autoName)
      .map(([t, d]) => `${t}.${d.autoName}`);
    expect(named.sort()).toEqual(["Domain.name", "IamCredential.name", "IamPrincipal.name", "List.name", "Policy.name", "Rule.name", "Workspace.name"]);
  });
});

describe("the classes fill the name in from the logical name (Pulumi mocks)", () => {
  it("registers the logical name where the program gave none, the program's name where it did, and nothing for other types", async () => {
    const { registered } = await recordRegistrations();
    const policy = new nylas.Policy("agents", { limits: { limitCountDailyEmailSent: 500 } });
    const resources: pulumi.CustomResource[] = [
      policy,
      new nylas.List("blocked", { type: "domain", items: ["spam.example"] }),
      new nylas.Rule("junk", { match: { conditions: [{ field: "from.tld", operator: "is", value: "xyz" }] }, actions: [{ type: "mark_as_spam" }] }),
      new nylas.Workspace("ws", { domain: "agents.example.com", policyId: policy.id }),
      new nylas.Domain("mail", { domainAddress: "mail.example.com" }),
      new nylas.Policy("explicit", { name: "Explicit name" }),
      new nylas.IamPrincipal("reader", { binding: { type: "organization" }, directPermissions: ["domains.read"] }),
      new nylas.IamCredential("reader-key", { principalId: "principal-1" }),
      // An AgentAccount's name is its From name, and a Webhook has none: never invented.
      new nylas.AgentAccount("sales", { email: "sales@agents.example.com" }),
      new nylas.Webhook("hook", { webhookUrl: "https://hooks.example.com/n", triggerTypes: ["message.created"] }),
    ];
    await Promise.all(resources.map((r) => new Promise((resolve) => r.id.apply(resolve))));
    const nameOf = Object.fromEntries(registered.map((r) => [r.name, r.inputs.name]));
    expect(nameOf).toEqual({ agents: "agents", blocked: "blocked", junk: "junk", ws: "ws", mail: "mail", explicit: "Explicit name", reader: "reader", "reader-key": "reader-key", sales: undefined, hook: undefined });
    expect(await new Promise<string>((resolve) => policy.name.apply(resolve))).toBe("agents");
  });
});

describe("autonamed resources through the dynamic-provider host", () => {
  const stack = useStack();

  it("names Rule and Domain by their logical names too, with no API call in check", async () => {
    const { engine } = stack;
    await stack.control.clearRequests();
    const rule = { match: { conditions: [{ field: "from.domain", operator: "is", value: "spam.example" }] }, actions: [{ type: "mark_as_spam" }] };
    expect(await engine.preview("Rule", "junk-spam", rule)).toEqual({ op: "create", replaces: [] });
    expect(await stack.control.requests()).toEqual([]);
    const made = await engine.up("Rule", "junk-spam", rule);
    expect(made.outputs.name).toBe("junk-spam");
    const domain = await engine.up("Domain", "mail", { domainAddress: "mail.autonamed.example" });
    expect(domain.outputs.name).toBe("mail");
    expect((await stack.domainsApi("GET", `/v3/domains/${domain.id}`)).body.data.name).toBe("mail");
    await engine.destroyAll();
  });

  it("renames in place to the logical name when an explicit name is removed (it is the default now)", async () => {
    const { engine } = stack;
    const made = await engine.up("Policy", "renamed", { name: "Explicit" });
    const r = await engine.up("Policy", "renamed", {});
    expect(r).toMatchObject({ op: "update", id: made.id });
    expect((await stack.api("GET", `/v3/policies/${made.id}`)).body.data.name).toBe("renamed");
    await engine.destroyAll();
  });

  it("adopt: true finds the object by the logical name when no name is given", async () => {
    const { engine } = stack;
    const existing = (await stack.api("POST", "/v3/policies", { name: "shared-limits" })).body.data;
    await stack.control.clearRequests();
    const adopted = await engine.up("Policy", "shared-limits", { adopt: true, limits: { limitCountDailyEmailSent: 300 } });
    expect(adopted).toMatchObject({ op: "create", id: existing.id });
    expect((await stack.control.requests()).filter((r) => r.method === "POST")).toEqual([]);
    const list = (await stack.api("POST", "/v3/lists", { name: "blocked", type: "domain" })).body.data;
    expect((await engine.up("List", "blocked", { adopt: true, type: "domain", items: ["spam.example"] })).id).toBe(list.id);
    await engine.destroyAll();
  });
});
