import type { Api } from "../../harness/stack";
import { closingSteps, driftStep, matrix, noOpStep, refreshStep, type MatrixState } from "../../harness/matrix";

interface State extends MatrixState {
  policy?: string;
  rules?: [string, string];
}

/** A policy made with the raw API (the workspace only references it). */
export const rawPolicy = async (api: Api, name: string): Promise<string> => (await api("POST", "/v3/policies", { name })).body.data.id;

/** An inbound rule made with the raw API. */
export const rawRule = async (api: Api, name: string): Promise<string> => {
  const r = await api("POST", "/v3/rules", {
    name,
    trigger: "inbound",
    match: { conditions: [{ field: "from.domain", operator: "is", value: `${name}.spam.example` }] },
    actions: [{ type: "mark_as_spam" }],
  });
  if (r.status !== 201 && r.status !== 200) throw new Error(`rule setup failed: ${JSON.stringify(r.body)}`);
  return r.body.data.id;
};

const wire = async (api: Api, id: string) => (await api("GET", `/v3/workspaces/${id}`)).body.data;

export const workspaceMatrix = matrix<State>({
  type: "Workspace",
  name: "matrix",
  state: () => ({ declared: {} }),
  steps: [
    {
      name: "a policy and two rules to attach",
      async run(t) {
        t.state.policy = await rawPolicy(t.api, "ws-matrix");
        t.state.rules = [await rawRule(t.api, "ws-matrix-1"), await rawRule(t.api, "ws-matrix-2")];
      },
    },
    {
      name: "create",
      async run(t) {
        const [r1, r2] = t.state.rules!;
        const p1 = t.state.policy!;
        const made = await t.up({ name: "  Matrix  ", domain: " Matrix.Example.COM. ", policyId: p1, ruleIds: [r2, r1, r2] });
        expect(made.op).toBe("create");
        expect(made.outputs).toMatchObject({ name: "Matrix", domain: "matrix.example.com", autoGroup: false, policyId: p1, ruleIds: [r1, r2].sort() });
        expect(await wire(t.api, made.id)).toMatchObject({ workspace_id: made.id, domain: "matrix.example.com", policy_id: p1 });
      },
    },
    noOpStep(),
    noOpStep("the same rules in another order: no change and no API call", (s) => ({ ...s.declared, ruleIds: [...s.rules!] })),
    {
      name: "name and autoGroup update in place",
      needs: ["create"],
      async run(t) {
        const id = t.current().id;
        const updated = await t.up({ ...t.state.declared, name: "Renamed", autoGroup: true });
        expect(updated.op).toBe("update");
        expect(updated.id).toBe(id);
        expect(await wire(t.api, id)).toMatchObject({ name: "Renamed", auto_group: true, policy_id: t.state.policy });
      },
    },
    refreshStep(),
    driftStep<State>({
      name: "renamed and a rule detached in the dashboard: refresh shows exactly that, up puts it back",
      edit: (t, id) => t.api("PATCH", `/v3/workspaces/${id}`, { name: "Hand-edited", rule_ids: [t.state.rules![0]] }),
      drifted: (s) => ({ name: "Hand-edited", ruleIds: [s.rules![0]] }),
      restored: async (t, id, before) => expect(await wire(t.api, id)).toMatchObject({ name: before.name, rule_ids: expect.arrayContaining(t.state.rules!) }),
    }),
    driftStep<State>({
      name: "the policy detached in the dashboard: refresh sees it, up re-attaches it",
      edit: (t, id) => t.api("PATCH", `/v3/workspaces/${id}`, { policy_id: null }),
      check: (outputs) => expect(outputs.policyId).toBeUndefined(),
      restored: async (t, id) => expect((await wire(t.api, id)).policy_id).toBe(t.state.policy),
    }),
    ...closingSteps<State>({
      deleteOutOfBand: (t, id) => t.api("DELETE", `/v3/workspaces/${id}`),
      exists: async (t, id) => ((await t.api("GET", "/v3/workspaces")).body.data as any[]).some((w) => w.workspace_id === id),
    }),
  ],
});
