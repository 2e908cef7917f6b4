import { secret } from "../../provider/offline/engine";
import { runMatrix } from "../harness/matrix";
import { useStack } from "../harness/stack";
import { refusesTheCatalog } from "../hardening/bad-input.suite";
import { agentAccountMatrix } from "../provider/matrices/agent-account";
import { domainMatrix } from "../provider/matrices/domain";
import { listMatrix } from "../provider/matrices/list";
import { policyMatrix } from "../provider/matrices/policy";
import { ruleMatrix } from "../provider/matrices/rule";
import { webhookMatrix } from "../provider/matrices/webhook";
import { workspaceMatrix } from "../provider/matrices/workspace";

/**
 * The dynamic resources' acceptance matrices (tests/provider/matrices/: the step tables themselves, not
 * copies) and bad-input catalogue through the native plugin — one plugin process and one emulator for
 * the file, started the way Pulumi's Node.js language host starts the plugin and driven over gRPC as
 * the engine drives it. Then what only the plugin does: the detailed diff `pulumi preview --diff`
 * shows (each property path, add/update/delete, which replace), and secrets it marks itself — for the
 * shared types and for those the matrices do not cover yet (Folder, channels, IAM).
 */
describe("through the native plugin", () => {
  const stack = useStack({ frontDoor: "plugin", receiver: true });

  for (const m of [policyMatrix, listMatrix, ruleMatrix, workspaceMatrix, webhookMatrix, domainMatrix, agentAccountMatrix]) {
    runMatrix(m as Parameters<typeof runMatrix>[0], () => stack);
  }

  refusesTheCatalog(stack);

  const noCalls = async <T>(fn: () => Promise<T>): Promise<T> => {
    await stack.control.clearRequests();
    const r = await fn();
    expect(await stack.control.requests()).toEqual([]);
    return r;
  };

  describe("detailed diff", () => {
    it("Policy: down to the changed limit, a removed block as DELETE — without an API call", async () => {
      const { engine } = stack;
      const inputs = { name: "dd", limits: { limitCountDailyEmailSent: 500, limitInboxRetentionPeriod: 90 }, spamDetection: { spamSensitivity: 1.5 } };
      const made = await engine.up("Policy", "dd", inputs);
      const next = { name: "dd", limits: { limitCountDailyEmailSent: 50, limitInboxRetentionPeriod: 90 } };
      expect(await noCalls(() => engine.diff("Policy", "dd", next))).toMatchObject({
        replaces: [],
        detailedDiff: { "limits.limitCountDailyEmailSent": "UPDATE", spamDetection: "DELETE" },
      });
      const r = await engine.up("Policy", "dd", next);
      expect(r).toMatchObject({ op: "update", id: made.id, diff: { detailedDiff: { "limits.limitCountDailyEmailSent": "UPDATE", spamDetection: "DELETE" } } });
      await engine.destroy("Policy", "dd");
    });

    it("List: a set element as an index, a type change as UPDATE_REPLACE (made before the old one is deleted)", async () => {
      const { engine } = stack;
      await engine.up("List", "dd", { name: "dd", type: "domain", items: ["phish.example", "spam.example"] });
      // Items are a sorted set: [phish, spam] → [junk, spam] changes one element.
      expect((await engine.diff("List", "dd", { name: "dd", type: "domain", items: ["spam.example", "junk.example"] }))!.detailedDiff).toEqual({ "items[0]": "UPDATE" });
      expect(await engine.diff("List", "dd", { name: "dd", type: "tld", items: ["xyz"] })).toMatchObject({
        replaces: ["type"],
        deleteBeforeReplace: false,
        detailedDiff: { type: "UPDATE_REPLACE" },
      });
      await engine.destroy("List", "dd");
    });

    it("AgentAccount: a new app password is an UPDATE of a secret input the plugin keeps secret; an email change replaces, old one first", async () => {
      const { engine } = stack;
      const inputs = { email: "dd@agents.example.com", appPassword: secret("Str0ngAppPassword-One") };
      await engine.up("AgentAccount", "dd", inputs);
      const s = engine.get("AgentAccount", "dd")!;
      expect(s.secretInputs).toContain("appPassword");
      expect(s.secretOutputs).toContain("appPasswordHash");
      expect(await engine.diff("AgentAccount", "dd", { ...inputs, appPassword: secret("An0ther-AppPassword-Two") })).toMatchObject({ replaces: [], detailedDiff: { appPassword: "UPDATE" } });
      expect(await engine.diff("AgentAccount", "dd", { ...inputs, email: "dd2@agents.example.com" })).toMatchObject({
        replaces: ["email"],
        deleteBeforeReplace: true,
        detailedDiff: { email: "UPDATE_REPLACE" },
      });
      await engine.destroy("AgentAccount", "dd");
    });
  });

  describe("the types without a shared matrix yet: create, no-op, detailed-diff update, refresh, destroy", () => {
    let grantId = "";
    beforeAll(async () => {
      grantId = (await stack.engine.up("AgentAccount", "types-grant", { email: "types@agents.example.com" })).id;
    });

    const lifecycle = async (type: string, inputs: Record<string, unknown>, next: Record<string, unknown>, detailedDiff: Record<string, string>, api: "api" | "iamApi", path: (id: string) => string) => {
      const { engine } = stack;
      const made = await engine.up(type, "types", inputs);
      expect(made.op).toBe("create");
      expect((await noCalls(() => engine.up(type, "types", inputs))).op).toBe("same");
      const updated = await engine.up(type, "types", next);
      expect(updated).toMatchObject({ op: "update", id: made.id, diff: { replaces: [], detailedDiff } });
      expect((await engine.refresh(type, "types")).op).toBe("same");
      await engine.destroy(type, "types");
      // Gone in either form Nylas answers for it (a channel's is a 400, variance N3).
      expect([400, 404]).toContain((await stack[api]("GET", path(made.id))).status);
      return made;
    };

    it("Folder: a rename in place", async () => {
      await lifecycle("Folder", { grantId, path: "Clients/Acme" }, { grantId, path: "Clients/Acme Corp" }, { path: "UPDATE" }, "api", (id) => `/v3/grants/${grantId}/folders/${id}`);
    });

    it("PubSubChannel and SnsChannel: new triggers in place", async () => {
      const pubsub = { topic: "projects/acme-agents/topics/plugin-types", triggerTypes: ["message.created"] };
      await lifecycle("PubSubChannel", pubsub, { ...pubsub, triggerTypes: ["grant.created", "message.created"] }, { triggerTypes: "UPDATE" }, "api", (id) => `/v3/channels/pubsub/${id}`);
      const sns = { topic: "arn:aws:sns:us-east-1:123456789012:plugin-types", roleArn: "arn:aws:iam::123456789012:role/nylas", triggerTypes: ["message.created"] };
      await lifecycle("SnsChannel", sns, { ...sns, description: "events" }, { description: "ADD" }, "api", (id) => `/v3/channels/sns/${id}`);
    });

    it("IamPrincipal and IamCredential: renamed in place; the credential's apiKey a secret output the plugin marks", async () => {
      const { engine } = stack;
      const principal = await engine.up("IamPrincipal", "types-principal", { name: "types agent", binding: { type: "grant", id: grantId }, directPermissions: ["messages.read"] });
      const credential = { principalId: principal.id, name: "types key" };
      const made = await engine.up("IamCredential", "types", credential);
      expect(made.outputs.apiKey).toEqual(expect.any(String));
      expect(engine.get("IamCredential", "types")!.secretOutputs).toEqual(["apiKey"]);
      await engine.destroy("IamCredential", "types");
      await lifecycle("IamCredential", credential, { ...credential, name: "types key 2" }, { name: "UPDATE" }, "iamApi", (id) => `/v3/iam/principals/${principal.id}/credentials/${id}`);
      await lifecycle(
        "IamPrincipal",
        { name: "types other", binding: { type: "grant", id: grantId } },
        { name: "types renamed", binding: { type: "grant", id: grantId } },
        { name: "UPDATE" },
        "iamApi",
        (id) => `/v3/iam/principals/${id}`,
      );
      await engine.destroy("IamPrincipal", "types-principal");
    });
  });
});
