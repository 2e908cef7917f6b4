import { closingSteps, matrix, noOpStep, type MatrixState } from "../../harness/matrix";

interface State extends MatrixState {
  listA?: string;
  listB?: string;
}

const rules = async (t: { api: (m: string, p: string) => Promise<{ body: any }> }) => (await t.api("GET", "/v3/rules?limit=200")).body.data as any[];
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
    {
      name: "refresh after the update: no drift",
      async run(t) {
        expect((await t.refresh()).op).toBe("same");
      },
    },
    {
      name: "priority changed in the dashboard: refresh shows exactly that drift, up reverts it",
      needs: ["create"],
      async run(t) {
        const id = t.current().id;
        const declared = t.state.declared;
        const before = t.current().outputs;
        await t.api("PUT", `/v3/rules/${id}`, { priority: 900 });
        const drift = await t.refresh();
        expect(drift.op).toBe("update");
        expect(drift.outputs).toEqual({ ...before, priority: 900 });
        expect((await t.preview(declared)).op).toBe("update");
        expect((await t.up(declared)).op).toBe("update");
        expect((await wireRule(t, id)).priority).toBe(before.priority);
      },
    },
    {
      name: "an action added in the dashboard is seen and put back",
      needs: ["create"],
      async run(t) {
        const id = t.current().id;
        const declared = t.state.declared;
        const actions = t.current().outputs.actions as unknown[];
        await t.api("PUT", `/v3/rules/${id}`, { actions: [...actions, { type: "trash" }] });
        expect((await t.refresh()).outputs!.actions).toHaveLength(actions.length + 1);
        expect((await t.up(declared)).op).toBe("update");
        expect((await wireRule(t, id)).actions).toEqual(actions);
      },
    },
    ...closingSteps<State>({
      deleteOutOfBand: (t, id) => t.api("DELETE", `/v3/rules/${id}`),
      exists: async (t, id) => (await rules(t)).some((r) => r.id === id),
    }),
  ],
});
