import type { StepResult } from "../../../provider/offline/engine";
import { closingSteps, createStep, driftStep, matrix, noOpStep, refreshStep, type MatrixState } from "../../harness/matrix";
import type { Api } from "../../harness/stack";

/** Every item of a list as the emulator has it: {id, value}. */
export async function wireItems(api: Api, id: string): Promise<{ id: string; value: string }[]> {
  const out: { id: string; value: string }[] = [];
  let token = "";
  for (;;) {
    const page = (await api("GET", `/v3/lists/${id}/items?limit=200${token ? `&page_token=${token}` : ""}`)).body;
    out.push(...page.data);
    if (!page.next_cursor) return out;
    token = page.next_cursor;
  }
}

/** The item values of a list at Nylas, sorted. */
export const itemValues = async (api: Api, id: string) => (await wireItems(api, id)).map((i) => i.value).sort();

const wireList = async (api: Api, id: string) => (await api("GET", `/v3/lists/${id}`)).body.data;

interface State extends MatrixState {
  made?: StepResult;
}

const inputs = { name: "  matrix  ", description: "blocked senders", type: "domain", items: ["Spam.Example ", "phish.example", "spam.example"] };
const next = { name: "matrix-2", description: "blocked", type: "domain", items: ["spam.example", "junk.example"] };
const { description: _d, ...noDescription } = next;

export const listMatrix = matrix<State>({
  type: "List",
  name: "matrix",
  state: () => ({ declared: inputs }),
  steps: [
    createStep(inputs, { name: "matrix", description: "blocked senders", type: "domain", items: ["phish.example", "spam.example"], itemsCount: 2 }, async (t, made) => {
      expect(typeof made.outputs.createdAt).toBe("number");
      expect(await itemValues(t.api, made.id)).toEqual(["phish.example", "spam.example"]);
    }),
    // Same inputs, written differently (order, case, duplicates): no diff and no API call.
    noOpStep("the same items written differently: no change and no API call", () => ({ ...inputs, items: ["SPAM.example", "phish.example"] })),
    {
      name: "name, description and items update in place",
      needs: ["create"],
      async run(t) {
        const id = t.current().id;
        const updated = await t.up(next);
        expect(updated.op).toBe("update");
        expect(updated.id).toBe(id);
        expect(updated.outputs).toMatchObject({ name: "matrix-2", description: "blocked", items: ["junk.example", "spam.example"], itemsCount: 2 });
        expect(await wireList(t.api, id)).toMatchObject({ name: "matrix-2", description: "blocked", items_count: 2 });
        expect(await itemValues(t.api, id)).toEqual(["junk.example", "spam.example"]);
      },
    },
    refreshStep(),
    driftStep<State>({
      name: "renamed in the dashboard: refresh shows exactly that drift, up reverts it",
      edit: (t, id) => t.api("PUT", `/v3/lists/${id}`, { name: "renamed by hand" }),
      drifted: { name: "renamed by hand" },
      restored: async (t, id, before) => expect((await wireList(t.api, id)).name).toBe(before.name),
    }),
    {
      name: "removing the description clears it",
      needs: ["create"],
      async run(t) {
        const id = t.current().id;
        expect((await t.up(noDescription)).op).toBe("update");
        expect((await wireList(t.api, id)).description || undefined).toBeUndefined();
        expect((await t.up(noDescription)).op).toBe("same");
      },
    },
    ...closingSteps<State>({
      deleteOutOfBand: (t, id) => t.api("DELETE", `/v3/lists/${id}`),
      exists: async (t, id) => ((await t.api("GET", "/v3/lists?limit=200")).body.data as any[]).some((l) => l.id === id),
      recreated: async (t, again) => {
        expect((again.outputs.items as string[]).length).toBeGreaterThan(0);
        expect(await itemValues(t.api, again.id)).toEqual(again.outputs.items);
      },
    }),
  ],
});
