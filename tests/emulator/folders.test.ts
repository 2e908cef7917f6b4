/** Folders: system folders, custom folders (paths and parent_id), rule filing by name/path, listing by folder. */
import { createAccount, useHarness } from "./helpers";

const h = useHarness();
let g: any;
beforeEach(async () => {
  g = await createAccount(h, "filer@agents.example.com");
});

const folders = (grant = g.id, q = "") => h.api("GET", `/v3/grants/${grant}/folders${q}`);
const mkFolder = (body: unknown, grant = g.id) => h.api("POST", `/v3/grants/${grant}/folders`, body);
const inbound = (from: string, to: string, subject = "hello") =>
  h.ctl("POST", "/inbound", { from, to, subject, body: "<p>hi</p>" });

/** A workspace holding the account with one inbound rule. */
async function ruleFor(actions: unknown[], from = "acme.example") {
  const rule = await h.api("POST", "/v3/rules", {
    name: "file",
    match: { conditions: [{ field: "from.domain", operator: "is", value: from }] },
    actions,
  });
  expect(rule.status).toBe(201);
  const ws = await h.api("POST", "/v3/workspaces", { name: "filing", rule_ids: [rule.body.data.id] });
  expect(ws.status).toBe(200);
  await h.api("PATCH", `/v3/grants/${g.id}`, { workspace_id: ws.body.data.workspace_id });
  return rule.body.data.id as string;
}

test("every account has the six system folders; they cannot be renamed or deleted", async () => {
  const r = await folders();
  expect(r.status).toBe(200);
  expect(r.body.data.map((f: any) => [f.id, f.name, f.attributes, f.system_folder])).toEqual([
    ["inbox", "Inbox", ["\\Inbox"], true],
    ["sent", "Sent", ["\\Sent"], true],
    ["drafts", "Drafts", ["\\Drafts"], true],
    ["trash", "Trash", ["\\Trash"], true],
    ["junk", "Junk", ["\\Junk"], true],
    ["archive", "Archive", ["\\Archive"], true],
  ]);
  expect(r.body.data[0]).toMatchObject({ object: "folder", grant_id: g.id, total_count: 0, unread_count: 0 });
  expect((await h.api("GET", `/v3/grants/${g.id}/folders/junk`)).body.data.name).toBe("Junk");
  const rename = await h.api("PUT", `/v3/grants/${g.id}/folders/inbox`, { name: "Other" });
  expect(rename.status).toBe(400);
  expect(rename.body.error.message).toMatch(/system folder/);
  expect((await h.api("DELETE", `/v3/grants/${g.id}/folders/archive`)).status).toBe(400);
});

test("custom folder CRUD: 200 on create, reserved names refused, duplicates refused, rename, delete", async () => {
  const made = await mkFolder({ name: "Invoices" });
  expect(made.status).toBe(200);
  const f = made.body.data;
  expect(f).toMatchObject({ object: "folder", grant_id: g.id, name: "Invoices", system_folder: false, attributes: [], total_count: 0 });
  expect(typeof f.id).toBe("string");
  for (const reserved of ["inbox", "Junk", "ARCHIVE", "Sent"]) {
    const r = await mkFolder({ name: reserved });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/reserved/);
  }
  for (const bad of [{}, { name: "" }, { name: "a//b" }, { name: "/lead" }, { name: "x".repeat(1025) }, { name: 7 }])
    expect((await mkFolder(bad)).status).toBe(400);
  const dup = await mkFolder({ name: "invoices" });
  expect(dup.status).toBe(400);
  expect(dup.body.error.message).toMatch(/already exists/);

  const renamed = await h.api("PUT", `/v3/grants/${g.id}/folders/${f.id}`, { name: "Bills" });
  expect(renamed.status).toBe(200);
  expect(renamed.body.data).toMatchObject({ id: f.id, name: "Bills" });
  expect((await h.api("PUT", `/v3/grants/${g.id}/folders/${f.id}`, { name: "Trash" })).status).toBe(400);
  expect((await h.api("GET", `/v3/grants/${g.id}/folders/${f.id}`)).body.data.name).toBe("Bills");

  const other = await createAccount(h, "other@agents.example.com");
  expect((await h.api("GET", `/v3/grants/${other.id}/folders/${f.id}`)).status).toBe(404);
  expect((await mkFolder({ name: "Bills" }, other.id)).status).toBe(200); // names are per account

  expect((await h.api("DELETE", `/v3/grants/${g.id}/folders/${f.id}`)).status).toBe(200);
  expect((await h.api("GET", `/v3/grants/${g.id}/folders/${f.id}`)).status).toBe(404);
  expect((await h.api("DELETE", `/v3/grants/${g.id}/folders/${f.id}`)).status).toBe(404);
});

test("nested folders: a path in name, or parent_id; list pages system folders first", async () => {
  const byPath = (await mkFolder({ name: "Clients/Acme" })).body.data;
  expect(byPath.name).toBe("Clients/Acme");
  const parent = (await mkFolder({ name: "Vendors" })).body.data;
  const child = (await mkFolder({ name: "Globex", parent_id: parent.id })).body.data;
  expect(child).toMatchObject({ name: "Globex", parent_id: parent.id });
  expect((await h.api("GET", `/v3/grants/${g.id}/folders/${parent.id}`)).body.data.child_count).toBe(1);
  // "Vendors/Globex" already exists through the parent
  expect((await mkFolder({ name: "Vendors/Globex" })).status).toBe(400);
  expect((await mkFolder({ name: "x", parent_id: "missing" })).status).toBe(400);
  // a folder cannot move under its own child
  expect((await h.api("PUT", `/v3/grants/${g.id}/folders/${parent.id}`, { parent_id: child.id })).status).toBe(400);

  const seen: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const r = await folders(g.id, `?limit=4${cursor ? `&page_token=${cursor}` : ""}`);
    expect(r.status).toBe(200);
    seen.push(...r.body.data.map((f: any) => f.name));
    cursor = r.body.next_cursor;
    pages++;
  } while (cursor);
  expect(pages).toBe(3);
  expect(seen).toEqual(["Inbox", "Sent", "Drafts", "Trash", "Junk", "Archive", "Clients/Acme", "Vendors", "Globex"]);

  // deleting the parent deletes its child folder too
  await h.api("DELETE", `/v3/grants/${g.id}/folders/${parent.id}`);
  expect((await h.api("GET", `/v3/grants/${g.id}/folders/${child.id}`)).status).toBe(404);
});

