/**
 * The variance switches (emulator/variance.ts): each switch, set alone on top of the default profile,
 * changes what a client sees in the way its README row says — and the profiles, the control API, the
 * per-request bypass and the README catalogue hold together.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { DEFAULT_VARIANCE, HARSH_VARIANCE, SWITCHES } from "../../emulator/variance";
import { EmulatorControlError } from "../../emulator/control-client";
import { WebhookReceiver } from "../../emulator/receiver";
import { createAccount, PASSWORD, startHarness, useHarness } from "./helpers";

const h = useHarness({ emulator: { domains: ["agents.example.com"] } });
let rcv: WebhookReceiver;
beforeAll(async () => {
  rcv = await WebhookReceiver.start();
});
afterAll(() => rcv.close());

/** The default profile with these switches changed. */
const only = async (switches: Record<string, unknown>) => {
  await h.control.variance({ profile: "default", switches });
};
const rule = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  match: { conditions: [{ field: "from.domain", operator: "is", value: "spam.example" }] },
  actions: [{ type: "mark_as_spam" }],
  ...extra,
});
const webhook = async (p: string) =>
  (await h.api("POST", "/v3/webhooks", { webhook_url: `${rcv.url}/${p}`, trigger_types: ["grant.created"] })).body.data;

describe("profiles and the control API", () => {
  test("default at start; POST {profile} and {switches}; reset restores the start profile", async () => {
    let v = await h.control.currentVariance();
    expect(v).toMatchObject({ profile: "default", switches: DEFAULT_VARIANCE });
    expect(v.catalogue.rulesEnvelope).toMatchObject({ id: "E1", default: "nested", harsh: "rotate" });
    v = await h.control.variance({ profile: "harsh" });
    expect(v).toMatchObject({ profile: "harsh", switches: HARSH_VARIANCE });
    v = await h.control.variance({ switches: { deleteAnswer: "200" } });
    expect(v.profile).toBe("custom");
    expect(v.switches).toEqual({ ...HARSH_VARIANCE, deleteAnswer: "200" });
    await h.control.reset();
    expect((await h.control.currentVariance()).profile).toBe("default");
  });

  test("unknown switches, bad values and unknown profiles are refused with one clear message", async () => {
    const bad = [
      [{ switches: { nope: 1 } }, "unknown variance switch nope"],
      [{ switches: { deleteAnswer: "201" } }, 'variance switch deleteAnswer (E6) = "201": must be one of "200", "204"'],
      [{ switches: { cursorPageSize: 0 } }, "variance switch cursorPageSize (E4) = 0: must be a whole number ≥ 1 or null"],
      [{ switches: { grantFilterLagSeconds: -1 } }, "variance switch grantFilterLagSeconds (E7) = -1: must be a whole number ≥ 0"],
      [{ profile: "mild" }, 'variance profile must be "default" or "harsh", got "mild"'],
      [{ other: true }, "unknown field other"],
    ] as const;
    for (const [body, message] of bad) {
      const r = await h.control.variance(body as never).then(
        () => ({ status: 200, body: undefined as any }),
        (e: EmulatorControlError) => ({ status: e.status, body: e.body as any }),
      );
      expect([r.status, r.body?.error?.message]).toEqual([400, expect.stringContaining(message)]);
    }
    expect((await h.control.currentVariance()).profile).toBe("default");
  });

  test("startEmulator({variance: 'harsh', varianceSwitches}) and the per-request bypass header", async () => {
    const harsh = await startHarness({ variance: "harsh", varianceSwitches: { deleteAnswer: "200" } });
    try {
      expect((await harsh.control.currentVariance()).switches).toEqual({ ...HARSH_VARIANCE, deleteAnswer: "200" });
      for (const n of ["a", "b", "c"]) await harsh.api("POST", "/v3/policies", { name: n });
      expect((await harsh.api("GET", "/v3/policies?limit=50")).body.data).toHaveLength(2);
      const plain = await harsh.api("GET", "/v3/policies?limit=50", undefined, { "x-emulator-variance": "default" });
      expect(plain.body.data).toHaveLength(3);
      expect(plain.body.next_cursor).toBeUndefined();
      await harsh.control.reset();
      expect((await harsh.control.currentVariance()).profile).toBe("custom");
    } finally {
      await harsh.close();
    }
    // the bypass is a control-API feature: without it the header is ignored
    const closed = await startHarness({ variance: "harsh", control: false });
    try {
      for (const n of ["a", "b", "c"]) await closed.api("POST", "/v3/policies", { name: n });
      expect((await closed.api("GET", "/v3/policies", undefined, { "x-emulator-variance": "default" })).body.data).toHaveLength(2);
    } finally {
      await closed.close();
    }
  });

  test("emulator/README.md lists every switch with its variance id, both values and a source", () => {
    const readme = fs.readFileSync(path.join(__dirname, "../../emulator/README.md"), "utf8");
    for (const [name, s] of Object.entries(SWITCHES)) {
      const row = readme.split("\n").find((l) => l.startsWith(`| \`${name}\` |`));
      expect([name, row]).toEqual([name, expect.stringContaining(`| ${s.id} |`)]);
      expect(row).toContain(JSON.stringify(s.default).replace(/^"|"$/g, ""));
      expect(row).toContain(JSON.stringify(s.harsh).replace(/^"|"$/g, ""));
      expect(row).toMatch(/\[(spec|sdk|cli|docs|changelog|skills|blog|inferred)/);
    }
  });
});

describe("envelopes and pagination", () => {
  test("rulesEnvelope (E1): nested, nested-top-cursor, flat, rotate", async () => {
    for (const n of ["r1", "r2"]) await h.api("POST", "/v3/rules", rule(n));
    const shapes: Record<string, unknown> = {
      nested: { data: { items: [expect.anything()], next_cursor: expect.any(String) } },
      "nested-top-cursor": { data: { items: [expect.anything()] }, next_cursor: expect.any(String) },
      flat: { data: [expect.anything()], next_cursor: expect.any(String) },
    };
    for (const [envelope, shape] of Object.entries(shapes)) {
      await only({ rulesEnvelope: envelope });
      const body = (await h.api("GET", "/v3/rules?limit=1")).body;
      expect([envelope, body]).toEqual([envelope, { request_id: expect.any(String), ...(shape as object) }]);
    }
    await only({ rulesEnvelope: "rotate" });
    const seen = [];
    for (let i = 0; i < 4; i++) {
      const b = (await h.api("GET", "/v3/rules?limit=1")).body;
      seen.push(Array.isArray(b.data) ? "flat" : b.data.next_cursor ? "nested" : "nested-top-cursor");
    }
    expect(seen).toEqual(["nested", "nested-top-cursor", "flat", "nested"]);
  });

  test("emptyRulesItems (E2): items [] instead of null; the flat envelope answers data: []", async () => {
    expect((await h.api("GET", "/v3/rules")).body.data).toEqual({ items: null });
    await only({ emptyRulesItems: "empty" });
    expect((await h.api("GET", "/v3/rules")).body.data).toEqual({ items: [] });
    await only({ rulesEnvelope: "flat" });
    expect((await h.api("GET", "/v3/rules")).body.data).toEqual([]);
  });

  test("lastPageCursor (E3): absent, \"\", null, a trailing empty page, mixed per collection", async () => {
    for (const n of ["a", "b", "c"]) await h.api("POST", "/v3/policies", { name: n });
    const last = async () => {
      const first = (await h.api("GET", "/v3/policies?limit=2")).body;
      return (await h.api("GET", `/v3/policies?limit=2&page_token=${first.next_cursor}`)).body;
    };
    expect("next_cursor" in (await last())).toBe(false);
    await only({ lastPageCursor: "empty" });
    expect((await last()).next_cursor).toBe("");
    await only({ lastPageCursor: "null" });
    expect((await last()).next_cursor).toBeNull();
    await only({ lastPageCursor: "trailing-empty-page" });
    const tail = await last();
    expect(tail.data.map((p: any) => p.name)).toEqual(["c"]);
    const end = (await h.api("GET", `/v3/policies?limit=2&page_token=${tail.next_cursor}`)).body;
    expect(end.data).toEqual([]);
    expect("next_cursor" in end).toBe(false);
    // mixed: policies trail with an empty page, rules end on "", lists on null
    await only({ lastPageCursor: "mixed" });
    expect(typeof (await h.api("GET", "/v3/policies")).body.next_cursor).toBe("string");
    await h.api("POST", "/v3/rules", rule("r"));
    expect((await h.api("GET", "/v3/rules")).body.data.next_cursor).toBe("");
    await h.api("POST", "/v3/lists", { name: "l", type: "domain" });
    expect((await h.api("GET", "/v3/lists")).body.next_cursor).toBeNull();
  });

  test("cursorPageSize (E4): never more than N per page whatever limit asks; the cursors still reach everything", async () => {
    for (let i = 0; i < 5; i++) await h.api("POST", "/v3/lists", { name: `l${i}`, type: "domain" });
    await only({ cursorPageSize: 2 });
    const names: string[] = [];
    let token: string | undefined;
    do {
      const b = (await h.api("GET", `/v3/lists?limit=200${token ? `&page_token=${token}` : ""}`)).body;
      expect(b.data.length).toBeLessThanOrEqual(2);
      names.push(...b.data.map((l: any) => l.name));
      token = b.next_cursor;
    } while (token);
    expect(names).toEqual(["l0", "l1", "l2", "l3", "l4"]);
    expect((await h.api("GET", "/v3/lists?limit=1")).body.data).toHaveLength(1);
  });

  test("offsetPageSize (E4): grants pages of N, the answer's limit says N", async () => {
    for (let i = 0; i < 3; i++) await createAccount(h, `o${i}@agents.example.com`);
    await only({ offsetPageSize: 2 });
    const r = await h.api("GET", "/v3/grants?limit=200&offset=0");
    expect(r.body).toMatchObject({ limit: 2, offset: 0 });
    expect(r.body.data).toHaveLength(2);
    expect((await h.api("GET", "/v3/grants?limit=200&offset=2")).body.data).toHaveLength(1);
  });

  test("deleteAnswer (E6): 204 with no body on deletes, not on the list-items DELETE", async () => {
    await only({ deleteAnswer: "204" });
    const p = (await h.api("POST", "/v3/policies", { name: "p" })).body.data;
    const del = await h.api("DELETE", `/v3/policies/${p.id}`);
    expect([del.status, del.body]).toEqual([204, undefined]);
    const w = await webhook("del");
    expect((await h.api("DELETE", `/v3/webhooks/${w.id}`)).status).toBe(204);
    const l = (await h.api("POST", "/v3/lists", { name: "l", type: "domain" })).body.data;
    await h.api("POST", `/v3/lists/${l.id}/items`, { items: ["a.example.com"] });
    const items = await h.api("DELETE", `/v3/lists/${l.id}/items`, { items: ["a.example.com"] });
    expect([items.status, items.body.data.items_count]).toEqual([200, 0]);
    // errors stay errors
    expect((await h.api("DELETE", `/v3/policies/${p.id}`)).status).toBe(404);
  });

  test("grantFilterLagSeconds (E7): filtered grant lists miss new grants, the unfiltered list has them", async () => {
    await only({ grantFilterLagSeconds: 75 });
    const g = await createAccount(h, "fresh@agents.example.com");
    expect((await h.api("GET", "/v3/grants?email=fresh@agents.example.com")).body.data).toEqual([]);
    expect((await h.api("GET", "/v3/grants?provider=nylas")).body.data).toEqual([]);
    expect((await h.api("GET", "/v3/grants?limit=200")).body.data.map((x: any) => x.id)).toEqual([g.id]);
    await only({ grantFilterLagSeconds: 0 });
    expect((await h.api("GET", "/v3/grants?email=fresh@agents.example.com")).body.data.map((x: any) => x.id)).toEqual([g.id]);
  });
});

describe("write answers", () => {
  test("domainUpdateAnswer (W1): full instead of sparse", async () => {
    const d = (await h.iam("POST", "/v3/domains", { name: "D", domain_address: "w1.example.com" })).body.data;
    expect(Object.keys((await h.iam("PUT", `/v3/domains/${d.id}`, { name: "Sparse" })).body.data).sort()).toEqual(["name", "updated_at"]);
    await only({ domainUpdateAnswer: "full" });
    expect((await h.iam("PUT", `/v3/domains/${d.id}`, { name: "Full" })).body.data).toMatchObject({ id: d.id, name: "Full", domain_address: "w1.example.com" });
  });

  test("updateAnswers (W2): rule, list and policy PUT answer only what was sent, no id; list items only items_count", async () => {
    const r = (await h.api("POST", "/v3/rules", rule("r"))).body.data;
    const l = (await h.api("POST", "/v3/lists", { name: "l", type: "domain" })).body.data;
    const p = (await h.api("POST", "/v3/policies", { name: "p" })).body.data;
    expect((await h.api("PUT", `/v3/rules/${r.id}`, { name: "full" })).body.data).toMatchObject({ id: r.id, trigger: "inbound" });
    await only({ updateAnswers: "sparse" });
    expect((await h.api("PUT", `/v3/rules/${r.id}`, { name: "r2", enabled: false })).body.data).toEqual({ name: "r2", enabled: false, updated_at: expect.any(Number) });
    expect((await h.api("PUT", `/v3/lists/${l.id}`, { name: "l2" })).body.data).toEqual({ name: "l2", updated_at: expect.any(Number) });
    expect((await h.api("PUT", `/v3/policies/${p.id}`, { name: "p2" })).body.data).toEqual({ name: "p2", updated_at: expect.any(Number) });
    expect((await h.api("POST", `/v3/lists/${l.id}/items`, { items: ["a.example.com", "b.example.com"] })).body.data).toEqual({ items_count: 2 });
    expect((await h.api("DELETE", `/v3/lists/${l.id}/items`, { items: ["a.example.com"] })).body.data).toEqual({ items_count: 1 });
    // what was stored is whole
    expect((await h.api("GET", `/v3/rules/${r.id}`)).body.data).toMatchObject({ id: r.id, name: "r2", enabled: false, trigger: "inbound" });
  });

  test("rotateSecretAnswer (W3): minimal data:{webhook_secret}, or the secret at the top level", async () => {
    const w = await webhook("rot");
    await only({ rotateSecretAnswer: "minimal" });
    const min = (await h.api("POST", `/v3/webhooks/rotate-secret/${w.id}`)).body;
    expect(min).toEqual({ request_id: expect.any(String), data: { webhook_secret: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    await only({ rotateSecretAnswer: "top-level" });
    const top = (await h.api("POST", `/v3/webhooks/rotate-secret/${w.id}`)).body;
    expect(top).toEqual({ request_id: expect.any(String), webhook_secret: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(top.webhook_secret).not.toBe(min.data.webhook_secret);
    expect((await h.control.state()).webhooks[0].webhook_secret).toBe(top.webhook_secret);
  });

  test("manualAssignUnchanged (W4): [] instead of null", async () => {
    const ws = (await h.api("POST", "/v3/workspaces", { name: "M" })).body.data.workspace_id;
    const g = await createAccount(h, "w4@agents.example.com");
    await only({ manualAssignUnchanged: "empty" });
    expect((await h.api("POST", `/v3/workspaces/${ws}/manual-assign`, { assign_grants: [g.id] })).body.data).toMatchObject({
      grants_assigned: [g.id],
      grants_removed: [],
    });
  });

  test("policyNestedUpdate (W5): nested objects merged field by field instead of replaced", async () => {
    const p = (await h.api("POST", "/v3/policies", { name: "p", limits: { limit_attachment_count_limit: 5 }, spam_detection: { use_list_dnsbl: true } })).body.data;
    await only({ policyNestedUpdate: "merge" });
    const r = await h.api("PUT", `/v3/policies/${p.id}`, { limits: { limit_count_daily_email_sent: 100 }, spam_detection: { spam_sensitivity: 2 } });
    expect(r.body.data.limits).toMatchObject({ limit_attachment_count_limit: 5, limit_count_daily_email_sent: 100 });
    expect(r.body.data.spam_detection).toEqual({ use_list_dnsbl: true, use_header_anomaly_detection: false, spam_sensitivity: 2 });
    await only({ policyNestedUpdate: "replace" });
    const again = await h.api("PUT", `/v3/policies/${p.id}`, { limits: { limit_count_daily_email_sent: 7 } });
    expect(again.body.data.limits).toMatchObject({ limit_attachment_count_limit: 50, limit_count_daily_email_sent: 7 });
  });

  test("settingsWithoutAppPassword (W6): a settings PATCH without app_password clears the password", async () => {
    const g = await createAccount(h, "w6@agents.example.com", { settings: { email: "w6@agents.example.com", app_password: PASSWORD } });
    await only({ settingsWithoutAppPassword: "clear" });
    expect((await h.api("PATCH", `/v3/grants/${g.id}`, { settings: { email: "w6@agents.example.com" } })).status).toBe(200);
    expect((await h.control.verifyAppPassword(g.id, PASSWORD))).toEqual({ ok: false, has_app_password: false });
  });

  test("sendAnswer (W8/L3): 202 without the headers array, always or above 5 sends a second", async () => {
    const g = await createAccount(h, "w8@agents.example.com");
    const send = () => h.api("POST", `/v3/grants/${g.id}/messages/send`, { to: [{ email: "someone@elsewhere.example" }], subject: "s", body: "b" });
    const ok = await send();
    expect([ok.status, Array.isArray(ok.body.data.headers)]).toEqual([200, true]);
    await only({ sendAnswer: "202" });
    const queued = await send();
    expect([queued.status, queued.body.data.headers, queued.body.data.subject]).toEqual([202, undefined, "s"]);
    await only({ sendAnswer: "202-under-burst" });
    const burst = await Promise.all(Array.from({ length: 8 }, send));
    expect(burst.filter((r) => r.status === 202).length).toBeGreaterThanOrEqual(1);
    expect(burst.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(5);
  });
});

describe("not found, identity", () => {
  test("webhookGoneOnWrite (N1) 404 and webhookGoneOnRead (N2) 400 record not found", async () => {
    const w = await webhook("gone");
    await h.api("DELETE", `/v3/webhooks/${w.id}`);
    await only({ webhookGoneOnWrite: "404", webhookGoneOnRead: "400" });
    for (const [method, p] of [
      ["PUT", `/v3/webhooks/${w.id}`],
      ["DELETE", `/v3/webhooks/${w.id}`],
      ["POST", `/v3/webhooks/rotate-secret/${w.id}`],
    ]) {
      const r = await h.api(method, p, method === "PUT" ? { description: "x" } : undefined);
      expect([method, r.status, r.body.error.type]).toEqual([method, 404, "not_found_error"]);
    }
    const read = await h.api("GET", `/v3/webhooks/${w.id}`);
    expect([read.status, read.body.error]).toEqual([400, { type: "70000", message: "destination.id.not.found : record not found" }]);
  });

  test("grantByEmailPath (N4): the grant itself, or 400", async () => {
    const g = await createAccount(h, "n4@agents.example.com");
    await only({ grantByEmailPath: "grant" });
    for (const ref of ["n4@agents.example.com", "email:n4@agents.example.com", `grant:${g.id}`])
      expect((await h.api("GET", `/v3/grants/${encodeURIComponent(ref)}`)).body.data.id).toBe(g.id);
    await only({ grantByEmailPath: "400" });
    expect((await h.api("GET", "/v3/grants/n4@agents.example.com")).status).toBe(400);
    expect((await h.api("GET", "/v3/grants/unknown-id")).status).toBe(404);
  });

  test("connectExistingEmail (N5): 409 instead of the existing grant", async () => {
    const g = await createAccount(h, "n5@agents.example.com");
    await only({ connectExistingEmail: "conflict" });
    const r = await h.api("POST", "/v3/connect/custom", { provider: "nylas", settings: { email: "n5@agents.example.com" } });
    expect([r.status, r.body.error.message]).toEqual([409, expect.stringContaining(g.id)]);
  });

  test("workspaceByDomain (N6) and domainByAddress (N7): UUID only", async () => {
    const ws = (await h.api("POST", "/v3/workspaces", { name: "W", domain: "n6.example.com" })).body.data.workspace_id;
    const d = (await h.iam("POST", "/v3/domains", { name: "D", domain_address: "n7.example.com" })).body.data;
    await only({ workspaceByDomain: "refused", domainByAddress: "refused" });
    expect((await h.api("GET", "/v3/workspaces/n6.example.com")).status).toBe(404);
    expect((await h.api("POST", "/v3/workspaces/n6.example.com/manual-assign", { assign_grants: ["x"] })).status).toBe(404);
    expect((await h.api("DELETE", "/v3/workspaces/n6.example.com")).status).toBe(404);
    expect((await h.api("GET", `/v3/workspaces/${ws}`)).status).toBe(200);
    expect((await h.iam("GET", "/v3/domains/n7.example.com")).status).toBe(404);
    expect((await h.signed("GET", "/v3/admin/domains/n7.example.com")).status).toBe(404);
    expect((await h.iam("GET", `/v3/domains/${d.id}`)).status).toBe(200);
  });
});

describe("workspaces and assignment", () => {
  test("autoGroupDefault (A1): true, or true when a domain is given", async () => {
    await only({ autoGroupDefault: "true" });
    expect((await h.api("POST", "/v3/workspaces", { name: "a", domain: "a1.example.com" })).body.data.auto_group).toBe(true);
    await only({ autoGroupDefault: "if-domain" });
    expect((await h.api("POST", "/v3/workspaces", { name: "b", domain: "b1.example.com" })).body.data.auto_group).toBe(true);
    expect((await h.api("POST", "/v3/workspaces", { name: "c" })).body.data.auto_group).toBe(false);
    expect((await h.api("POST", "/v3/workspaces", { name: "d", domain: "d1.example.com", auto_group: false })).body.data.auto_group).toBe(false);
  });

  test("domainlessWorkspaceDomain (A2): \"\" or left out", async () => {
    const ws = (await h.api("POST", "/v3/workspaces", { name: "bare" })).body.data.workspace_id;
    await only({ domainlessWorkspaceDomain: "empty" });
    expect((await h.api("GET", `/v3/workspaces/${ws}`)).body.data.domain).toBe("");
    await only({ domainlessWorkspaceDomain: "absent" });
    const body = (await h.api("GET", `/v3/workspaces/${ws}`)).body.data;
    expect("domain" in body).toBe(false);
    const assigned = (await h.api("POST", `/v3/workspaces/${ws}/manual-assign`, { assign_grants: [(await createAccount(h, "a2@agents.example.com")).id] })).body.data;
    expect(assigned.domain).toBeUndefined();
  });

  test("workspaceWithoutDomain (A3): refused", async () => {
    await only({ workspaceWithoutDomain: "refused" });
    const r = await h.api("POST", "/v3/workspaces", { name: "bare" });
    expect([r.status, r.body.error.message]).toEqual([400, "domain is required"]);
  });

  test("manualAssignIntoAutoGroup (A4): allowed", async () => {
    const ws = (await h.api("POST", "/v3/workspaces", { name: "auto", domain: "a4.example.com", auto_group: true })).body.data.workspace_id;
    const g = await createAccount(h, "a4@agents.example.com");
    await only({ manualAssignIntoAutoGroup: "allowed" });
    expect((await h.api("POST", `/v3/workspaces/${ws}/manual-assign`, { assign_grants: [g.id] })).body.data.grants_assigned).toEqual([g.id]);
  });

  test("grantMoveIntoAutoGroup (A5): grant PATCH workspace_id into an auto_group workspace refused", async () => {
    const ws = (await h.api("POST", "/v3/workspaces", { name: "auto", domain: "a5.example.com", auto_group: true })).body.data.workspace_id;
    const g = await createAccount(h, "a5@agents.example.com");
    await only({ grantMoveIntoAutoGroup: "rejected" });
    const r = await h.api("PATCH", `/v3/grants/${g.id}`, { workspace_id: ws });
    expect([r.status, r.body.error.message]).toEqual([400, expect.stringContaining("auto_group")]);
    expect((await h.api("GET", `/v3/grants/${g.id}`)).body.data.workspace_id).not.toBe(ws);
  });

  test("ruleIdsNull (A6): rule_ids: null keeps the rules", async () => {
    const r = (await h.api("POST", "/v3/rules", rule("r"))).body.data.id;
    const ws = (await h.api("POST", "/v3/workspaces", { name: "w", rule_ids: [r] })).body.data.workspace_id;
    await only({ ruleIdsNull: "keep" });
    expect((await h.api("PATCH", `/v3/workspaces/${ws}`, { rule_ids: null })).body.data.rule_ids).toEqual([r]);
    expect((await h.api("PATCH", `/v3/workspaces/${ws}`, { rule_ids: [] })).body.data.rule_ids).toEqual([]);
  });
});

describe("rules and policies", () => {
  test("outboundRuleScope (R1): an outbound rule no workspace lists blocks every send; 'workspace' scopes it", async () => {
    const g = await createAccount(h, "r1@agents.example.com");
    await h.api("POST", "/v3/rules", {
      name: "no mail to elsewhere",
      trigger: "outbound",
      match: { conditions: [{ field: "recipient.domain", operator: "is", value: "elsewhere.example" }] },
      actions: [{ type: "block" }],
    });
    const send = () => h.api("POST", `/v3/grants/${g.id}/messages/send`, { to: [{ email: "x@elsewhere.example" }], subject: "s", body: "b" });
    expect((await send()).status).toBe(403);
    await only({ outboundRuleScope: "workspace" });
    expect((await send()).status).toBe(200);
  });

  test("unlimitedFields (R3): -1 only for the daily counts, or only for storage", async () => {
    const post = (limits: Record<string, number>) => h.api("POST", "/v3/policies", { name: "p", limits });
    await only({ unlimitedFields: "daily-counts" });
    expect((await post({ limit_count_daily_email_sent: -1 })).status).toBe(200);
    expect((await post({ limit_storage_total: -1 })).status).toBe(400);
    expect((await post({ limit_inbox_retention_period: -1 })).status).toBe(400);
    await only({ unlimitedFields: "storage" });
    expect((await post({ limit_storage_total: -1 })).status).toBe(200);
    expect((await post({ limit_count_daily_message_received: -1 })).status).toBe(400);
  });
});

describe("limits, rate limiting, domains", () => {
  test("rateLimitErrorType (L1) and retryAfterOn429 (L2): nylas_rate_limit_exceeded without Retry-After", async () => {
    await only({ rateLimitErrorType: "nylas_rate_limit_exceeded", retryAfterOn429: false });
    await h.control.config({ rateLimitPerSecond: 2 });
    try {
      const all = await Promise.all(Array.from({ length: 8 }, () => h.api("GET", "/v3/webhooks")));
      const limited = all.filter((r) => r.status === 429);
      expect(limited.length).toBeGreaterThanOrEqual(1);
      for (const r of limited) {
        expect(r.body.error.type).toBe("nylas_rate_limit_exceeded");
        expect(r.headers.get("retry-after")).toBeNull();
      }
      // fault-injected 429s use the same type
      await h.control.config({ rateLimitPerSecond: null });
      await h.control.faults([{ path: "^/v3/policies$", kind: "status", status: 429, times: 1 }]);
      expect((await h.api("GET", "/v3/policies")).body.error.type).toBe("nylas_rate_limit_exceeded");
    } finally {
      await h.control.config({ rateLimitPerSecond: null });
    }
  });

  test("verificationTypes (L6): five everywhere, or five on the older signed route only", async () => {
    const d = (await h.iam("POST", "/v3/domains", { name: "D", domain_address: "l6.example.com" })).body.data;
    await only({ verificationTypes: "five" });
    expect((await h.iam("POST", `/v3/domains/${d.id}/info`, { type: "dmarc" })).status).toBe(400);
    expect((await h.iam("POST", `/v3/domains/${d.id}/info`, { type: "dkim" })).status).toBe(200);
    await only({ verificationTypes: "five-on-legacy-route" });
    expect((await h.iam("POST", `/v3/domains/${d.id}/info`, { type: "arc" })).status).toBe(200);
    const old = await h.signed("POST", `/v3/admin/domains/${d.id}/info`, { type: "arc" });
    expect([old.status, old.body.error.message]).toEqual([400, "type must be one of: ownership, mx, spf, dkim, feedback"]);
  });

  test("verificationAnswer (L7): the flat attempt (host, value, status), no options, no top-level status", async () => {
    const d = (await h.iam("POST", "/v3/domains", { name: "D", domain_address: "l7.example.com" })).body.data;
    await only({ verificationAnswer: "flat" });
    const info = (await h.iam("POST", `/v3/domains/${d.id}/info`, { type: "ownership" })).body.data;
    expect(info).toEqual({
      domain_id: d.id,
      attempt: { type: "ownership", host: "@", value: expect.stringMatching(/^nylas-ownership-verify=/), status: "pending" },
      created_at: expect.any(Number),
      expires_at: expect.any(Number),
      message: expect.any(String),
    });
    expect((await h.iam("POST", `/v3/domains/${d.id}/verify`, { type: "ownership" })).body.data.attempt.status).toBe("done");
  });

  test("unknownTriggerTypes (L11): names outside the create enum accepted", async () => {
    await only({ unknownTriggerTypes: "accepted" });
    const r = await h.api("POST", "/v3/webhooks", { webhook_url: `${rcv.url}/l11`, trigger_types: ["contact.created", "message.created.truncated"] });
    expect([r.status, r.body.data?.trigger_types]).toEqual([200, ["contact.created", "message.created.truncated"]]);
    expect((await h.api("POST", "/v3/webhooks", { webhook_url: `${rcv.url}/l11b`, trigger_types: ["grant.exploded"] })).status).toBe(400);
  });

  test("legacyDomainsRoute (L12): /v3/admin/domains removed (404 even unsigned); /v3/domains still served", async () => {
    await only({ legacyDomainsRoute: "removed" });
    const signed = await h.signed("GET", "/v3/admin/domains");
    expect([signed.status, signed.body.error.type]).toEqual([404, "not_found_error"]);
    expect((await h.raw("POST", "/v3/admin/domains", "{}")).status).toBe(404);
    expect((await h.iam("GET", "/v3/domains")).status).toBe(200);
  });
});
