import type { StepResult } from "../../../provider/offline/engine";
import { closingSteps, createStep, driftStep, matrix, noOpStep, refreshStep, type MatrixState } from "../../harness/matrix";

interface State extends MatrixState {
  made?: StepResult;
}

const inputs = {
  name: "  matrix  ",
  limits: { limitCountDailyEmailSent: 500, limitAttachmentAllowedTypes: ["image/*", "Application/PDF", "image/*"] },
  spamDetection: { spamSensitivity: 1.5 },
};
const updated = { ...inputs, limits: { limitCountDailyEmailSent: 50 } };

const policies = async (t: { api: (m: string, p: string) => Promise<{ body: any }> }) => (await t.api("GET", "/v3/policies?limit=200")).body.data as any[];

export const policyMatrix = matrix<State>({
  type: "Policy",
  name: "matrix",
  state: () => ({ declared: inputs }),
  steps: [
    createStep(
      inputs,
      {
        name: "matrix",
        limits: { limitCountDailyEmailSent: 500, limitAttachmentAllowedTypes: ["application/pdf", "image/*"] },
        spamDetection: { spamSensitivity: 1.5 },
      },
      (_t, made) => {
        // Nylas fills the limits we did not set; they are reported but not managed.
        expect(Object.keys(made.outputs.effectiveLimits as object).length).toBeGreaterThan(2);
      },
    ),
    noOpStep(),
    {
      name: "a changed limit updates in place",
      needs: ["create"],
      async run(t) {
        const r = await t.up(updated);
        expect(r.op).toBe("update");
        expect(r.id).toBe(t.state.made!.id);
        expect((await t.api("GET", `/v3/policies/${r.id}`)).body.data.limits.limit_count_daily_email_sent).toBe(50);
      },
    },
    refreshStep(),
    driftStep<State>({
      name: "a limit changed in the dashboard: refresh shows exactly that drift, up reverts it",
      edit: (t, id) => t.api("PUT", `/v3/policies/${id}`, { limits: { limit_count_daily_email_sent: 9 } }),
      // The effective limits change with it: only the managed block is compared.
      check: (outputs) => expect(outputs.limits).toEqual({ limitCountDailyEmailSent: 9 }),
      restored: async (t, id, before) =>
        expect((await t.api("GET", `/v3/policies/${id}`)).body.data.limits.limit_count_daily_email_sent).toBe((before.limits as any).limitCountDailyEmailSent),
    }),
    ...closingSteps<State>({
      deleteOutOfBand: (t, id) => t.api("DELETE", `/v3/policies/${id}`),
      exists: async (t, id) => (await policies(t)).some((p) => p.id === id),
    }),
  ],
});
