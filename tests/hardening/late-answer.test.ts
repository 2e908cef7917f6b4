import { startStack, type TestStack } from "../harness/stack";

/**
 * Nylas committed the create but answered after the client's timeout: the provider must find what was
 * made rather than create it again — for each natural key (name, email, URL, domain).
 */
describe("create committed, answer later than the request timeout", () => {
  let stack: TestStack;
  beforeAll(async () => {
    // undici's timeout clock is coarse (up to ~1 s late): answer well after it.
    stack = await startStack({ config: { "nylas:requestTimeoutMs": "500" } });
  });
  afterAll(() => stack.stop());

  const cases: { type: string; collection: string; list: string; inputs: Record<string, unknown>; key: (o: any) => boolean }[] = [
    { type: "Policy", collection: "/v3/policies", list: "/v3/policies?limit=200", inputs: { name: "late-policy" }, key: (o) => o.name === "late-policy" },
    { type: "List", collection: "/v3/lists", list: "/v3/lists?limit=200", inputs: { name: "late-list", type: "domain", items: ["a.example"] }, key: (o) => o.name === "late-list" },
    { type: "Workspace", collection: "/v3/workspaces", list: "/v3/workspaces", inputs: { name: "late", domain: "late.example.com" }, key: (o) => o.domain === "late.example.com" },
    { type: "AgentAccount", collection: "/v3/connect/custom", list: "/v3/grants?limit=200", inputs: { email: "late@agents.example.com" }, key: (o) => o.email === "late@agents.example.com" },
  ];

  for (const c of cases) {
    it(`${c.type}: adopts the object its timed-out create made; exactly one exists`, async () => {
      await stack.control.faults([{ method: "POST", path: `^${c.collection}$`, kind: "commit-then-latency", latencyMs: 2500, times: 1 }]);
      const r = await stack.engine.up(c.type, `late-${c.type}`, c.inputs);
      await stack.control.clearFaults();
      const all = ((await stack.api("GET", c.list)).body.data as any[]).filter(c.key);
      expect(all).toHaveLength(1);
      expect(r.op).toBe("create");
      expect(r.id).toBe(all[0].id ?? all[0].workspace_id);
      // The lost answer was a timeout, not a refusal: the provider said what it did.
      expect(stack.engine.host.output.join("")).toContain(`the create's answer was lost but the object was made (${r.id}); adopting it`);
    });
  }
});
