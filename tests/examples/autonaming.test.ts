import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { ROOT, opsOf, startExampleEnv, type ExampleEnv } from "./support";

/**
 * Issue 11 §3's program, as written (names left out), through the program runner against the emulator:
 * it type-checks against the installed package, deploys with the logical names, and a stack whose names
 * were explicit (as earlier versions required) sees no diff — also once the names equal to the logical
 * ones are dropped from the program.
 */

const FIXTURE = path.join(__dirname, "fixtures", "autonaming");

it("type-checks as written against the installed package", () => {
  const program = ts.createProgram([path.join(FIXTURE, "index.ts"), path.join(FIXTURE, "named.ts")], {
    ...ts.parseJsonConfigFileContent(ts.readConfigFile(path.join(ROOT, "examples", "tsconfig.json"), ts.sys.readFile).config, ts.sys, ROOT).options,
    noEmit: true,
  });
  const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  expect(problems).toEqual([]);
});

describe("the issue's program through the program runner", () => {
  // A Nylas application of its own per test: the program's workspace domain is one per application.
  let env: ExampleEnv;
  beforeEach(async () => {
    env = await startExampleEnv();
  });
  afterEach(() => env?.stop());

  it("deploys with the logical names; a second run changes nothing and calls no API", async () => {
    const first = await env.run({ program: path.join(FIXTURE, "index.ts"), stack: "dev", state: "autonamed.json" });
    expect(opsOf(first)).toEqual({ "nylas:Policy agents": "create", "nylas:List blocked": "create", "nylas:Workspace agents": "create" });
    const s = await env.state();
    expect(s.policies.find((p) => p.id === first.outputs.policyId)).toMatchObject({ name: "agents", limits: { limit_count_daily_email_sent: 500 } });
    expect(s.lists.find((l) => l.id === first.outputs.listId)).toMatchObject({ name: "blocked", type: "domain", items: ["spam.example"] });
    expect(s.workspaces.find((w) => w.workspace_id === first.outputs.workspaceId)).toMatchObject({
      name: "agents",
      domain: "agents.example.com",
      policy_id: first.outputs.policyId,
    });
    expect(first.outputs.policyName).toBe("agents");
    // In state the name is an input like any other: a later explicit `name: "agents"` is no change.
    const state = readFileSync(first.stateFile, "utf8");
    expect(JSON.parse(state).resources.map((r: any) => r.inputs.name)).toEqual(["agents", "blocked", "agents"]);

    await env.control.clearRequests();
    const again = await env.run({ program: path.join(FIXTURE, "index.ts"), stack: "dev", state: "autonamed.json" });
    expect(again.counts).toMatchObject({ same: 3, create: 0, update: 0, replace: 0, delete: 0 });
    expect(await env.control.requests()).toEqual([]);
  });

  it("a stack whose names were explicit sees no diff once the names equal to the logical ones are dropped", async () => {
    const named = await env.run({ program: path.join(FIXTURE, "named.ts"), stack: "prod", state: "named.json" });
    expect(named.counts.create).toBe(3);
    await env.control.clearRequests();
    const r = await env.run({ program: path.join(FIXTURE, "index.ts"), stack: "prod", state: "named.json" });
    expect(r.counts).toMatchObject({ same: 3, create: 0, update: 0, replace: 0, delete: 0 });
    expect(await env.control.requests()).toEqual([]);
  });
});
