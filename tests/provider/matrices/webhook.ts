import { closingSteps, matrix, noOpStep, type MatrixState, type StepContext } from "../../harness/matrix";

interface State extends MatrixState {
  secret?: string;
}

const url = (t: StepContext<State>, p: string) => `${t.receiver.url}/hooks/${p}`;
const webhook = async (t: StepContext<State>, id: string) => (await t.api("GET", `/v3/webhooks/${id}`)).body.data;
const paths = async (t: StepContext<State>) => (await t.control.requests()).map((r) => `${r.method} ${r.path}`);
const strip = ({ __provider, ...rest }: Record<string, unknown>) => rest;

export const webhookMatrix = matrix<State>({
  type: "Webhook",
  name: "matrix",
  state: () => ({ declared: {} }),
  steps: [
    {
      name: "create",
      async run(t) {
        const made = await t.up({
          webhookUrl: ` ${url(t, "matrix")} `,
          triggerTypes: ["message.created", "grant.created", "message.created"],
          description: "  inbound mail ",
          notificationEmailAddresses: ["Ops@Example.com", "dev@example.com", "ops@example.com"],
        });
        expect(made.op).toBe("create");
        expect(strip(made.outputs)).toEqual({
          webhookUrl: url(t, "matrix"),
          triggerTypes: ["grant.created", "message.created"],
          description: "inbound mail",
          notificationEmailAddresses: ["dev@example.com", "ops@example.com"],
          compressedDelivery: false,
          status: "active",
          deliveryStatus: "active",
          webhookSecret: expect.stringMatching(/^[0-9a-f]{64}$/),
          createdAt: expect.any(Number),
        });
        t.state.secret = made.outputs.webhookSecret as string;
        expect((await t.control.state()).webhooks.find((w: any) => w.id === made.id)!.webhook_secret).toBe(t.state.secret);
      },
    },
    noOpStep(),
    {
      name: "triggers and compression update in place with one PUT; the secret is kept",
      needs: ["create"],
      async run(t) {
        const id = t.current().id;
        await t.control.clearRequests();
        const updated = await t.up({ ...t.state.declared, triggerTypes: ["grant.created", "grant.deleted", "message.created"], compressedDelivery: true });
        expect(updated).toMatchObject({ op: "update", id });
        expect(await paths(t)).toEqual([`PUT /v3/webhooks/${id}`]);
        expect(updated.outputs).toMatchObject({ triggerTypes: ["grant.created", "grant.deleted", "message.created"], compressedDelivery: true, webhookSecret: t.state.secret });
      },
    },
    {
      name: "a new URL updates in place too (Nylas re-runs the challenge): nothing about a webhook replaces it",
      needs: ["create"],
      async run(t) {
        const id = t.current().id;
        const moved = await t.up({ ...t.state.declared, webhookUrl: url(t, "matrix-moved") });
        expect(moved).toMatchObject({ op: "update", id, replaces: [] });
        expect((await webhook(t, id)).webhook_url).toBe(url(t, "matrix-moved"));
        expect(moved.outputs.webhookSecret).toBe(t.state.secret);
      },
    },
    {
      name: "description and notification addresses removed: Nylas cannot clear them, so no diff",
      needs: ["create"],
      async run(t) {
        expect((await t.preview({ ...t.state.declared, description: undefined, notificationEmailAddresses: undefined })).op).toBe("same");
      },
    },
    {
      name: "refresh: no drift, and the secret (never returned by reads) kept from the create",
      needs: ["create"],
      async run(t) {
        const fresh = await t.refresh();
        expect(fresh.op).toBe("same");
        expect(fresh.outputs!.webhookSecret).toBe(t.state.secret);
      },
    },
    {
      name: "description edited in the dashboard: refresh shows exactly that, up puts it back with one PUT",
      needs: ["create"],
      async run(t) {
        const id = t.current().id;
        const before = t.current().outputs;
        await t.api("PUT", `/v3/webhooks/${id}`, { description: "edited by hand" });
        const drift = await t.refresh();
        expect(drift.op).toBe("update");
        expect(drift.outputs).toEqual({ ...before, description: "edited by hand" });
        await t.control.clearRequests();
        expect((await t.up(t.state.declared)).op).toBe("update");
        expect(await paths(t)).toEqual([`PUT /v3/webhooks/${id}`]);
        expect((await webhook(t, id)).description).toBe("inbound mail");
      },
    },
    {
      name: "paused in the dashboard while declared active: refresh sees it, up re-activates it",
      needs: ["create"],
      async run(t) {
        const id = t.current().id;
        await t.api("PUT", `/v3/webhooks/${id}`, { status: "pause" });
        expect((await t.refresh()).outputs).toMatchObject({ status: "pause", deliveryStatus: "pause" });
        expect((await t.up({ ...t.state.declared, status: "active" })).outputs).toMatchObject({ status: "active" });
        expect((await webhook(t, id)).status).toBe("active");
      },
    },
    ...closingSteps<State>({
      deleteOutOfBand: (t, id) => t.api("DELETE", `/v3/webhooks/${id}`),
      exists: async (t, id) => ((await t.api("GET", "/v3/webhooks")).body.data as any[]).some((w) => w.id === id),
      // A new object, so a new secret.
      recreated: async (t, again) => expect(again.outputs.webhookSecret).not.toBe(t.state.secret),
    }),
  ],
});
