import { HostError } from "../../provider/offline/host";
import { runMatrix } from "../harness/matrix";
import { useStack } from "../harness/stack";
import { checkFailures } from "../harness/check";
import { itemValues, listMatrix, wireItems as itemsAt } from "./matrices/list";

describe("List through the provider host", () => {
  const stack = useStack();
  runMatrix(listMatrix, () => stack);

  const lists = async () => (await stack.api("GET", "/v3/lists?limit=200")).body.data as any[];
  const wireList = async (id: string) => (await stack.api("GET", `/v3/lists/${id}`)).body.data;
  const wireItems = (id: string) => itemsAt(stack.api, id);
  const values = (id: string) => itemValues(stack.api, id);
  const calls = async (method: string, path: RegExp) => (await stack.control.requests()).filter((r) => r.method === method && path.test(r.path));
  const checkFailure = (name: string, inputs: Record<string, unknown>) => checkFailures(stack, "List", inputs, name);

  it("shows items added by hand on refresh and removes them on the next up", async () => {
    const inputs = { name: "by-hand", type: "address", items: ["a@example.com", "b@example.com"] };
    const made = await stack.engine.up("List", "by-hand", inputs);
    await stack.api("POST", `/v3/lists/${made.id}/items`, { items: ["Intruder@Example.com"] });

    const drift = await stack.engine.refresh("List", "by-hand");
    expect(drift.op).toBe("update");
    expect(drift.outputs).toMatchObject({ items: ["a@example.com", "b@example.com", "intruder@example.com"], itemsCount: 3 });
    expect((await stack.engine.preview("List", "by-hand", inputs)).op).toBe("update");

    await stack.control.clearRequests();
    expect((await stack.engine.up("List", "by-hand", inputs)).op).toBe("update");
    expect(await calls("DELETE", /\/items$/)).toHaveLength(1);
    expect(await calls("POST", /\/items$/)).toHaveLength(0);
    expect(await calls("PUT", /^\/v3\/lists\//)).toHaveLength(0); // name and description did not change
    expect(await values(made.id)).toEqual(["a@example.com", "b@example.com"]);
    expect((await stack.engine.refresh("List", "by-hand")).op).toBe("same");
  });

  it("corrects drift in items even when the state still has the declared ones (no refresh)", async () => {
    const inputs = { name: "no-refresh", type: "tld", items: ["xyz", ".Top"] };
    const made = await stack.engine.up("List", "no-refresh", inputs);
    expect(made.outputs.items).toEqual(["top", "xyz"]);
    await stack.api("DELETE", `/v3/lists/${made.id}/items`, { items: ["xyz"] });
    await stack.api("POST", `/v3/lists/${made.id}/items`, { items: ["zip"] });
    // A declared change triggers the update; it reconciles against what Nylas has, not the state.
    expect((await stack.engine.up("List", "no-refresh", { ...inputs, items: ["xyz", "top", "click"] })).op).toBe("update");
    expect(await values(made.id)).toEqual(["click", "top", "xyz"]);
  });

  it("handles 5,000 items: 5 add batches of ≤1000, no diff afterwards, and an update sends only the difference", async () => {
    // This test is about batching; the harsh pass's two items a page would make each read of the list
    // 2,500 requests. Fifty still pages (100 pages a read); paging itself is the matrix's business.
    const variance = await stack.control.currentVariance();
    if (variance.switches.cursorPageSize !== null) await stack.control.variance({ switches: { cursorPageSize: 50 } });
    try {
      const items = Array.from({ length: 5000 }, (_, i) => `host-${String(i).padStart(4, "0")}.example`);
      await stack.control.clearRequests();
      const made = await stack.engine.up("List", "big", { name: "big", type: "domain", items });
      expect(made.outputs.itemsCount).toBe(5000);
      expect((made.outputs.items as string[]).length).toBe(5000);
      expect(await calls("POST", /^\/v3\/lists\/[^/]+\/items$/)).toHaveLength(5);
      expect(await calls("POST", /^\/v3\/lists$/)).toHaveLength(1);

      await stack.control.clearRequests();
      expect((await stack.engine.up("List", "big", { name: "big", type: "domain", items: [...items].reverse() })).op).toBe("same");
      expect(await stack.control.requests()).toEqual([]);

      const idsBefore = new Map((await wireItems(made.id)).map((i) => [i.value, i.id]));
      const next = [...items.slice(3), "new-1.example", "new-2.example"]; // drop 3, add 2
      await stack.control.clearRequests();
      const updated = await stack.engine.up("List", "big", { name: "big", type: "domain", items: next });
      expect(updated.op).toBe("update");
      expect(updated.outputs.itemsCount).toBe(4999);
      expect(await calls("POST", /\/items$/)).toHaveLength(1);
      expect(await calls("DELETE", /\/items$/)).toHaveLength(1);
      expect(await calls("DELETE", /^\/v3\/lists\/[^/]+$/)).toHaveLength(0); // never by replacing the list
      const after = await wireItems(made.id);
      expect(after.map((i) => i.value).sort()).toEqual([...next].sort());
      // The 4,997 kept items were not removed and re-added: same item ids.
      const kept = after.filter((i) => idsBefore.has(i.value));
      expect(kept).toHaveLength(4997);
      expect(kept.every((i) => idsBefore.get(i.value) === i.id)).toBe(true);

      expect((await stack.engine.refresh("List", "big")).op).toBe("same");
      await stack.engine.destroy("List", "big");
    } finally {
      await stack.control.variance({ switches: { cursorPageSize: variance.switches.cursorPageSize } });
    }
  });

  it("replaces on a type change, creating the new list before deleting the old one", async () => {
    const made = await stack.engine.up("List", "retype", { name: "retype", type: "domain", items: ["com.example"] });
    const preview = await stack.engine.preview("List", "retype", { name: "retype", type: "tld", items: ["com"] });
    expect(preview).toEqual({ op: "replace", replaces: ["type"] });

    await stack.control.clearRequests();
    const replaced = await stack.engine.up("List", "retype", { name: "retype", type: "tld", items: ["com"] });
    expect(replaced.op).toBe("replace");
    expect(replaced.replaces).toEqual(["type"]);
    expect(replaced.id).not.toBe(made.id);
    expect(replaced.outputs).toMatchObject({ name: "retype", type: "tld", items: ["com"] });
    const log = await stack.control.requests();
    const createdAt = log.findIndex((r) => r.method === "POST" && r.path === "/v3/lists");
    const deletedAt = log.findIndex((r) => r.method === "DELETE" && r.path === `/v3/lists/${made.id}`);
    expect(createdAt).toBeGreaterThanOrEqual(0);
    expect(deletedAt).toBeGreaterThan(createdAt); // not deleteBeforeReplace: list names need not be unique
    const named = (await lists()).filter((l) => l.name === "retype");
    expect(named.map((l) => [l.id, l.type])).toEqual([[replaced.id, "tld"]]);
  });

  it("records a list whose items failed to add (partial create), and the next up finishes it", async () => {
    const items = Array.from({ length: 2500 }, (_, i) => `user${i}@example.com`);
    // The first batch lands, the second is refused.
    await stack.control.faults([{ method: "POST", path: "^/v3/lists/[^/]+/items$", kind: "status", status: 400, after: 1, times: 1 }]);
    const err = await stack.engine.up("List", "partial", { name: "partial", type: "address", items }).then(() => undefined, (e) => e);
    await stack.control.clearFaults();
    expect(err).toBeInstanceOf(HostError);
    expect((err as HostError).message).toContain("was created, but adding its items failed after 1000 of 2500");

    const named = (await lists()).filter((l) => l.name === "partial");
    expect(named).toHaveLength(1);
    const recorded = stack.engine.get("List", "partial")!;
    expect(recorded.id).toBe(named[0].id);
    expect((recorded.outputs.items as string[]).length).toBe(1000);

    await stack.control.clearRequests();
    const finished = await stack.engine.up("List", "partial", { name: "partial", type: "address", items });
    expect(finished.op).toBe("update");
    expect(finished.id).toBe(named[0].id);
    expect(await calls("POST", /^\/v3\/lists$/)).toHaveLength(0);
    expect(await calls("POST", /\/items$/)).toHaveLength(2); // the 1,500 missing ones
    expect(await values(named[0].id)).toEqual([...items].sort());
  });

  it("records the list when 5xx on adding items outlasts the retries", async () => {
    await stack.control.faults([{ method: "POST", path: "^/v3/lists/[^/]+/items$", kind: "status", status: 500, times: 50 }]);
    const err = await stack.engine.up("List", "partial-5xx", { name: "partial-5xx", type: "domain", items: ["a.example"] }).then(() => undefined, (e) => e);
    await stack.control.clearFaults();
    expect(err).toBeInstanceOf(HostError);
    expect((err as HostError).message).toMatch(/was created, but adding its items failed after 0 of 1: POST \/v3\/lists\/.+\/items gave up after \d+ attempt/);
    const named = (await lists()).filter((l) => l.name === "partial-5xx");
    expect(named).toHaveLength(1);
    expect(stack.engine.get("List", "partial-5xx")!.id).toBe(named[0].id);
    expect((await stack.engine.up("List", "partial-5xx", { name: "partial-5xx", type: "domain", items: ["a.example"] })).op).toBe("update");
    expect(await values(named[0].id)).toEqual(["a.example"]);
  });

  it("adopts an existing list by id and by name + type, reconciling its items", async () => {
    const raw = (await stack.api("POST", "/v3/lists", { name: "pre-existing", type: "domain" })).body.data;
    await stack.api("POST", `/v3/lists/${raw.id}/items`, { items: ["old.example", "keep.example"] });
    const inputs = { name: "pre-existing", type: "domain", items: ["keep.example", "new.example"], adopt: raw.id };
    const byId = await stack.engine.up("List", "adopt-id", inputs);
    expect(byId.op).toBe("create");
    expect(byId.id).toBe(raw.id);
    expect(await values(raw.id)).toEqual(["keep.example", "new.example"]);
    expect((await stack.engine.up("List", "adopt-id", inputs)).op).toBe("same");

    const other = (await stack.api("POST", "/v3/lists", { name: "by-name", type: "tld" })).body.data;
    await stack.api("POST", "/v3/lists", { name: "by-name", type: "address" }); // same name, other type: not a match
    const byName = await stack.engine.up("List", "adopt-name", { name: "by-name", type: "tld", description: "adopted", adopt: true });
    expect(byName.id).toBe(other.id);
    expect((await wireList(other.id)).description).toBe("adopted");
    expect(byName.outputs.items).toBeUndefined(); // items not declared: not managed

    const missing = await stack.engine.up("List", "adopt-missing", { name: "nope", type: "domain", adopt: true }).then(() => undefined, (e) => e);
    expect(String(missing)).toContain('adopt: no existing Nylas List with name "nope" (type domain); remove adopt to create one');

    const a = (await stack.api("POST", "/v3/lists", { name: "twice", type: "domain" })).body.data;
    const b = (await stack.api("POST", "/v3/lists", { name: "twice", type: "domain" })).body.data;
    const twice = await stack.engine.up("List", "adopt-twice", { name: "twice", type: "domain", adopt: true }).then(() => undefined, (e) => e);
    expect(String(twice)).toContain(`several Nylas lists are named "twice" with type domain (${a.id}, ${b.id}); set adopt to the id of the one to manage`);

    const wrongType = await stack.engine.up("List", "adopt-type", { name: "x", type: "tld", adopt: raw.id }).then(() => undefined, (e) => e);
    expect(String(wrongType)).toContain(`List ${raw.id} has type "domain" but type "tld" is declared; a list's type cannot change`);
  });

  it("leaves items alone when items is not declared", async () => {
    const made = await stack.engine.up("List", "unmanaged", { name: "unmanaged", type: "domain" });
    expect(made.outputs).toMatchObject({ name: "unmanaged", type: "domain", itemsCount: 0 });
    expect(made.outputs.items).toBeUndefined();
    await stack.api("POST", `/v3/lists/${made.id}/items`, { items: ["by-hand.example"] });
    await stack.control.clearRequests();
    const refreshed = await stack.engine.refresh("List", "unmanaged");
    expect(refreshed.outputs).toMatchObject({ itemsCount: 1 });
    expect(refreshed.outputs!.items).toBeUndefined();
    expect(await calls("GET", /\/items$/)).toHaveLength(0); // not read when not managed
    expect((await stack.engine.up("List", "unmanaged", { name: "unmanaged", type: "domain" })).op).toBe("same");
    expect(await values(made.id)).toEqual(["by-hand.example"]);
  });

  it("refuses bad inputs in check with one clear message each and no API call", async () => {
    expect(await checkFailure("bad-domain", { name: "bad", type: "domain", items: ["ok.example", "not a domain"] })).toEqual([
      { property: "items[1]", reason: 'items[1] = "not a domain": must be a domain name like spam.example (this list\'s type is "domain")' },
    ]);
    expect(await checkFailure("bad-tld", { name: "bad", type: "tld", items: ["co.uk"] })).toEqual([
      { property: "items[0]", reason: 'items[0] = "co.uk": must be a top-level domain like xyz, without a dot (this list\'s type is "tld")' },
    ]);
    expect(await checkFailure("bad-address", { name: "bad", type: "address", items: ["spam.example"] })).toEqual([
      { property: "items[0]", reason: 'items[0] = "spam.example": must be an email address like someone@example.com (this list\'s type is "address")' },
    ]);
    const long = `${"a".repeat(495)}.example`;
    const [tooLong] = await checkFailure("too-long", { name: "bad", type: "domain", items: [long] });
    expect(tooLong.property).toBe("items[0]");
    expect(tooLong.reason).toMatch(/^items\[0\] = "a+…: must be at most 500 characters \(the API refuses longer items\)$/);
    expect(await checkFailure("bad-type", { name: "bad", type: "ip", items: ["1.2.3.4"] })).toEqual([
      { property: "type", reason: 'type = "ip": must be one of "domain", "tld", "address"' },
    ]);
    const many = await checkFailure("many-bad", { name: "bad", type: "address", items: Array.from({ length: 25 }, (_, i) => `nobody-${i}`) });
    expect(many).toHaveLength(11);
    expect(many[10].property).toBe("items");
    expect(many[10].reason).toMatch(/: 15 more items are not valid for type "address" either$/);
    expect(await checkFailure("no-name", { name: "  ", type: "domain" })).toEqual([{ property: "name", reason: 'name = "  ": must not be empty' }]);
    expect(await checkFailure("not-array", { name: "x", type: "domain", items: "spam.example" })).toEqual([
      { property: "items", reason: 'items = "spam.example": must be a list of strings' },
    ]);
    expect(await checkFailure("unknown-key", { name: "x", type: "domain", values: [] })).toEqual([
      { property: "values", reason: "values: unknown property; allowed: name, description, type, items" },
    ]);
  });
});
