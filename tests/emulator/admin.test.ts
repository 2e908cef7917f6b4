/** Policies, rules, lists and workspaces. */
import { createAccount, useHarness } from "./helpers";

const h = useHarness();

const rule = (extra: Record<string, unknown> = {}) => ({
  name: "block spammers",
  match: { conditions: [{ field: "from.domain", operator: "is", value: "spam.example" }] },
  actions: [{ type: "mark_as_spam" }],
  ...extra,
});

describe("policies", () => {
  test("create → 200 with plan-filled limits and spam defaults; get; list", async () => {
    const r = await h.api("POST", "/v3/policies", {
      name: "Default",
      limits: { limit_attachment_count_limit: 10, limit_inbox_retention_period: 90 },
      spam_detection: { spam_sensitivity: 2.5 },
    });
    expect(r.status).toBe(200);
    const p = r.body.data;
    expect(p.limits).toEqual({
      limit_attachment_size_limit: 26214400,
      limit_attachment_count_limit: 10,
      limit_size_total_mime: 52428800,
      limit_storage_total: 10737418240,
      limit_count_daily_message_received: 10000,
      limit_count_daily_email_sent: 10000,
      limit_inbox_retention_period: 90,
      limit_spam_retention_period: 30,
      limit_attachment_allowed_types: expect.arrayContaining(["image/*", "application/pdf"]),
    });
    expect(p.spam_detection).toEqual({ use_list_dnsbl: false, use_header_anomaly_detection: false, spam_sensitivity: 2.5 });
    expect(p).toMatchObject({ name: "Default", application_id: expect.any(String), organization_id: expect.any(String) });
    expect((await h.api("GET", `/v3/policies/${p.id}`)).body.data).toEqual(p);
    expect((await h.api("GET", "/v3/policies/nope")).status).toBe(404);
  });

  test("validation", async () => {
    const bad = [
      {},
      { name: "" },
      { name: "x".repeat(257) },
      { name: "p", spam_detection: { spam_sensitivity: 0.05 } },
      { name: "p", spam_detection: { spam_sensitivity: 5.1 } },
      { name: "p", limits: { limit_inbox_retention_period: 10, limit_spam_retention_period: 10 } },
      { name: "p", limits: { limit_attachment_count_limit: -1 } },
      { name: "p", limits: { limit_attachment_count_limit: 1.5 } },
      { name: "p", limits: { limit_storage_total: -2 } },
      { name: "p", limits: { limit_attachment_count_limit: 51 } },
      { name: "p", limits: { limit_attachment_allowed_types: ["application/x-msdownload"] } },
    ];
    for (const b of bad) {
      const r = await h.api("POST", "/v3/policies", b);
      expect([b, r.status, r.body.error?.type]).toEqual([b, 400, "invalid_request_error"]);
    }
    const ok = await h.api("POST", "/v3/policies", {
      name: "p",
      limits: { limit_storage_total: -1, limit_inbox_retention_period: 10, limit_attachment_allowed_types: ["image/png"] },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.data.limits).toMatchObject({
      limit_storage_total: -1,
      limit_spam_retention_period: 9,
      limit_attachment_allowed_types: ["image/png"],
    });
  });

  test("PUT is partial; nested limits are replaced wholesale; DELETE leaves a dangling workspace policy_id", async () => {
    const p = (await h.api("POST", "/v3/policies", { name: "a", limits: { limit_attachment_count_limit: 5 } })).body.data;
    let r = await h.api("PUT", `/v3/policies/${p.id}`, { name: "b" });
    expect(r.body.data).toMatchObject({ name: "b", limits: { limit_attachment_count_limit: 5 } });
    r = await h.api("PUT", `/v3/policies/${p.id}`, { limits: { limit_count_daily_email_sent: 100 } });
    expect(r.body.data.limits).toMatchObject({ limit_attachment_count_limit: 50, limit_count_daily_email_sent: 100 });
    expect(r.body.data.name).toBe("b");
    expect((await h.api("PUT", `/v3/policies/${p.id}`, { name: "" })).status).toBe(400);
    const ws = (await h.api("POST", "/v3/workspaces", { name: "W", domain: "w.example.com", policy_id: p.id })).body.data;
    expect((await h.api("DELETE", `/v3/policies/${p.id}`)).status).toBe(200);
    expect((await h.api("GET", `/v3/policies/${p.id}`)).status).toBe(404);
    expect((await h.api("GET", `/v3/workspaces/${ws.workspace_id}`)).body.data.policy_id).toBe(p.id);
  });

  test("cursor pagination: limit default 50, max 200, next_cursor absent on the last page", async () => {
    for (let i = 0; i < 55; i++) await h.api("POST", "/v3/policies", { name: `p${i}` });
    let r = await h.api("GET", "/v3/policies");
    expect(r.body.data).toHaveLength(50);
    expect(typeof r.body.next_cursor).toBe("string");
    const r2 = await h.api("GET", `/v3/policies?page_token=${r.body.next_cursor}`);
    expect(r2.body.data.map((p: any) => p.name)).toEqual(["p50", "p51", "p52", "p53", "p54"]);
    expect(r2.body.next_cursor).toBeUndefined();
    r = await h.api("GET", "/v3/policies?limit=200");
    expect(r.body.data).toHaveLength(55);
    expect((await h.api("GET", "/v3/policies?limit=201")).status).toBe(400);
    expect((await h.api("GET", "/v3/policies?page_token=garbage")).status).toBe(400);
  });
});

describe("policies: -1 = unlimited", () => {
  test("accepted for storage, both daily counts and both retention periods; the retention order applies to finite values only", async () => {
    const unlimited = {
      limit_storage_total: -1,
      limit_count_daily_message_received: -1,
      limit_count_daily_email_sent: -1,
      limit_inbox_retention_period: -1,
      limit_spam_retention_period: -1,
    };
    const r = await h.api("POST", "/v3/policies", { name: "unlimited", limits: unlimited });
    expect(r.status).toBe(200);
    expect(r.body.data.limits).toMatchObject(unlimited);
    // inbox unbounded, spam finite: fine; inbox finite, spam unbounded: not
    const inboxOnly = await h.api("POST", "/v3/policies", { name: "i", limits: { limit_inbox_retention_period: -1, limit_spam_retention_period: 7 } });
    expect(inboxOnly.body.data.limits).toMatchObject({ limit_inbox_retention_period: -1, limit_spam_retention_period: 7 });
    const spamOnly = await h.api("POST", "/v3/policies", { name: "s", limits: { limit_inbox_retention_period: 30, limit_spam_retention_period: -1 } });
    expect([spamOnly.status, spamOnly.body.error.message]).toEqual([400, expect.stringContaining("limit_inbox_retention_period must be greater")]);
    // an unbounded inbox alone leaves spam at the plan value
    const alone = await h.api("POST", "/v3/policies", { name: "a", limits: { limit_inbox_retention_period: -1 } });
    expect(alone.body.data.limits).toMatchObject({ limit_inbox_retention_period: -1, limit_spam_retention_period: 30 });
    for (const k of ["limit_attachment_size_limit", "limit_attachment_count_limit", "limit_size_total_mime"]) {
      expect((await h.api("POST", "/v3/policies", { name: "x", limits: { [k]: -1 } })).status).toBe(400);
    }
    expect((await h.api("POST", "/v3/policies", { name: "x", limits: { limit_count_daily_email_sent: -2 } })).status).toBe(400);
  });
});

describe("rules", () => {
  test("create → 201 with defaults; get; list in the nested envelope (items null when there are none)", async () => {
    const empty = await h.api("GET", "/v3/rules");
    expect(empty.body).toEqual({ request_id: expect.any(String), data: { items: null } });
    const r = await h.api("POST", "/v3/rules", rule());
    expect(r.status).toBe(201);
    expect(r.body.data).toMatchObject({
      name: "block spammers",
      priority: 10,
      enabled: true,
      trigger: "inbound",
      match: { operator: "all", conditions: [{ field: "from.domain", operator: "is", value: "spam.example" }] },
      actions: [{ type: "mark_as_spam" }],
    });
    const id = r.body.data.id;
    expect((await h.api("GET", `/v3/rules/${id}`)).body.data.id).toBe(id);
    const list = await h.api("GET", "/v3/rules");
    expect(list.body.data.items.map((x: any) => x.id)).toEqual([id]);
    expect(list.body.next_cursor).toBeUndefined();
    // the cursor is inside data
    await h.api("POST", "/v3/rules", rule({ name: "second" }));
    const page = await h.api("GET", "/v3/rules?limit=1");
    expect(page.body.data).toEqual({ items: [expect.objectContaining({ id })], next_cursor: expect.any(String) });
    const rest = await h.api("GET", `/v3/rules?limit=1&page_token=${page.body.data.next_cursor}`);
    expect(rest.body.data.items.map((x: any) => x.name)).toEqual(["second"]);
    expect(rest.body.data.next_cursor).toBeUndefined();
    // the older config name still selects the CLI's reading (cursor at the top level)
    await h.control.config({ rulesListEnvelope: "items" });
    expect((await h.api("GET", "/v3/rules?limit=1")).body).toMatchObject({ data: { items: [expect.anything()] }, next_cursor: expect.any(String) });
  });

  test("rule validation: fields, operators, actions", async () => {
    const list = (await h.api("POST", "/v3/lists", { name: "l", type: "domain" })).body.data;
    const addrList = (await h.api("POST", "/v3/lists", { name: "a", type: "address" })).body.data;
    const cond = (c: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      rule({ match: { conditions: [c] }, ...extra });
    const bad: Record<string, unknown>[] = [
      { match: rule().match, actions: rule().actions }, // no name
      rule({ priority: 1001 }),
      rule({ priority: -1 }),
      rule({ trigger: "sideways" }),
      rule({ match: { operator: "most", conditions: rule().match.conditions } }),
      rule({ match: { conditions: [] } }),
      rule({ actions: [] }),
      rule({ actions: [{ type: "route" }] }),
      rule({ actions: [{ type: "block" }, { type: "mark_as_read" }] }),
      rule({ actions: [{ type: "assign_to_folder" }] }),
      cond({ field: "subject", operator: "is", value: "x" }),
      cond({ field: "from.domain", operator: "matches", value: "x" }),
      cond({ field: "recipient.domain", operator: "is", value: "x" }), // inbound: from.* only
      cond({ field: "outbound.type", operator: "is", value: "compose" }), // inbound
      cond({ field: "outbound.type", operator: "contains", value: "compose" }, { trigger: "outbound" }),
      cond({ field: "outbound.type", operator: "is", value: "forward" }, { trigger: "outbound" }),
      cond({ field: "from.domain", operator: "in_list", value: "not-an-array" }),
      cond({ field: "from.domain", operator: "in_list", value: ["missing-list"] }),
      cond({ field: "from.domain", operator: "in_list", value: [addrList.id] }), // wrong list type
      cond({ field: "from.domain", operator: "is", value: ["x"] }),
    ];
    for (const b of bad) {
      const r = await h.api("POST", "/v3/rules", b);
      expect([b, r.status]).toEqual([b, 400]);
    }
    const ok = await h.api(
      "POST",
      "/v3/rules",
      rule({
        trigger: "outbound",
        priority: 0,
        enabled: false,
        match: {
          operator: "any",
          conditions: [
            { field: "outbound.type", operator: "is", value: "REPLY" },
            { field: "recipient.domain", operator: "in_list", value: [list.id] },
          ],
        },
        actions: [{ type: "block" }],
      }),
    );
    expect(ok.status).toBe(201);
    expect(ok.body.data.match.conditions[0].value).toBe("reply");
    expect(ok.body.data).toMatchObject({ priority: 0, enabled: false, trigger: "outbound" });
  });

  test("PUT partial, validated as a whole; DELETE", async () => {
    const id = (await h.api("POST", "/v3/rules", rule())).body.data.id;
    let r = await h.api("PUT", `/v3/rules/${id}`, { priority: 5, enabled: false });
    expect(r.status).toBe(200);
    expect(r.body.data).toMatchObject({ priority: 5, enabled: false, name: "block spammers" });
    r = await h.api("PUT", `/v3/rules/${id}`, { actions: [{ type: "trash" }] });
    expect(r.body.data.actions).toEqual([{ type: "trash" }]);
    r = await h.api("PUT", `/v3/rules/${id}`, {
      match: { conditions: [{ field: "recipient.address", operator: "is", value: "a@b.co" }] },
    });
    expect(r.status).toBe(400); // still an inbound rule
    r = await h.api("PUT", `/v3/rules/${id}`, {
      trigger: "outbound",
      match: { conditions: [{ field: "recipient.address", operator: "is", value: "a@b.co" }] },
    });
    expect(r.status).toBe(200);
    expect(r.body.data.match.operator).toBe("all");
    expect((await h.api("DELETE", `/v3/rules/${id}`)).status).toBe(200);
    expect((await h.api("GET", `/v3/rules/${id}`)).status).toBe(404);
    expect((await h.api("PUT", `/v3/rules/${id}`, { priority: 1 })).status).toBe(404);
  });
});

describe("lists", () => {
  test("create 201, items normalised, duplicates ignored, counts, remove, cascade delete", async () => {
    const r = await h.api("POST", "/v3/lists", { name: "Blocked", description: "d", type: "domain" });
    expect(r.status).toBe(201);
    expect(r.body.data).toMatchObject({ name: "Blocked", description: "d", type: "domain", items_count: 0 });
    const id = r.body.data.id;
    let add = await h.api("POST", `/v3/lists/${id}/items`, { items: ["  Spam.Example ", "spam.example", "evil.example.org"] });
    expect(add.status).toBe(200);
    expect(add.body.data).toMatchObject({ id, items_count: 2 });
    add = await h.api("POST", `/v3/lists/${id}/items`, { items: ["spam.example"] });
    expect(add.body.data.items_count).toBe(2);
    const items = await h.api("GET", `/v3/lists/${id}/items`);
    expect(items.body.data.map((i: any) => i.value)).toEqual(["spam.example", "evil.example.org"]);
    expect(items.body.data[0]).toMatchObject({ id: expect.any(String), list_id: id, created_at: expect.any(Number) });
    const del = await h.api("DELETE", `/v3/lists/${id}/items`, { items: ["SPAM.example", "absent.example"] });
    expect(del.status).toBe(200);
    expect(del.body.data.items_count).toBe(1);
    expect((await h.api("GET", `/v3/lists/${id}`)).body.data.items_count).toBe(1);
    expect((await h.api("DELETE", `/v3/lists/${id}`)).status).toBe(200);
    expect((await h.api("GET", `/v3/lists/${id}/items`)).status).toBe(404);
    const state = await h.control.state();
    expect(state.lists).toEqual([]);
  });

  test("validation: type, items per type, 1000/500 limits, immutable type", async () => {
    expect((await h.api("POST", "/v3/lists", { name: "x", type: "ip" })).status).toBe(400);
    expect((await h.api("POST", "/v3/lists", { type: "tld" })).status).toBe(400);
    expect((await h.api("POST", "/v3/lists", { name: "x" })).status).toBe(400);
    const dom = (await h.api("POST", "/v3/lists", { name: "d", type: "domain" })).body.data.id;
    const tld = (await h.api("POST", "/v3/lists", { name: "t", type: "tld" })).body.data.id;
    const adr = (await h.api("POST", "/v3/lists", { name: "a", type: "address" })).body.data.id;
    expect((await h.api("POST", `/v3/lists/${dom}/items`, { items: ["not a domain"] })).status).toBe(400);
    expect((await h.api("POST", `/v3/lists/${dom}/items`, { items: ["a@b.com"] })).status).toBe(400);
    expect((await h.api("POST", `/v3/lists/${adr}/items`, { items: ["b.com"] })).status).toBe(400);
    expect((await h.api("POST", `/v3/lists/${adr}/items`, { items: [" Bob@Example.COM "] })).body.data.items_count).toBe(1);
    expect((await h.api("POST", `/v3/lists/${tld}/items`, { items: [".XYZ", "co.uk"] })).body.data.items_count).toBe(2);
    expect((await h.api("POST", `/v3/lists/${tld}/items`, { items: ["-bad-"] })).status).toBe(400);
    const many = Array.from({ length: 1001 }, (_, i) => `d${i}.example.com`);
    const tooMany = await h.api("POST", `/v3/lists/${dom}/items`, { items: many });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.message).toMatch(/1000/);
    const ok = await h.api("POST", `/v3/lists/${dom}/items`, { items: many.slice(0, 1000) });
    expect(ok.body.data.items_count).toBe(1000);
    const long = await h.api("POST", `/v3/lists/${dom}/items`, { items: ["a".repeat(495) + ".com.x"] });
    expect(long.status).toBe(400);
    expect(long.body.error.message).toMatch(/500/);
    expect((await h.api("POST", `/v3/lists/${dom}/items`, { items: [] })).status).toBe(400);
    expect((await h.api("POST", `/v3/lists/${dom}/items`, {})).status).toBe(400);
    // items paging over >200
    const p1 = await h.api("GET", `/v3/lists/${dom}/items?limit=200`);
    expect(p1.body.data).toHaveLength(200);
    let count = 200;
    let cursor = p1.body.next_cursor;
    while (cursor) {
      const p = await h.api("GET", `/v3/lists/${dom}/items?limit=200&page_token=${cursor}`);
      count += p.body.data.length;
      cursor = p.body.next_cursor;
    }
    expect(count).toBe(1000);
    // PUT
    expect((await h.api("PUT", `/v3/lists/${dom}`, { type: "tld" })).status).toBe(400);
    const put = await h.api("PUT", `/v3/lists/${dom}`, { name: "renamed", type: "domain" });
    expect(put.body.data).toMatchObject({ name: "renamed", type: "domain", items_count: 1000 });
  });
});

describe("workspaces", () => {
  test("default workspace exists; create 200 (auto_group false by default, domain optional); duplicate domain 400; get; list", async () => {
    let list = await h.api("GET", "/v3/workspaces");
    expect(list.body.data).toHaveLength(1);
    const def = list.body.data[0];
    expect(def).toMatchObject({ default: true, name: "Default Workspace", domain: null, workspace_id: expect.any(String) });
    expect(def.id).toBeUndefined();
    const r = await h.api("POST", "/v3/workspaces", { name: "Acme", domain: "Acme.Example.com" });
    expect(r.status).toBe(200);
    expect(r.body.data).toMatchObject({ name: "Acme", domain: "acme.example.com", auto_group: false, default: false, rule_ids: [] });
    expect(r.body.data.policy_id).toBeUndefined();
    expect((await h.api("POST", "/v3/workspaces", { name: "Dup", domain: "acme.example.com" })).status).toBe(400);
    const bare = await h.api("POST", "/v3/workspaces", { name: "NoDomain" });
    expect(bare.status).toBe(200);
    expect(bare.body.data).toMatchObject({ name: "NoDomain", domain: null, auto_group: false });
    const refused = await h.api("POST", "/v3/workspaces", { name: "NoDomainAuto", auto_group: true });
    expect([refused.status, refused.body.error.message]).toEqual([400, expect.stringContaining("auto_group: true needs a domain")]);
    expect((await h.api("POST", "/v3/workspaces", { name: "Auto", domain: "auto.example.com", auto_group: true })).body.data.auto_group).toBe(true);
    expect((await h.api("POST", "/v3/workspaces", { domain: "x.example.com" })).status).toBe(400);
    expect((await h.api("POST", "/v3/workspaces", { name: "P", domain: "p.example.com", policy_id: "nope" })).status).toBe(400);
    expect((await h.api("POST", "/v3/workspaces", { name: "P", domain: "p.example.com", policy_id: "" })).status).toBe(400);
    expect((await h.api("POST", "/v3/workspaces", { name: "P", domain: "p.example.com", rule_ids: ["nope"] })).status).toBe(400);
    list = await h.api("GET", "/v3/workspaces");
    expect(list.body.data).toHaveLength(4);
    expect(list.body.next_cursor).toBeUndefined();
    expect((await h.api("GET", `/v3/workspaces/${r.body.data.workspace_id}`)).body.data.name).toBe("Acme");
    expect((await h.api("GET", "/v3/workspaces/nope")).status).toBe(404);
    // addressed by domain on GET/DELETE/manual-assign, by UUID only on PATCH
    expect((await h.api("GET", "/v3/workspaces/acme.example.com")).body.data.workspace_id).toBe(r.body.data.workspace_id);
    expect((await h.api("PATCH", "/v3/workspaces/acme.example.com", { name: "x" })).status).toBe(404);
    expect((await h.api("DELETE", "/v3/workspaces/acme.example.com")).status).toBe(200);
    expect((await h.api("GET", `/v3/workspaces/${r.body.data.workspace_id}`)).status).toBe(404);
  });

  test("PATCH: immutable domain, policy_id null/''/omit, rule_ids null/[]/omit, default-workspace limits", async () => {
    const pol = (await h.api("POST", "/v3/policies", { name: "p" })).body.data.id;
    const r1 = (await h.api("POST", "/v3/rules", rule())).body.data.id;
    const ws = (await h.api("POST", "/v3/workspaces", { name: "W", domain: "w.example.com" })).body.data.workspace_id;
    const patch = (id: string, b: unknown) => h.api("PATCH", `/v3/workspaces/${id}`, b);
    expect((await patch(ws, { domain: "other.example.com" })).status).toBe(400);
    expect((await patch(ws, { domain: "w.example.com", name: "W2" })).status).toBe(200);
    let r = await patch(ws, { policy_id: pol, rule_ids: [r1] });
    expect(r.body.data).toMatchObject({ policy_id: pol, rule_ids: [r1], name: "W2" });
    r = await patch(ws, { name: "W3" });
    expect(r.body.data).toMatchObject({ policy_id: pol, rule_ids: [r1] });
    expect((await patch(ws, { policy_id: "" })).status).toBe(400);
    expect((await patch(ws, { policy_id: "missing" })).status).toBe(400);
    r = await patch(ws, { policy_id: null, rule_ids: [] });
    expect(r.body.data.policy_id).toBeUndefined();
    expect(r.body.data.rule_ids).toEqual([]);
    await patch(ws, { rule_ids: [r1] });
    r = await patch(ws, { rule_ids: null });
    expect(r.body.data.rule_ids).toEqual([]);
    r = await patch(ws, { auto_group: true });
    expect(r.body.data.auto_group).toBe(true);
    r = await patch(ws, { auto_group: false });
    expect(r.body.data.auto_group).toBe(false);

    // a workspace without a domain can't get one, nor auto_group
    const bare = (await h.api("POST", "/v3/workspaces", { name: "Bare" })).body.data.workspace_id;
    expect((await patch(bare, { domain: "late.example.com" })).body.error.message).toContain("a domain cannot be added");
    expect((await patch(bare, { auto_group: true })).status).toBe(400);
    expect((await patch(bare, { domain: null, name: "Bare2" })).body.data).toMatchObject({ name: "Bare2", domain: null });

    const def = (await h.control.state()).default_workspace_id;
    expect((await patch(def, { name: "Renamed" })).status).toBe(400);
    expect((await patch(def, { auto_group: true })).status).toBe(400);
    expect((await patch(def, { domain: "x.example.com" })).status).toBe(400);
    r = await patch(def, { policy_id: pol, rule_ids: [r1] });
    expect(r.status).toBe(200);
    expect(r.body.data).toMatchObject({ default: true, policy_id: pol, rule_ids: [r1] });
    expect((await patch(def, { name: "Default Workspace" })).status).toBe(200); // unchanged value is accepted
    expect((await h.api("DELETE", `/v3/workspaces/${def}`)).status).toBe(400);
  });

  test("DELETE moves grants to the default workspace", async () => {
    const ws = (await h.api("POST", "/v3/workspaces", { name: "A", domain: "agents.example.com", auto_group: true })).body.data.workspace_id;
    const g = await createAccount(h, "mover@agents.example.com");
    expect(g.workspace_id).toBe(ws);
    expect((await h.api("DELETE", `/v3/workspaces/${ws}`)).status).toBe(200);
    const def = (await h.control.state()).default_workspace_id;
    expect((await h.api("GET", `/v3/grants/${g.id}`)).body.data.workspace_id).toBe(def);
    expect((await h.api("GET", `/v3/workspaces/${ws}`)).status).toBe(404);
  });

  test("manual-assign: assign moves, remove leaves no workspace, only changed ids (null when none), validation", async () => {
    const ws = (await h.api("POST", "/v3/workspaces", { name: "M", domain: "m.example.com", auto_group: false })).body.data
      .workspace_id;
    const a = await createAccount(h, "a@agents.example.com");
    const b = await createAccount(h, "b@agents.example.com");
    let r = await h.api("POST", `/v3/workspaces/${ws}/manual-assign`, { assign_grants: [a.id, b.id] });
    expect(r.status).toBe(200);
    expect(r.body.data).toEqual({
      application_id: expect.any(String),
      workspace_id: ws,
      domain: "m.example.com",
      grants_assigned: [a.id, b.id],
      grants_removed: null,
    });
    expect((await h.api("GET", `/v3/grants/${a.id}`)).body.data.workspace_id).toBe(ws);
    r = await h.api("POST", `/v3/workspaces/${ws}/manual-assign`, { assign_grants: [a.id] });
    expect(r.body.data).toMatchObject({ grants_assigned: null, grants_removed: null });
    r = await h.api("POST", `/v3/workspaces/${ws}/manual-assign`, { remove_grants: [b.id] });
    expect(r.body.data.grants_removed).toEqual([b.id]);
    expect((await h.api("GET", `/v3/grants/${b.id}`)).body.data.workspace_id).toBeUndefined();
    // addressed by domain
    r = await h.api("POST", "/v3/workspaces/m.example.com/manual-assign", { assign_grants: [b.id] });
    expect(r.body.data).toMatchObject({ workspace_id: ws, grants_assigned: [b.id] });
    expect((await h.api("POST", `/v3/workspaces/${ws}/manual-assign`, {})).status).toBe(400);
    expect((await h.api("POST", `/v3/workspaces/${ws}/manual-assign`, { assign_grants: [] })).status).toBe(400);
    expect((await h.api("POST", `/v3/workspaces/${ws}/manual-assign`, { assign_grants: ["nope"] })).status).toBe(400);
    const many = Array.from({ length: 501 }, () => a.id);
    expect((await h.api("POST", `/v3/workspaces/${ws}/manual-assign`, { assign_grants: many })).status).toBe(400);
    expect((await h.api("POST", "/v3/workspaces/nope/manual-assign", { assign_grants: [a.id] })).status).toBe(404);
    // only into a workspace with auto_group: false
    const auto = (await h.api("POST", "/v3/workspaces", { name: "Auto", domain: "auto.example.com", auto_group: true })).body.data.workspace_id;
    r = await h.api("POST", `/v3/workspaces/${auto}/manual-assign`, { assign_grants: [a.id] });
    expect([r.status, r.body.error.message]).toEqual([400, expect.stringContaining("auto_group")]);
    expect((await h.api("GET", `/v3/grants/${a.id}`)).body.data.workspace_id).toBe(ws);
  });

  test("auto-group assigns default-workspace grants to matching auto_group workspaces", async () => {
    const g = await createAccount(h, "late@agents.example.com");
    const ws = (await h.api("POST", "/v3/workspaces", { name: "A", domain: "agents.example.com", auto_group: true })).body.data.workspace_id;
    const r = await h.api("POST", "/v3/workspaces/auto-group", {});
    expect(r.status).toBe(200);
    expect(r.body.data).toMatchObject({ job_id: expect.any(String), message: expect.any(String) });
    expect((await h.api("GET", `/v3/grants/${g.id}`)).body.data.workspace_id).toBe(ws);
  });
});
