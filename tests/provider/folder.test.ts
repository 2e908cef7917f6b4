import { CheckFailedError } from "../../provider/offline/engine";
import { useStack } from "../harness/stack";
import { expectDestroyedTwice, expectRecreatedAfterOutOfBandDelete } from "../harness/matrix";

describe("Folder through the provider host", () => {
  const stack = useStack();
  let grantA: string;
  let grantB: string;
  beforeAll(async () => {
    grantA = (await stack.engine.up("AgentAccount", "folders-a", { email: "folders-a@agents.example.com" })).id;
    grantB = (await stack.engine.up("AgentAccount", "folders-b", { email: "folders-b@agents.example.com" })).id;
  });

  const folders = async (grant: string) => (await stack.api("GET", `/v3/grants/${grant}/folders?limit=200`)).body.data as any[];
  const custom = async (grant: string) => (await folders(grant)).filter((f) => !f.system_folder);
  const hostOutput = () => stack.engine.host.output.join("");

  it("runs the acceptance matrix: create, no-op, rename, replace, refresh, drift, out-of-band delete, delete twice", async () => {
    const inputs = { grantId: grantA, path: " Clients / Acme " };
    const made = await stack.engine.up("Folder", "matrix", inputs);
    expect(made.op).toBe("create");
    const { __provider: _p, ...outs } = made.outputs;
    expect(outs).toEqual({ grantId: grantA, path: "Clients/Acme", folderId: made.id, createdByProvider: true });
    expect(await custom(grantA)).toEqual([expect.objectContaining({ id: made.id, name: "Clients/Acme" })]);

    await stack.control.clearRequests();
    expect((await stack.engine.up("Folder", "matrix", inputs)).op).toBe("same");
    expect((await stack.engine.up("Folder", "matrix", { grantId: grantA, path: "Clients/Acme" })).op).toBe("same");
    expect(await stack.control.requests()).toEqual([]); // check + diff make no API calls

    // A rename is an update in place: same folder, its mail kept.
    await stack.control.injectMail({ from: "ceo@acme.example", to: "folders-a@agents.example.com", subject: "hello" });
    const [msg] = (await stack.api("GET", `/v3/grants/${grantA}/messages?limit=5`)).body.data;
    await stack.api("PUT", `/v3/grants/${grantA}/messages/${msg.id}`, { folders: [made.id] });
    const renamed = await stack.engine.up("Folder", "matrix", { grantId: grantA, path: "Clients/Acme Corp" });
    expect(renamed.op).toBe("update");
    expect(renamed.id).toBe(made.id);
    expect((await custom(grantA)).map((f) => f.name)).toEqual(["Clients/Acme Corp"]);
    const inFolder = (await stack.api("GET", `/v3/grants/${grantA}/messages?in=${made.id}`)).body.data;
    expect(inFolder.map((m: any) => m.id)).toEqual([msg.id]);
    const declared = { grantId: grantA, path: "Clients/Acme Corp" };

    expect((await stack.engine.refresh("Folder", "matrix")).op).toBe("same");

    // Renamed by hand: refresh shows exactly that, up puts it back.
    const before = stack.engine.get("Folder", "matrix")!.outputs;
    await stack.api("PUT", `/v3/grants/${grantA}/folders/${made.id}`, { name: "Hand-renamed" });
    const drift = await stack.engine.refresh("Folder", "matrix");
    expect(drift.op).toBe("update");
    expect(drift.outputs).toEqual({ ...before, path: "Hand-renamed" });
    expect((await stack.engine.preview("Folder", "matrix", declared)).op).toBe("update");
    expect((await stack.engine.up("Folder", "matrix", declared)).op).toBe("update");
    expect((await custom(grantA)).map((f) => f.name)).toEqual(["Clients/Acme Corp"]);

    // Another account: replaced (a folder belongs to one account); the new one is made, the old deleted.
    const moved = await stack.engine.up("Folder", "matrix", { grantId: grantB, path: "Clients/Acme Corp" });
    expect(moved).toMatchObject({ op: "replace", replaces: ["grantId"] });
    expect(await custom(grantA)).toEqual([]);
    expect((await custom(grantB)).map((f) => f.id)).toEqual([moved.id]);
    const onB = { grantId: grantB, path: "Clients/Acme Corp" };

    await expectRecreatedAfterOutOfBandDelete(stack.engine, "Folder", "matrix", onB, (id) => stack.api("DELETE", `/v3/grants/${grantB}/folders/${id}`));
    expect(stack.engine.get("Folder", "matrix")!.outputs.createdByProvider).toBe(true);
    await expectDestroyedTwice(stack.engine, "Folder", "matrix", async (id) => (await folders(grantB)).some((f) => f.id === id));
  });

  it("takes over a folder that already exists and leaves it (and its mail) on destroy", async () => {
    const pre = (await stack.api("POST", `/v3/grants/${grantA}/folders`, { name: "Invoices" })).body.data;
    await stack.control.clearRequests();
    const made = await stack.engine.up("Folder", "pre-existing", { grantId: grantA, path: "Invoices" });
    expect(made.id).toBe(pre.id);
    expect(made.outputs.createdByProvider).toBe(false);
    expect((await stack.control.requests()).filter((r) => r.method !== "GET")).toEqual([]); // nothing made
    expect(hostOutput()).toContain(`Nylas Folder "Invoices" already exists in account ${grantA} (${pre.id}); managing it as pre-existing`);
    expect((await stack.engine.up("Folder", "pre-existing", { grantId: grantA, path: "Invoices" })).op).toBe("same");
    await stack.engine.destroy("Folder", "pre-existing");
    expect((await custom(grantA)).map((f) => f.id)).toContain(pre.id);
    expect(hostOutput()).toContain(`Nylas Folder "Invoices" (${pre.id}) of account ${grantA} existed before Pulumi managed it; leaving it and its mail in place`);

    // Found by a path that differs only in case: taken over, and renamed to the declared path.
    const lower = await stack.engine.up("Folder", "case", { grantId: grantA, path: "INVOICES" });
    expect(lower).toMatchObject({ id: pre.id, outputs: { path: "INVOICES", createdByProvider: false } });
    expect((await custom(grantA)).find((f) => f.id === pre.id).name).toBe("INVOICES");
    await stack.engine.destroy("Folder", "case");
    await stack.api("DELETE", `/v3/grants/${grantA}/folders/${pre.id}`);
  });

  it("adopts by id and by path, never deleting what it adopted; refuses system folders", async () => {
    const raw = (await stack.api("POST", `/v3/grants/${grantB}/folders`, { name: "Adopt me" })).body.data;
    const byId = await stack.engine.up("Folder", "adopt-id", { grantId: grantB, path: "Adopted", adopt: raw.id });
    expect(byId).toMatchObject({ op: "create", id: raw.id, outputs: { path: "Adopted", createdByProvider: false } });
    expect((await custom(grantB)).find((f) => f.id === raw.id).name).toBe("Adopted");
    expect((await stack.engine.up("Folder", "adopt-id", { grantId: grantB, path: "Adopted", adopt: raw.id })).op).toBe("same");
    await stack.engine.destroy("Folder", "adopt-id");
    expect((await custom(grantB)).map((f) => f.id)).toContain(raw.id);

    const byPath = await stack.engine.up("Folder", "adopt-path", { grantId: grantB, path: "Adopted", adopt: true });
    expect(byPath).toMatchObject({ id: raw.id, outputs: { createdByProvider: false } });
    await stack.engine.destroy("Folder", "adopt-path");
    expect((await custom(grantB)).map((f) => f.id)).toContain(raw.id);
    await stack.api("DELETE", `/v3/grants/${grantB}/folders/${raw.id}`);

    const missing = await stack.engine.up("Folder", "adopt-missing", { grantId: grantB, path: "Nowhere", adopt: true }).catch((e) => e);
    expect(missing.message).toContain(`adopt: no existing Nylas Folder with path "Nowhere" of account ${grantB}; remove adopt to create one`);

    const inbox = (await folders(grantB)).find((f) => f.system_folder && f.name.toLowerCase() === "inbox");
    const system = await stack.engine.up("Folder", "adopt-inbox", { grantId: grantB, path: "Mail", adopt: inbox.id }).catch((e) => e);
    expect(system.message).toContain(`is a system folder: inbox, sent, drafts, trash, junk and archive are never managed`);
    expect((await folders(grantB)).filter((f) => f.system_folder)).toHaveLength(6);
  });

  it("finds a folder nested by parent_id by its full path", async () => {
    const parent = (await stack.api("POST", `/v3/grants/${grantA}/folders`, { name: "Vendors" })).body.data;
    const child = (await stack.api("POST", `/v3/grants/${grantA}/folders`, { name: "Globex", parent_id: parent.id })).body.data;
    const made = await stack.engine.up("Folder", "nested", { grantId: grantA, path: "Vendors/Globex" });
    expect(made).toMatchObject({ id: child.id, outputs: { path: "Vendors/Globex", parentId: parent.id, createdByProvider: false } });
    // Renamed within its parent (a leaf rename), not moved.
    expect((await stack.engine.up("Folder", "nested", { grantId: grantA, path: "Vendors/Globex Inc" })).op).toBe("update");
    expect((await custom(grantA)).find((f) => f.id === child.id)).toMatchObject({ name: "Globex Inc", parent_id: parent.id });
    expect((await stack.engine.refresh("Folder", "nested")).op).toBe("same");
    const move = await stack.engine.up("Folder", "nested", { grantId: grantA, path: "Elsewhere/Globex" }).catch((e) => e);
    expect(move.message).toContain(`is nested under folder ${parent.id}; it can be renamed within it ("Vendors/<name>"), not moved to "Elsewhere/Globex"`);
    await stack.engine.destroy("Folder", "nested");
    for (const id of [child.id, parent.id]) await stack.api("DELETE", `/v3/grants/${grantA}/folders/${id}`);
  });

  it("is gone with its account: refresh drops it, destroy succeeds", async () => {
    const acct = await stack.engine.up("AgentAccount", "short-lived", { email: "short-lived@agents.example.com" });
    await stack.engine.up("Folder", "orphan", { grantId: acct.id, path: "Temp" });
    await stack.api("DELETE", `/v3/grants/${acct.id}`);
    expect((await stack.engine.refresh("Folder", "orphan")).op).toBe("delete");
    await stack.engine.up("Folder", "orphan2", { grantId: grantA, path: "Temp2" });
    const state = stack.engine.get("Folder", "orphan2")!;
    await expect(stack.engine.host.delete(state.urn, state.id, { ...state.outputs, grantId: acct.id })).resolves.toBeUndefined();
    await stack.engine.destroy("Folder", "orphan2");
  });

  it("refuses bad paths in check with zero API calls and one clear message each", async () => {
    await stack.control.clearRequests();
    const failures = async (inputs: Record<string, unknown>) => ((await stack.engine.up("Folder", "bad", inputs).catch((e) => e)) as CheckFailedError).failures;
    expect(await failures({ grantId: grantA, path: "Inbox" })).toEqual([
      {
        property: "path",
        reason:
          'path = "Inbox": is a system folder: inbox, sent, drafts, trash, junk and archive exist on every account and are never created, renamed or deleted; rules file into them by name as they are',
      },
    ]);
    expect(await failures({ grantId: grantA, path: "Clients//Acme" })).toEqual([
      { property: "path", reason: 'path = "Clients//Acme": must be a folder name or path like "Invoices" or "Clients/Acme": no empty part, no leading or trailing "/"' },
    ]);
    expect(await failures({ grantId: grantA, path: "x".repeat(1025) })).toEqual([{ property: "path", reason: `path = "${"x".repeat(76)}…: must be at most 1024 characters` }]);
    expect(await failures({ path: "Invoices" })).toEqual([{ property: "grantId", reason: "grantId = missing: must be an AgentAccount's grantId (a string)" }]);
    expect(await failures({ grantId: grantA, path: "Invoices", name: "x" })).toEqual([{ property: "name", reason: "name: unknown property; allowed: grantId, path" }]);
    expect(await stack.control.requests()).toEqual([]);
  });
});
