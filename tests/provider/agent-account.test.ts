import { CheckFailedError, secret } from "../../provider/offline/engine";
import { runMatrix } from "../harness/matrix";
import { useStack } from "../harness/stack";
import { recordRegistrations } from "../harness/mocks";
import { agentAccountMatrix, PW1, PW2 } from "./matrices/agent-account";

describe("AgentAccount through the provider host", () => {
  const stack = useStack();

  const grants = async () => (await stack.api("GET", "/v3/grants?limit=200")).body.data as any[];
  const grant = async (id: string) => (await stack.api("GET", `/v3/grants/${id}`)).body.data;
  /** Would an IMAP/SMTP login with `password` succeed on grant `id`? */
  const loginWorks = async (id: string, password: string) => (await stack.control.verifyAppPassword(id, password)).ok;
  const paths = async () => (await stack.control.requests()).map((r) => `${r.method} ${r.path}`);

  it("makes sure the nylas connector exists, once per provider process", async () => {
    expect((await stack.control.state()).connectors).toEqual([]);
    await stack.control.clearRequests();
    await stack.engine.up("AgentAccount", "conn-a", { email: "conn-a@agents.example.com" });
    await stack.engine.up("AgentAccount", "conn-b", { email: "conn-b@agents.example.com" });
    expect((await paths()).filter((p) => p.includes("/v3/connectors"))).toEqual(["GET /v3/connectors", "POST /v3/connectors"]);
    expect((await stack.control.state()).connectors.map((c: any) => c.provider)).toEqual(["nylas"]);
    await stack.engine.destroy("AgentAccount", "conn-a");
    await stack.engine.destroy("AgentAccount", "conn-b");
  });

  it("recreates a connector deleted behind its back, tolerating an 'already exists' race", async () => {
    await stack.api("DELETE", "/v3/connectors/nylas");
    // The connector create commits but its answer is lost; the retry gets 409 "already exists".
    await stack.control.faults([{ method: "POST", path: "^/v3/connectors$", kind: "commit-then-status", status: 504, times: 1 }]);
    await stack.control.clearRequests();
    const r = await stack.engine.up("AgentAccount", "conn-c", { email: "conn-c@agents.example.com" });
    expect(r.op).toBe("create");
    const log = (await stack.control.requests()).filter((q) => !q.path.startsWith("/v3/grants"));
    expect(log.map((q) => `${q.method} ${q.path} ${q.status}`)).toEqual([
      "POST /v3/connect/custom 400", // the cached "connector exists" is stale
      "GET /v3/connectors 200",
      "POST /v3/connectors 504", // committed, answer lost
      "POST /v3/connectors 409", // the client's retry: already exists, which is fine
      "GET /v3/connectors 200",
      "POST /v3/connect/custom 201",
    ]);
    expect((await stack.control.state()).connectors.map((c: any) => c.provider)).toEqual(["nylas"]);
    await stack.engine.destroy("AgentAccount", "conn-c");
  });

  // After the connector tests: they start from an application without the nylas connector.
  runMatrix(agentAccountMatrix, () => stack);

  it("creates in a workspace and moves between workspaces with a grant update of workspace_id", async () => {
    const ws1 = (await stack.api("POST", "/v3/workspaces", { name: "ws one", domain: "one.example.com", auto_group: false })).body.data.workspace_id;
    const ws2 = (await stack.api("POST", "/v3/workspaces", { name: "ws two", domain: "two.example.com", auto_group: false })).body.data.workspace_id;
    const made = await stack.engine.up("AgentAccount", "mover", { email: "mover@agents.example.com", workspaceId: ws1 });
    expect(made.outputs.workspaceId).toBe(ws1);
    expect((await grant(made.id)).workspace_id).toBe(ws1);

    await stack.control.clearRequests();
    const moved = await stack.engine.up("AgentAccount", "mover", { email: "mover@agents.example.com", workspaceId: ws2 });
    expect(moved).toMatchObject({ op: "update", id: made.id });
    expect(moved.outputs.workspaceId).toBe(ws2);
    expect(await paths()).toEqual([`PATCH /v3/grants/${made.id}`]);
    expect((await grant(made.id)).workspace_id).toBe(ws2);

    // Removing workspaceId leaves the account where it is.
    expect((await stack.engine.up("AgentAccount", "mover", { email: "mover@agents.example.com" })).op).toBe("same");
    // Moved by hand: refresh sees it, up moves it back.
    await stack.api("POST", `/v3/workspaces/${ws1}/manual-assign`, { assign_grants: [made.id] });
    expect((await stack.engine.refresh("AgentAccount", "mover")).outputs!.workspaceId).toBe(ws1);
    expect((await stack.engine.up("AgentAccount", "mover", { email: "mover@agents.example.com", workspaceId: ws2 })).op).toBe("update");
    expect((await grant(made.id)).workspace_id).toBe(ws2);
    await stack.engine.destroy("AgentAccount", "mover");
  });

  it("refuses to take over an existing mailbox silently, and adopts it by id or by email when asked", async () => {
    const raw = (await stack.api("POST", "/v3/connect/custom", { provider: "nylas", settings: { email: "pre@agents.example.com" }, name: "Pre" })).body.data;

    const err = await stack.engine.up("AgentAccount", "pre-plain", { email: "pre@agents.example.com" }).catch((e) => e);
    expect(err.message).toContain(`an account for pre@agents.example.com already exists (grant ${raw.id}, provider "nylas"); set \`adopt: true\``);
    expect(stack.engine.get("AgentAccount", "pre-plain")).toBeUndefined();

    const byId = await stack.engine.up("AgentAccount", "pre-id", { email: "pre@agents.example.com", name: "Adopted", appPassword: secret(PW1), adopt: raw.id });
    expect(byId).toMatchObject({ op: "create", id: raw.id });
    expect((await grant(raw.id)).name).toBe("Adopted");
    expect(await loginWorks(raw.id, PW1)).toBe(true); // reconciled: the declared password is set
    expect((await stack.engine.up("AgentAccount", "pre-id", { email: "pre@agents.example.com", name: "Adopted", appPassword: secret(PW1), adopt: raw.id })).op).toBe("same");

    const raw2 = (await stack.api("POST", "/v3/connect/custom", { provider: "nylas", settings: { email: "find-me@agents.example.com" } })).body.data;
    const byEmail = await stack.engine.up("AgentAccount", "pre-email", { email: "Find-Me@agents.example.com", adopt: true });
    expect(byEmail.id).toBe(raw2.id);
    expect((await grants()).filter((g) => g.email === "find-me@agents.example.com")).toHaveLength(1);

    const wrong = await stack.engine.up("AgentAccount", "pre-wrong", { email: "other@agents.example.com", adopt: raw.id }).catch((e) => e);
    expect(wrong.message).toContain(`Agent Account ${raw.id} has email pre@agents.example.com, not other@agents.example.com`);

    const missing = await stack.engine.up("AgentAccount", "pre-missing", { email: "nobody@agents.example.com", adopt: true }).catch((e) => e);
    expect(missing.message).toContain("adopt: no existing Nylas AgentAccount with email nobody@agents.example.com; remove adopt to create one");
    await stack.engine.destroy("AgentAccount", "pre-id");
    await stack.engine.destroy("AgentAccount", "pre-email");
  });

  it("refuses bad input in check with zero API calls, naming each broken password rule but never the password", async () => {
    await stack.control.clearRequests();
    const cases: Array<[Record<string, unknown>, { property: string; reason: string }[]]> = [
      [
        { email: "short@agents.example.com", appPassword: "sh0rT" },
        [
          {
            property: "appPassword",
            reason:
              "appPassword = (secret, masked): must be 18–40 printable ASCII characters (codes 33–126, no spaces) with at least one upper-case letter, one lower-case letter and one digit; this one breaks: length must be 18–40 characters (too short)",
          },
        ],
      ],
      [
        { email: "rules@agents.example.com", appPassword: "all lower case and spaces" },
        [
          {
            property: "appPassword",
            reason:
              "appPassword = (secret, masked): must be 18–40 printable ASCII characters (codes 33–126, no spaces) with at least one upper-case letter, one lower-case letter and one digit; this one breaks: only printable ASCII characters 33–126 are allowed (no spaces, tabs, accents or emoji); needs at least one upper-case letter (A–Z); needs at least one digit (0–9)",
          },
        ],
      ],
      [
        { email: "long@agents.example.com", appPassword: "A1" + "x".repeat(40) },
        [
          {
            property: "appPassword",
            reason:
              "appPassword = (secret, masked): must be 18–40 printable ASCII characters (codes 33–126, no spaces) with at least one upper-case letter, one lower-case letter and one digit; this one breaks: length must be 18–40 characters (too long)",
          },
        ],
      ],
      [
        { email: "not an email" },
        [{ property: "email", reason: 'email = "not an email": must be an email address like agent@agents.example.com' }],
      ],
      [
        { email: "n@agents.example.com", name: "   " },
        [{ property: "name", reason: 'name = "   ": must not be empty' }],
      ],
      [
        { email: "w@agents.example.com", workspaceId: 42 },
        [{ property: "workspaceId", reason: "workspaceId = 42: must be the id of a workspace (a string)" }],
      ],
      [
        { email: "u@agents.example.com", policyId: "p" },
        [{ property: "policyId", reason: "policyId: unknown property; allowed: email, name, appPassword, workspaceId, signatures" }],
      ],
    ];
    for (const [inputs, failures] of cases) {
      const err = await stack.engine.up("AgentAccount", "bad", inputs).catch((e) => e);
      expect(err).toBeInstanceOf(CheckFailedError);
      expect(err.failures).toEqual(failures);
      if (typeof inputs.appPassword === "string") expect(err.message).not.toContain(inputs.appPassword);
    }
    expect(await stack.control.requests()).toEqual([]);
  });

  it("reports an unregistered email domain as one clear error at create", async () => {
    const err = await stack.engine.up("AgentAccount", "foreign", { email: "agent@unregistered.example.org" }).catch((e) => e);
    expect(err.message).toMatch(/^creating Nylas AgentAccount \(email agent@unregistered\.example\.org\): 400 .*the domain unregistered\.example\.org is not registered/);
    expect(stack.engine.get("AgentAccount", "foreign")).toBeUndefined();
    expect((await grants()).filter((g) => g.email === "agent@unregistered.example.org")).toEqual([]);
  });

  it("never puts the API key or an app password in state or in the serialized provider", async () => {
    await stack.engine.up("AgentAccount", "secrets", { email: "secrets@agents.example.com", name: "S", appPassword: secret(PW1) });
    await stack.engine.up("AgentAccount", "secrets", { email: "secrets@agents.example.com", name: "S", appPassword: secret(PW2) });
    await stack.engine.refresh("AgentAccount", "secrets");
    const s = stack.engine.get("AgentAccount", "secrets")!;
    expect(s.secretOutputs).toContain("appPasswordHash");
    const everything = [stack.engine.stateJson(), await stack.engine.providerText("AgentAccount"), JSON.stringify(s.outputs)].join("\n");
    for (const plain of [stack.emulator.apiKey, PW1, PW2]) expect(everything).not.toContain(plain);
    expect(stack.engine.host.output.join("")).not.toContain(PW2);
  });
});

describe("the AgentAccount class (Pulumi mocks)", () => {
  it("registers the fixed type token, stores appPassword as a secret even when given in plain text, and marks the hash secret", async () => {
    const { registered, requests } = await recordRegistrations((args) => ({ grantId: `${args.name}-id`, appPasswordHash: "scrypt$4096$s$h" }));
    const { AgentAccount } = await import("../../provider/resources/agent-account");
    const a = new AgentAccount("plain", { email: "plain@agents.example.com", appPassword: PW1 });
    await new Promise((r) => a.urn.apply(r));
    expect(requests.map((r) => r.getType())).toEqual(["pulumi-nodejs:dynamic/nylas:AgentAccount"]);
    expect(requests[0].getAdditionalsecretoutputsList()).toEqual(["appPasswordHash", "appPassword"]);
    // The secret envelope (sig 4dabf…): stored encrypted in state inputs.
    expect(registered[0].inputs.appPassword).toEqual({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: PW1 });
    expect(registered[0].inputs.__provider).not.toContain(PW1);
  });
});
