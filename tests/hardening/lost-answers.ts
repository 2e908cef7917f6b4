import { secret, type Engine } from "../../provider/offline/engine";
import type { FaultRule, TestStack } from "../harness/stack";
import { named, outputSince, PW, ruleBody } from "./support";

/**
 * Fault 5, create committed and answer lost (ghosts), as one table: every resource (rows) under every way
 * an answer is lost (columns) must end with exactly one object, adopted, with a warning — never a
 * duplicate. Written once: faults.test.ts runs it on the dynamic-provider host, tests/plugin/faults.test.ts
 * through the native plugin. Everything in `world` is read only inside tests.
 */
export interface LostAnswerWorld {
  /** A stack started with a webhook receiver. */
  stack: TestStack;
  /** The provider host of the ordinary settings. */
  engine(): Engine;
  /** One whose request timeout ends a never-answered request (only the "answer later" way uses it). */
  timeouts(): Engine;
  /** An account for the Folder row (folders live in an account). */
  folderGrant(): string;
  /** Clears the request log and injects `rules`. */
  faults(rules: FaultRule[]): Promise<void>;
}

/** Longer than any test: the request is answered (if ever) only when the emulator closes. */
export const NEVER_MS = 600_000;

/**
 * Per resource: the create path, the lookup and update paths a lost answer's fault also hits, inputs,
 * how to find "its" objects in the emulator's state, and what else must hold for the adopted object.
 */
interface GhostCase {
  type: string;
  /** The row's name when one type has several rows. */
  label?: string;
  create: string;
  /** Path prefix of the lookups (list and get). */
  lookup: string;
  /** The update an adoption may send. */
  updateMethod: string;
  inputs(tag: string): Record<string, unknown>;
  mine(s: any, tag: string): any[];
  adopted?(made: { id: string; outputs: Record<string, unknown> }, obj: any): Promise<void>;
}
/** Ways a create's answer is lost after Nylas committed it, and the provider host that meets each. */
export const LOST_ANSWERS: ReadonlyArray<{ label: string; engine: "default" | "timeouts"; rules(c: Pick<GhostCase, "create" | "lookup" | "updateMethod">): FaultRule[] }> = [
  { label: "reset after commit", engine: "default", rules: (c) => [{ method: "POST", path: c.create, kind: "commit-then-reset", times: 1 }] },
  { label: "504 after commit", engine: "default", rules: (c) => [{ method: "POST", path: c.create, kind: "commit-then-status", status: 504, times: 1 }] },
  {
    // Committed, then no answer before the client's timeout: the provider never learns the outcome.
    label: "answer later than the request timeout",
    engine: "timeouts",
    rules: (c) => [{ method: "POST", path: c.create, kind: "commit-then-latency", latencyMs: NEVER_MS, times: 1 }],
  },
  {
    // A plain 503 first (nothing made), then a lost answer; the lookup itself fails once and the
    // adopting update is cut once — the provider still ends with exactly one object.
    label: "503, then reset after commit, a failing lookup and a cut update",
    engine: "default",
    rules: (c) => [
      { method: "POST", path: c.create, kind: "status", status: 503, times: 1 },
      { method: "POST", path: c.create, kind: "commit-then-reset", times: 1 },
      { method: "GET", path: `^${c.lookup}`, kind: "status", status: 503, times: 1, after: 1 },
      { method: c.updateMethod, path: `^${c.lookup}/[^/]+$`, kind: "reset", times: 1 },
    ],
  },
];


/**
 * The table as tests: each way in `only` (labels of {@link LOST_ANSWERS}; default every way) against
 * every row, plus a signature made with an account. Tags keep each way's index in the full list, so a
 * subset names its objects as the full table does.
 */
