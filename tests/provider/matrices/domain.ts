import type { RunningEmulator } from "../../../emulator";
import { canonicalJson, signRequest } from "../../../provider/client/signing";
import { closingSteps, driftStep, matrix, noOpStep, type MatrixState, type StepContext } from "../../harness/matrix";
import { bodyOf } from "../../harness/stack";

/** What a colleague does with the service account outside Pulumi: a signed call to /v3/admin/domains. */
export const signedApi =
  (emulator: RunningEmulator) =>
  async (method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> => {
    const text = body === undefined ? undefined : canonicalJson(body);
    const res = await fetch(`${emulator.url}${path}`, {
      method,
      headers: { ...signRequest(emulator.serviceAccount, method, path.split("?")[0], text), ...(text === undefined ? {} : { "content-type": "application/json" }) },
      body: text,
    });
    return { status: res.status, body: await bodyOf(res) };
  };

type State = MatrixState;

const signed = (t: StepContext<State>) => signedApi(t.emulator);
const wire = async (t: StepContext<State>, id: string) => (await signed(t)("GET", `/v3/admin/domains/${id}`)).body.data;
const writes = async (t: StepContext<State>) => (await t.control.requests()).filter((q) => q.method !== "GET").map((q) => `${q.method} ${q.path}`);

export const domainMatrix = matrix<State>({
  type: "Domain",
  name: "matrix",
  state: () => ({ declared: {} }),
  steps: [
    {
      name: "create",
      async run(t) {
        await t.control.clearRequests();
        const made = await t.up({ name: "  Matrix  ", domainAddress: " Mail.Matrix.EXAMPLE " });
        expect(made.op).toBe("create");
        expect(made.outputs).toMatchObject({
          name: "Matrix",
          domainAddress: "mail.matrix.example",
          region: "us",
          branded: false,
          verifiedOwnership: false,
          verifiedMx: false,
          verifiedSpf: false,
          verifiedDkim: false,
          verifiedFeedback: false,
          verifiedDmarc: false,
        });
        const records = made.outputs.dnsRecords as any[];
        expect(records.map((r) => r.type)).toEqual(["ownership", "mx", "spf", "dkim", "feedback"]);
        for (const r of records) {
          expect(r.host).toContain("mail.matrix.example");
          expect(r.recordType).toMatch(/^(TXT|MX|CNAME)$/);
          expect(r.value).not.toBe("");
        }
        expect(records.find((r) => r.type === "mx")).toMatchObject({ recordType: "MX", priority: 10 });
        // Every call went through the emulator's signature check.
        expect((await t.control.requests()).every((q) => q.status === 200)).toBe(true);
        expect(await writes(t)).toEqual(["POST /v3/admin/domains", ...Array(5).fill(`POST /v3/admin/domains/${made.id}/info`)]);
      },
    },
    noOpStep(),
    {
      name: "renamed in place",
      needs: ["create"],
      async run(t) {
        const id = t.current().id;
        const updated = await t.up({ ...t.state.declared, name: "Renamed" });
        expect(updated.op).toBe("update");
        expect(updated.id).toBe(id);
        expect((await wire(t, id)).name).toBe("Renamed");
      },
    },
    {
      name: "refresh is cheap: the records are known, so it reads the domain and nothing else",
      needs: ["create"],
      async run(t) {
        const id = t.current().id;
        await t.control.clearRequests();
        expect((await t.refresh()).op).toBe("same");
        expect((await t.control.requests()).map((q) => `${q.method} ${q.path}`)).toEqual([`GET /v3/admin/domains/${id}`]);
      },
    },
    driftStep<State>({
      name: "renamed outside Pulumi: refresh shows exactly that, up puts it back",
      edit: (t, id) => signed(t)("PUT", `/v3/admin/domains/${id}`, { name: "Hand-edited" }),
      drifted: { name: "Hand-edited" },
      restored: async (t, id, before) => expect((await wire(t, id)).name).toBe(before.name),
    }),
    ...closingSteps<State>({
      deleteOutOfBand: (t, id) => signed(t)("DELETE", `/v3/admin/domains/${id}`),
      exists: async (t, id) => ((await signed(t)("GET", "/v3/admin/domains?limit=200")).body.data as any[]).some((d) => d.id === id),
      recreated: async (_t, again) => expect(again.outputs.dnsRecords).toHaveLength(5),
    }),
  ],
});
