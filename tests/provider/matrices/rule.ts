import { closingSteps, driftStep, matrix, noOpStep, refreshStep, type MatrixState } from "../../harness/matrix";

interface State extends MatrixState {
  listA?: string;
  listB?: string;
}

// GET /v3/rules answers {data: {items}} (items null when there are none); the older config can make it flat.
const rules = async (t: { api: (m: string, p: string) => Promise<{ body: any }> }) => {
  const data = (await t.api("GET", "/v3/rules?limit=200")).body.data;
  return (Array.isArray(data) ? data : (data.items ?? [])) as any[];
};
const wireRule = async (t: { api: (m: string, p: string) => Promise<{ body: any }> }, id: string) => (await t.api("GET", `/v3/rules/${id}`)).body.data;

const created = (listA: string) => ({
  name: "block listed",
  description: "listed senders",
  match: { conditions: [{ field: "from.domain", operator: "in_list", value: [listA] }] },
  actions: [{ type: "block" }],
});
const next = (listA: string, listB: string) => ({
  name: "sort listed",
  priority: 5,
  enabled: false,
  trigger: "outbound",
  match: {
    operator: "any",
    conditions: [
      { field: "recipient.domain", operator: "in_list", value: [listB, listA] },
      { field: "outbound.type", operator: "is", value: "Reply" },
    ],
  },
  actions: [{ type: "move_to_folder", value: "Clients/Acme" }, { type: "mark_as_read" }],
});
/** `next` as Nylas (and the outputs) have it: ids sorted, values lower-cased, move_to_folder renamed. */
const nextAsStored = (listA: string, listB: string) => ({
  name: "sort listed",
  priority: 5,
  enabled: false,
  trigger: "outbound",
  match: {
    operator: "any",
    conditions: [
      { field: "recipient.domain", operator: "in_list", value: [listA, listB].sort() },
      { field: "outbound.type", operator: "is", value: "reply" },
    ],
  },
  actions: [{ type: "assign_to_folder", value: "Clients/Acme" }, { type: "mark_as_read" }],
});

export const ruleMatrix = matrix<State>({
  type: "Rule",
  name: "matrix",
  state: () => ({ declared: {} }),
  steps: [
    {
      name: "two Lists to reference, made through the engine as a program would",
      async run(t) {
        t.state.listA = (await t.engine.up("List", "matrix-rule-a", { name: "matrix-rule-a", type: "domain", items: ["spam.example"] })).id;
        t.state.listB = (await t.engine.up("List", "matrix-rule-b", { name: "matrix-rule-b", type: "domain", items: ["phish.example"] })).id;
      },
    },
    {
      name: "create",
      async run(t) {
        const listA = t.state.listA!;
        const made = await t.up(created(listA));
        expect(made.op).toBe("create");
        expect(made.outputs).toMatchObject({
          name: "block listed",
          description: "listed senders",
          priority: 10, // Nylas's defaults, reported but not managed
          enabled: true,
          trigger: "inbound",
          match: { operator: "all", conditions: [{ field: "from.domain", operator: "in_list", value: [listA] }] },
          actions: [{ type: "block" }],
        });
        expect(await wireRule(t, made.id)).toMatchObject({ name: "block listed", match: { conditions: [{ value: [listA] }] }, actions: [{ type: "block" }] });
      },
    },
    noOpStep(),
    {
      name: "every field updates in place, nested objects sent whole; a removed description is cleared",
      needs: ["create"],
      async run(t) {
        const { listA, listB } = t.state as Required<State>;
        const id = t.current().id;
        const updated = await t.up(next(listA, listB));
        expect(updated.op).toBe("update");
        expect(updated.id).toBe(id);
        expect(updated.outputs).toMatchObject(nextAsStored(listA, listB));
        expect(updated.outputs.description).toBeUndefined();
        expect(await wireRule(t, id)).toMatchObject({ ...nextAsStored(listA, listB), description: "" });
      },
    },
    refreshStep(),
    driftStep<State>({
      name: "priority changed in the dashboard: refresh shows exactly that drift, up reverts it",
      edit: (t, id) => t.api("PUT", `/v3/rules/${id}`, { priority: 900 }),
      drifted: { priority: 900 },
      restored: async (t, id, before) => expect((await wireRule(t, id)).priority).toBe(before.priority),
    }),
    driftStep<State>({
      name: "an action added in the dashboard (a nested change) is seen and put back",
      edit: async (t, id) => t.api("PUT", `/v3/rules/${id}`, { actions: [...(t.current().outputs.actions as unknown[]), { type: "trash" }] }),
      check: (outputs, before) => expect(outputs.actions).toEqual([...(before.actions as unknown[]), { type: "trash" }]),
      restored: async (t, id, before) => expect((await wireRule(t, id)).actions).toEqual(before.actions),
    }),
    ...closingSteps<State>({
      deleteOutOfBand: (t, id) => t.api("DELETE", `/v3/rules/${id}`),
      exists: async (t, id) => (await rules(t)).some((r) => r.id === id),
    }),
  ],
});
