import { secret } from "../../../provider/offline/engine";
import { closingSteps, matrix, noOpStep, type MatrixState, type StepContext } from "../../harness/matrix";

export const PW1 = "Str0ngAppPassword-One";
export const PW2 = "An0ther-AppPassword-Two";

interface State extends MatrixState {
  hash?: string;
}

const grant = async (t: StepContext<State>, id: string) => (await t.api("GET", `/v3/grants/${id}`)).body.data;
const grants = async (t: StepContext<State>) => (await t.api("GET", "/v3/grants?limit=200")).body.data as any[];
const loginWorks = async (t: StepContext<State>, id: string, password: string) => (await t.control.verifyAppPassword(id, password)).ok;
const paths = async (t: StepContext<State>) => (await t.control.requests()).map((r) => `${r.method} ${r.path}`);

export const agentAccountMatrix = matrix<State>({
  type: "AgentAccount",
  name: "matrix",
  state: () => ({ declared: {} }),
  steps: [
    {
      name: "create",
      async run(t) {
        const made = await t.up({ email: "  Matrix@Agents.Example.com ", name: "Matrix Agent", appPassword: secret(PW1) });
        expect(made.op).toBe("create");
        const { __provider, ...outputs } = made.outputs;
        // State of the dynamic door carries the serialized provider; the plugin's carries none.
        expect(typeof __provider).toBe(t.engine.frontDoor === "plugin" ? "undefined" : "string");
        expect(outputs).toEqual({
          email: "matrix@agents.example.com",
          name: "Matrix Agent",
          grantId: made.id,
          grantStatus: "valid",
          workspaceId: (await t.control.state()).default_workspace_id,
          createdAt: expect.any(Number),
          appPasswordHash: expect.stringMatching(/^scrypt\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/),
        });
        t.state.hash = outputs.appPasswordHash as string;
        expect(await loginWorks(t, made.id, PW1)).toBe(true);
      },
    },
    noOpStep(),
    {
      name: "renamed in place; a name-only PATCH leaves the password alone",
      needs: ["create"],
      async run(t) {
        const id = t.current().id;
        const renamed = await t.up({ ...t.state.declared, name: "Renamed" });
        expect(renamed).toMatchObject({ op: "update", id });
        expect((await grant(t, id)).name).toBe("Renamed");
        expect(await loginWorks(t, id, PW1)).toBe(true);
      },
    },
    {
      name: "a new app password in place: Nylas accepts the new one and refuses the old one",
      needs: ["create"],
      async run(t) {
        const id = t.current().id;
        await t.control.clearRequests();
        const rotated = await t.up({ ...t.state.declared, appPassword: secret(PW2) });
        expect(rotated).toMatchObject({ op: "update", id });
        expect(await paths(t)).toEqual([`PATCH /v3/grants/${id}`]);
        expect(await loginWorks(t, id, PW2)).toBe(true);
        expect(await loginWorks(t, id, PW1)).toBe(false);
        expect((await grant(t, id)).settings.email).toBe("matrix@agents.example.com"); // settings re-sent with the email
        expect(rotated.outputs.appPasswordHash).not.toBe(t.state.hash);
        expect((await t.up(t.state.declared)).op).toBe("same");
      },
    },
    {
      name: "password and name removed: Nylas cannot un-set either, so no diff",
      needs: ["create"],
      async run(t) {
        expect((await t.preview({ email: "matrix@agents.example.com" })).op).toBe("same");
      },
    },
    {
      name: "refresh: no drift",
      needs: ["create"],
      async run(t) {
        expect((await t.refresh()).op).toBe("same");
      },
    },
    {
      name: "renamed in the dashboard: refresh reports exactly that drift (never the password), up puts it back",
      needs: ["create"],
      async run(t) {
        const id = t.current().id;
        const before = t.current().outputs;
        await t.api("PATCH", `/v3/grants/${id}`, { name: "Drifted" });
        const drift = await t.refresh();
        expect(drift.op).toBe("update");
        expect(drift.outputs).toEqual({ ...before, name: "Drifted" });
        expect(drift.inputs).toMatchObject({ name: "Drifted" });
        // Never in plaintext: the dynamic host's refresh leaves the write-only password out; the plugin
        // keeps the one in state, as a secret.
        if (t.engine.frontDoor === "plugin") expect(t.current().secretInputs).toContain("appPassword");
        else expect(drift.inputs).not.toHaveProperty("appPassword");
        expect((await t.up(t.state.declared)).op).toBe("update");
        expect((await grant(t, id)).name).toBe(before.name);
      },
    },
    {
      name: "a new email replaces the account, deleting the old one first",
      needs: ["create"],
      async run(t) {
        const old = t.current().id;
        await t.control.clearRequests();
        const replaced = await t.up({ ...t.state.declared, email: "matrix2@agents.example.com" });
        expect(replaced.op).toBe("replace");
        expect(replaced.replaces).toEqual(["email"]);
        expect(replaced.id).not.toBe(old);
        const log = await paths(t);
        expect(log.indexOf(`DELETE /v3/grants/${old}`)).toBeGreaterThanOrEqual(0);
        expect(log.indexOf(`DELETE /v3/grants/${old}`)).toBeLessThan(log.indexOf("POST /v3/connect/custom"));
        const emails = (await grants(t)).map((g) => g.email);
        expect(emails).toContain("matrix2@agents.example.com");
        expect(emails).not.toContain("matrix@agents.example.com");
        const password = (t.state.declared.appPassword as { value: string }).value;
        expect(await loginWorks(t, replaced.id, password)).toBe(true);
      },
    },
    ...closingSteps<State>({
      deleteOutOfBand: (t, id) => t.api("DELETE", `/v3/grants/${id}`),
      exists: async (t, id) => (await grants(t)).some((g) => g.id === id),
    }),
  ],
});
