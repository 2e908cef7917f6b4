import { CheckFailedError } from "../../provider/offline/engine";
import { useStack } from "../harness/stack";
import { expectDestroyedTwice, expectRecreatedAfterOutOfBandDelete } from "../harness/matrix";

/** AgentAccount.signatures: the signatures of one account, as a set keyed by name (Nylas Signatures). */
describe("AgentAccount signatures through the provider host", () => {
  const stack = useStack();

  const sigs = async (grant: string) => {
    const r = await stack.api("GET", `/v3/grants/${grant}/signatures?limit=50`);
    return (r.body.data as any[]).map((s) => ({ id: s.id, name: s.name, body: s.body }));
  };
  const writes = async () => (await stack.control.requests()).filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path.replace(/\/v3\/grants\/[^/]+/, "/v3/grants/G")}`);
  const hostOutput = () => stack.engine.host.output.join("");
  const work = { name: "Work", body: "<p>Sales Agent · Example Inc.</p>" };
  const short = { name: "Short", body: "<p>— S.</p>" };

  it("runs the acceptance matrix: create, no-op, update, replace, refresh, drift, out-of-band delete, delete twice", async () => {
    const email = "sig-matrix@agents.example.com";
    const inputs = { email, signatures: [work, short] };
    const made = await stack.engine.up("AgentAccount", "matrix", inputs);
    expect(made.op).toBe("create");
    const at = await sigs(made.id);
    expect(at.map(({ name, body }) => ({ name, body })).sort((a, b) => a.name.localeCompare(b.name))).toEqual([short, work]);
    expect(made.outputs.signatures).toEqual([short, work]); // a set: sorted by name
    expect(made.outputs.signatureIds).toEqual(Object.fromEntries(at.map((s) => [s.name, s.id])));

    await stack.control.clearRequests();
    expect((await stack.engine.up("AgentAccount", "matrix", { email, signatures: [short, work] })).op).toBe("same");
    expect(await stack.control.requests()).toEqual([]); // check + diff make no API calls

    // A body changes in place (same id); one is added; one removed (deleted at Nylas).
    const workId = (made.outputs.signatureIds as any).Work;
    const edited = { name: "Work", body: "<p>Sales Agent · Example Inc. · +1 555 0100</p>" };
    const personal = { name: "Personal", body: "<p>Best, the sales agent</p>" };
    await stack.control.clearRequests();
    const updated = await stack.engine.up("AgentAccount", "matrix", { email, signatures: [edited, personal] });
    expect(updated.op).toBe("update");
    expect(await writes()).toEqual([
      `DELETE /v3/grants/G/signatures/${(made.outputs.signatureIds as any).Short}`,
      "POST /v3/grants/G/signatures",
      `PUT /v3/grants/G/signatures/${workId}`,
    ]);
    expect((updated.outputs.signatureIds as any).Work).toBe(workId);
    expect((await sigs(made.id)).map((s) => s.name).sort()).toEqual(["Personal", "Work"]);
    const declared = { email, signatures: [edited, personal] };

    expect((await stack.engine.refresh("AgentAccount", "matrix")).op).toBe("same");

    // Edited and deleted by hand: refresh shows exactly that, up puts it back (the edited one keeps its id).
    const before = stack.engine.get("AgentAccount", "matrix")!.outputs;
    await stack.api("PUT", `/v3/grants/${made.id}/signatures/${workId}`, { body: "<p>hand-edited</p>" });
    await stack.api("DELETE", `/v3/grants/${made.id}/signatures/${(updated.outputs.signatureIds as any).Personal}`);
    const drift = await stack.engine.refresh("AgentAccount", "matrix");
    expect(drift.op).toBe("update");
    expect(drift.outputs!.signatures).toEqual([{ name: "Work", body: "<p>hand-edited</p>" }]);
    expect(Object.keys((drift.outputs!.signatureIds as any))).toEqual(["Work"]);
    expect(before.signatures).toEqual([personal, edited]);
    expect((await stack.engine.preview("AgentAccount", "matrix", declared)).op).toBe("update");
    expect((await stack.engine.up("AgentAccount", "matrix", declared)).op).toBe("update");
    const repaired = await sigs(made.id);
    expect(repaired.find((s) => s.name === "Work")).toEqual({ id: workId, ...edited });
    expect(repaired.map((s) => s.name).sort()).toEqual(["Personal", "Work"]);
    expect((await stack.engine.refresh("AgentAccount", "matrix")).op).toBe("same");

    // Renaming one replaces that signature (new id); the account is untouched.
    const renamed = await stack.engine.up("AgentAccount", "matrix", { email, signatures: [{ ...edited, name: "Office" }, personal] });
    expect(renamed.op).toBe("update");
    expect(renamed.id).toBe(made.id);
    expect(Object.keys((renamed.outputs.signatureIds as any)).sort()).toEqual(["Office", "Personal"]);
    expect((renamed.outputs.signatureIds as any).Office).not.toBe(workId);
    const final = { email, signatures: [{ ...edited, name: "Office" }, personal] };

    // A new email replaces the account, and its signatures come with it.
    const moved = await stack.engine.up("AgentAccount", "matrix", { ...final, email: "sig-matrix-2@agents.example.com" });
    expect(moved).toMatchObject({ op: "replace", replaces: ["email"] });
    expect((await sigs(moved.id)).map((s) => s.name).sort()).toEqual(["Office", "Personal"]);
    const onNew = { ...final, email: "sig-matrix-2@agents.example.com" };

    await expectRecreatedAfterOutOfBandDelete(stack.engine, "AgentAccount", "matrix", onNew, (id) => stack.api("DELETE", `/v3/grants/${id}`));
    const again = stack.engine.get("AgentAccount", "matrix")!;
    expect((await sigs(again.id)).map((s) => s.name).sort()).toEqual(["Office", "Personal"]);
    await expectDestroyedTwice(stack.engine, "AgentAccount", "matrix", async (id) => (await stack.api("GET", `/v3/grants/${id}`)).status === 200);
  });

  it("keeps a body Nylas sanitized without a diff, and says so once", async () => {
    const email = "sig-sanitized@agents.example.com";
    const unsafe = { name: "Fancy", body: '<p onclick="steal()">Hi</p><script>alert(1)</script>' };
    const made = await stack.engine.up("AgentAccount", "sanitized", { email, signatures: [unsafe] });
    const [stored] = await sigs(made.id);
    expect(stored.body).not.toContain("script");
    expect(made.outputs.signatures).toEqual([unsafe]);
    expect(hostOutput()).toContain(`Nylas sanitized signature "Fancy" of account ${made.id}`);
    await stack.control.clearRequests();
    expect((await stack.engine.up("AgentAccount", "sanitized", { email, signatures: [unsafe] })).op).toBe("same");
    expect((await stack.engine.refresh("AgentAccount", "sanitized")).op).toBe("same");
    expect(await writes()).toEqual([]);
    await stack.engine.destroy("AgentAccount", "sanitized");
  });

  it("adopts signatures of the declared names with the account, and leaves others alone", async () => {
    const email = "sig-adopt@agents.example.com";
    const g = (await stack.api("POST", "/v3/connect/custom", { provider: "nylas", settings: { email } })).body.data;
    const pre = (await stack.api("POST", `/v3/grants/${g.id}/signatures`, { name: "Work", body: "<p>old</p>" })).body.data;
    const other = (await stack.api("POST", `/v3/grants/${g.id}/signatures`, { name: "Someone else's", body: "<p>x</p>" })).body.data;
    // By id: the grants list may not show a grant this fresh yet (variance E7, the harsh profile).
    const made = await stack.engine.up("AgentAccount", "adopt", { email, adopt: g.id, signatures: [work] });
    expect(made.id).toBe(g.id);
    expect(made.outputs.signatureIds).toEqual({ Work: pre.id });
    expect(await sigs(g.id)).toEqual(expect.arrayContaining([{ id: pre.id, ...work }, { id: other.id, name: "Someone else's", body: "<p>x</p>" }]));
    expect((await stack.engine.refresh("AgentAccount", "adopt")).op).toBe("same");

    // Leaving the input out stops managing them: nothing is deleted, refresh no longer reads them.
    await stack.control.clearRequests();
    const dropped = await stack.engine.up("AgentAccount", "adopt", { email, adopt: g.id });
    expect(dropped.op).toBe("update");
    expect(await writes()).toEqual([]);
    expect(dropped.outputs.signatures).toBeUndefined();
    expect(dropped.outputs.signatureIds).toBeUndefined();
    expect((await sigs(g.id)).map((s) => s.id).sort()).toEqual([pre.id, other.id].sort());
    await stack.control.clearRequests();
    expect((await stack.engine.refresh("AgentAccount", "adopt")).op).toBe("same");
    expect((await stack.control.requests()).map((r) => `${r.method} ${r.path}`)).toEqual([`GET /v3/grants/${g.id}`]);
    await stack.engine.destroy("AgentAccount", "adopt");
  });

  it("refuses to pass 10 signatures per account, counting those made outside Pulumi, before writing anything", async () => {
    const email = "sig-cap@agents.example.com";
    const made = await stack.engine.up("AgentAccount", "cap", { email });
    for (let i = 0; i < 9; i++) await stack.api("POST", `/v3/grants/${made.id}/signatures`, { name: `hand-${i}`, body: "<p>x</p>" });
    await stack.control.clearRequests();
    const err = await stack.engine.up("AgentAccount", "cap", { email, signatures: [work, short] }).catch((e) => e);
    expect(err.message).toContain(
      `updating Nylas AgentAccount ${made.id}: account ${made.id} would have 11 signatures, and Nylas allows 10: 2 declared, and 9 made outside Pulumi ("hand-0", "hand-1",`,
    );
    expect(err.message).toContain("delete those or declare fewer");
    expect(await writes()).toEqual([]);
    expect(await sigs(made.id)).toHaveLength(9);
    await stack.engine.destroy("AgentAccount", "cap");
  });

  it("reads state written before signatures existed without a diff, and with one GET on refresh", async () => {
    const email = "sig-old-state@agents.example.com";
    const made = await stack.engine.up("AgentAccount", "old", { email, name: "Old" });
    // What an earlier version recorded: no signature outputs at all.
    const s = stack.engine.get("AgentAccount", "old")!;
    const { signatures: _a, signatureIds: _b, signatureHashes: _c, ...earlier } = s.outputs;
    stack.engine.state.set(s.urn, { ...s, outputs: earlier });
    await stack.control.clearRequests();
    expect((await stack.engine.preview("AgentAccount", "old", { email, name: "Old" })).op).toBe("same");
    expect((await stack.engine.refresh("AgentAccount", "old")).op).toBe("same");
    expect((await stack.control.requests()).map((r) => `${r.method} ${r.path}`)).toEqual([`GET /v3/grants/${made.id}`]);
    // Declaring signatures later is an in-place update.
    expect((await stack.engine.up("AgentAccount", "old", { email, name: "Old", signatures: [work] })).op).toBe("update");
    expect((await sigs(made.id)).map((x) => x.name)).toEqual(["Work"]);
    await stack.engine.destroy("AgentAccount", "old");
  });

  it("refuses bad signatures in check with zero API calls and one clear message each", async () => {
    await stack.control.clearRequests();
    const email = "sig-bad@agents.example.com";
    const failures = async (signatures: unknown) => ((await stack.engine.up("AgentAccount", "bad", { email, signatures }).catch((e) => e)) as CheckFailedError).failures;
    // (Keys in the message come back sorted: the value has crossed the engine's protobuf Struct.)
    const eleven = Array.from({ length: 11 }, (_, i) => ({ body: "<p>x</p>", name: `s${i}` }));
    expect(await failures(eleven)).toEqual([
      { property: "signatures", reason: `signatures = ${JSON.stringify(eleven).slice(0, 77)}…: must have at most 10 signatures: Nylas allows 10 per account` },
    ]);
    expect(await failures([work, { name: "Work", body: "<p>again</p>" }])).toEqual([
      { property: "signatures[1].name", reason: 'signatures[1].name = "Work": is also the name of signatures[0]: the provider tells an account\'s signatures apart by name, so each must be unique' },
    ]);
    const huge = `<p>${"x".repeat(100 * 1024)}</p>`;
    expect(await failures([{ name: "Huge", body: huge }])).toEqual([
      {
        property: "signatures[0].body",
        reason: `signatures[0].body = ${JSON.stringify(huge).slice(0, 77)}…: must be at most 100 KB (102400 bytes) of HTML, Nylas's limit; this one is 102407 bytes — host images at an https URL instead of embedding them`,
      },
    ]);
    expect(await failures([{ name: "Logo", body: '<img src="data:image/png;base64,AAAA">' }])).toEqual([
      { property: "signatures[0].body", reason: 'signatures[0].body = "<img src=\\"data:image/png;base64,AAAA\\">": must not embed images as data: URLs (Nylas refuses them); link an image hosted at an https URL' },
    ]);
    expect(await failures([{ name: "Empty", body: "  " }])).toEqual([
      { property: "signatures[0].body", reason: 'signatures[0].body = "  ": must not be empty: the signature\'s HTML, e.g. "<p>Sales Agent · Example Inc.</p>"' },
    ]);
    expect(await failures([{ name: "Work" }])).toEqual([{ property: "signatures[0].body", reason: "signatures[0].body = missing: must be the signature's HTML (a string)" }]);
    expect(await failures("Work")).toEqual([
      { property: "signatures", reason: 'signatures = "Work": must be a list of signatures {name, body} like [{ name: "Work", body: "<p>…</p>" }]' },
    ]);
    expect(await stack.control.requests()).toEqual([]);
  });
});