export function lostAnswerTable(world: LostAnswerWorld, only?: readonly string[]): void {
  const { stack, faults } = world;
  const state = () => stack.control.state();
  const hookUrl = (p: string) => `${stack.receiver.url}/faults/${p}`;
  const engineOf = (lost: (typeof LOST_ANSWERS)[number]) => (lost.engine === "timeouts" ? world.timeouts() : world.engine());
  for (const label of only ?? []) if (!LOST_ANSWERS.some((l) => l.label === label)) throw new Error(`no lost-answer way "${label}"`);
  const ways = LOST_ANSWERS.map((l, i) => [l.label, l, i] as const).filter(([label]) => !only || only.includes(label));

  const ghostCases: GhostCase[] = [
    {
      type: "AgentAccount",
      create: "^/v3/connect/custom$",
      lookup: "/v3/grants",
      updateMethod: "PATCH",
      inputs: (tag) => ({ email: `ghost-${tag}@agents.example.com`, name: "Ghost", appPassword: secret(PW) }),
      mine: (s, tag) => s.grants.filter((g: any) => g.email === `ghost-${tag}@agents.example.com`),
      // The adopting update sets the declared password: it logs in.
      adopted: async (made, obj) => {
        expect(obj.has_app_password).toBe(true);
        expect((await stack.control.verifyAppPassword(made.id, PW)).ok).toBe(true);
      },
    },
    {
      type: "List",
      create: "^/v3/lists$",
      lookup: "/v3/lists",
      updateMethod: "PUT",
      inputs: (tag) => ({ name: `ghost-${tag}`, type: "address", description: "d", items: ["a@spam.example"] }),
      mine: (s, tag) => named(s.lists, `ghost-${tag}`),
      adopted: async (_made, obj) => expect(obj.items).toEqual(["a@spam.example"]),
    },
    {
      type: "Policy",
      create: "^/v3/policies$",
      lookup: "/v3/policies",
      updateMethod: "PUT",
      inputs: (tag) => ({ name: `ghost-${tag}`, limits: { limitCountDailyEmailSent: 11 } }),
      mine: (s, tag) => named(s.policies, `ghost-${tag}`),
    },
    { type: "Rule", create: "^/v3/rules$", lookup: "/v3/rules", updateMethod: "PUT", inputs: (tag) => ruleBody(`ghost-${tag}`), mine: (s, tag) => named(s.rules, `ghost-${tag}`) },
    {
      type: "Workspace",
      create: "^/v3/workspaces$",
      lookup: "/v3/workspaces",
      updateMethod: "PATCH",
      inputs: (tag) => ({ name: `ghost-${tag}`, domain: `ghost-${tag}.example` }),
      mine: (s, tag) => s.workspaces.filter((w: any) => w.domain === `ghost-${tag}.example`),
    },
    {
      type: "Webhook",
      create: "^/v3/webhooks$",
      lookup: "/v3/webhooks",
      updateMethod: "PUT",
      inputs: (tag) => ({ webhookUrl: hookUrl(`ghost-${tag}`), triggerTypes: ["message.created"] }),
      mine: (s, tag) => s.webhooks.filter((w: any) => w.webhook_url === hookUrl(`ghost-${tag}`)),
      // The secret the lost answer carried is unknown: it was rotated, and state has the one Nylas signs with.
      adopted: async (made, obj) => expect(made.outputs.webhookSecret).toBe(obj.webhook_secret),
    },
    {
      type: "Domain",
      create: "^/v3/domains$",
      lookup: "/v3/domains",
      updateMethod: "PUT",
      inputs: (tag) => ({ name: `ghost-${tag}`, domainAddress: `ghost-${tag}.example` }),
      mine: (s, tag) => s.domains.filter((d: any) => d.domain_address === `ghost-${tag}.example`),
      adopted: async (made) => expect(made.outputs.dnsRecords).toHaveLength(5),
    },
    {
      type: "PubSubChannel",
      create: "^/v3/channels/pubsub$",
      lookup: "/v3/channels/pubsub",
      updateMethod: "PUT",
      inputs: (tag) => ({ topic: `projects/acme-agents/topics/ghost-${tag}`, triggerTypes: ["message.created"] }),
      mine: (s, tag) => s.channels.filter((c: any) => c.topic === `projects/acme-agents/topics/ghost-${tag}`),
    },
    {
      type: "SnsChannel",
      create: "^/v3/channels/sns$",
      lookup: "/v3/channels/sns",
      updateMethod: "PUT",
      inputs: (tag) => ({ topic: `arn:aws:sns:us-east-1:123456789012:ghost-${tag}`, roleArn: "arn:aws:iam::123456789012:role/nylas", triggerTypes: ["message.created"] }),
      mine: (s, tag) => s.channels.filter((c: any) => c.topic === `arn:aws:sns:us-east-1:123456789012:ghost-${tag}`),
    },
    {
      type: "IamPrincipal",
      create: "^/v3/iam/principals$",
      lookup: "/v3/iam/principals",
      updateMethod: "PATCH",
      inputs: (tag) => ({ name: `ghost-${tag}`, binding: { type: "organization" }, directPermissions: ["domains.read"] }),
      mine: (s, tag) => named(s.principals, `ghost-${tag}`),
    },
    {
      type: "Workspace",
      label: "Workspace (no domain)",
      create: "^/v3/workspaces$",
      lookup: "/v3/workspaces",
      updateMethod: "PATCH",
      inputs: (tag) => ({ name: `ghost-nodomain-${tag}` }),
      mine: (s, tag) => s.workspaces.filter((w: any) => w.name === `ghost-nodomain-${tag}`),
    },
    {
      type: "Folder",
      create: "^/v3/grants/[^/]+/folders$",
      lookup: "/v3/grants/[^/]+/folders",
      updateMethod: "PUT",
      inputs: (tag) => ({ grantId: world.folderGrant(), path: `Ghosts/${tag}` }),
      mine: (s, tag) => s.folders.filter((f: any) => f.grant_id === world.folderGrant() && f.name === `Ghosts/${tag}`),
      // The folder found after the lost answer is the provider's own: destroy deletes it (checked below).
      adopted: async (made) => expect(made.outputs.createdByProvider).toBe(true),
    },
  ];

  describe.each(ways)("5. %s", (_label, lost, i) => {
    it.each(ghostCases.map((c) => [c.label ?? c.type, c] as const))("adopts the %s that was made instead of making a second one", async (label, c) => {
      const e = engineOf(lost);
      const type = c.type;
      const tag = `g${i}`;
      const inputs = c.inputs(tag);
      const name = `ghost-${i}-${label.replace(/\W+/g, "-")}`;
      await faults(lost.rules(c));
      const mark = e.host.output.length;
      const made = await e.up(type, name, inputs);
      expect(made.op).toBe("create");
      const objs = c.mine(await state(), tag);
      expect(objs).toHaveLength(1);
      expect(objs[0].id ?? objs[0].workspace_id).toBe(made.id);
      expect(outputSince(e, mark)).toMatch(new RegExp(`warning: Nylas ${type} .*: the create's answer was lost but the object was made \\(${made.id}\\); adopting it`));
      await c.adopted?.(made, objs[0]);
      await stack.control.clearFaults();
      expect((await e.preview(type, name, inputs)).op).toBe("same");
      expect((await e.refresh(type, name)).op).toBe("same");
      await e.destroy(type, name);
      expect(c.mine(await state(), tag)).toEqual([]);
    });
  });

  describe.each(ways)("5. %s (a signature made with an account)", (_label, lost, i) => {
    it("adopts the signature that was made instead of making a second one", async () => {
      const engine = engineOf(lost);
      const email = `ghost-sig-${i}@agents.example.com`;
      const inputs = { email, signatures: [{ name: "Work", body: "<p>Ghost agent</p>" }, { name: "Short", body: "<p>G.</p>" }] };
      await faults(lost.rules({ create: "^/v3/grants/[^/]+/signatures$", lookup: "/v3/grants/[^/]+/signatures", updateMethod: "PUT" }));
      const mark = engine.host.output.length;
      const made = await engine.up("AgentAccount", `ghost-sig-${i}`, inputs);
      await stack.control.clearFaults();
      const mine = (await state()).signatures.filter((x: any) => x.grant_id === made.id);
      expect(mine.map((x: any) => x.name).sort()).toEqual(["Short", "Work"]);
      expect(made.outputs.signatureIds).toEqual(Object.fromEntries(mine.map((x: any) => [x.name, x.id])));
      expect(outputSince(engine, mark)).toMatch(/warning: creating signature "(Short|Work)" of Nylas AgentAccount .*: the create's answer was lost but the signature was made \(sig_\w+\); adopting it/);
      expect((await engine.preview("AgentAccount", `ghost-sig-${i}`, inputs)).op).toBe("same");
      expect((await engine.refresh("AgentAccount", `ghost-sig-${i}`)).op).toBe("same");
      await engine.destroy("AgentAccount", `ghost-sig-${i}`);
      expect((await state()).signatures.filter((x: any) => x.grant_id === made.id)).toEqual([]);
    });
  });
}