test("assign_to_folder files inbound mail by path; listable with in=<folder id>; counts follow", async () => {
  const acme = (await mkFolder({ name: "Clients/Acme" })).body.data;
  await ruleFor([{ type: "assign_to_folder", value: "Clients/Acme" }]);
  const res = await inbound("ceo@acme.example", "filer@agents.example.com", "order");
  expect(res.status).toBe(200);
  expect(res.body.data[0].folders).toEqual([acme.id]);
  await inbound("someone@else.example", "filer@agents.example.com", "other");

  const filed = await h.api("GET", `/v3/grants/${g.id}/messages?in=${acme.id}`);
  expect(filed.body.data.map((m: any) => m.subject)).toEqual(["order"]);
  expect((await h.api("GET", `/v3/grants/${g.id}/messages?in=inbox`)).body.data.map((m: any) => m.subject)).toEqual(["other"]);
  expect((await h.api("GET", `/v3/grants/${g.id}/folders/${acme.id}`)).body.data).toMatchObject({ total_count: 1, unread_count: 1 });

  // a message can be moved into a custom folder by id
  const other = (await h.api("GET", `/v3/grants/${g.id}/messages?in=inbox`)).body.data[0];
  const moved = await h.api("PUT", `/v3/grants/${g.id}/messages/${other.id}`, { folders: [acme.id] });
  expect(moved.body.data.folders).toEqual([acme.id]);
  expect((await h.api("PUT", `/v3/grants/${g.id}/messages/${other.id}`, { folders: ["nope"] })).status).toBe(400);

  // deleting the folder deletes the messages in it
  await h.api("DELETE", `/v3/grants/${g.id}/folders/${acme.id}`);
  expect((await h.api("GET", `/v3/grants/${g.id}/messages`)).body.data).toEqual([]);
});

test("assign_to_folder: system folder names in any case; a missing folder is skipped (mail stays in inbox)", async () => {
  await ruleFor([{ type: "assign_to_folder", value: "Clients/Missing" }, { type: "mark_as_read" }]);
  const m = (await inbound("a@acme.example", "filer@agents.example.com")).body.data[0];
  expect(m).toMatchObject({ folders: ["inbox"], unread: false });
  const ev = (await h.api("GET", `/v3/grants/${g.id}/rule-evaluations`)).body.data[0];
  expect(ev.applied_actions).toEqual({ marked_as_read: true }); // no folder_ids: nothing was filed

  await h.ctl("POST", "/reset");
  g = await createAccount(h, "filer@agents.example.com");
  await ruleFor([{ type: "assign_to_folder", value: "ARCHIVE" }]);
  expect((await inbound("a@acme.example", "filer@agents.example.com")).body.data[0].folders).toEqual(["archive"]);
});

test("a folder made after the rule is used the next time the rule runs; a rename makes the old path miss", async () => {
  await ruleFor([{ type: "assign_to_folder", value: "Later" }]);
  expect((await inbound("a@acme.example", "filer@agents.example.com")).body.data[0].folders).toEqual(["inbox"]);
  const later = (await mkFolder({ name: "Later" })).body.data;
  expect((await inbound("b@acme.example", "filer@agents.example.com")).body.data[0].folders).toEqual([later.id]);
  await h.api("PUT", `/v3/grants/${g.id}/folders/${later.id}`, { name: "Renamed" });
  expect((await inbound("c@acme.example", "filer@agents.example.com")).body.data[0].folders).toEqual(["inbox"]);
});

test("an account's folders are deleted with it", async () => {
  const f = (await mkFolder({ name: "Temp" })).body.data;
  expect((await h.ctl("GET", "/state")).body.folders.map((x: any) => x.id)).toEqual([f.id]);
  await h.api("DELETE", `/v3/grants/${g.id}`);
  expect((await h.ctl("GET", "/state")).body.folders).toEqual([]);
});

test("policy option additional_folders: created in accounts of workspaces using the policy", async () => {
  const pol = await h.api("POST", "/v3/policies", { name: "with folders", options: { additional_folders: ["Escalations", "Invoices/2026"] } });
  expect(pol.status).toBe(200);
  expect(pol.body.data.options).toEqual({ additional_folders: ["Escalations", "Invoices/2026"] });
  const ws = (await h.api("POST", "/v3/workspaces", { name: "pw", policy_id: pol.body.data.id })).body.data.workspace_id;
  await h.api("PATCH", `/v3/grants/${g.id}`, { workspace_id: ws });
  const names = (await folders()).body.data.map((f: any) => f.name);
  expect(names).toEqual(["Inbox", "Sent", "Drafts", "Trash", "Junk", "Archive", "Escalations", "Invoices/2026"]);
  // listed again: nothing duplicated
  expect((await folders()).body.data).toHaveLength(8);
  expect((await h.api("POST", "/v3/policies", { name: "bad", options: { additional_folders: ["Inbox"] } })).status).toBe(400);
  expect((await h.api("POST", "/v3/policies", { name: "bad", options: { use_cidr_aliasing: "yes" } })).status).toBe(400);
});
