/** Rule evaluations: one record per inbound message (RCPT block or inbox processing) and per send, newest first. */
import { createAccount, useHarness } from "./helpers";

const h = useHarness();
let g: any;
let ws: string;
beforeEach(async () => {
  g = await createAccount(h, "eval@agents.example.com");
  ws = (await h.api("POST", "/v3/workspaces", { name: "eval" })).body.data.workspace_id;
  await h.api("PATCH", `/v3/grants/${g.id}`, { workspace_id: ws });
});

const rule = async (trigger: string, field: string, value: string, actions: unknown[]) =>
  (
    await h.api("POST", "/v3/rules", {
      name: `${trigger} ${value}`,
      trigger,
      match: { conditions: [{ field, operator: "is", value }] },
      actions,
    })
  ).body.data.id as string;
const attach = (ids: string[]) => h.api("PATCH", `/v3/workspaces/${ws}`, { rule_ids: ids });
const inbound = (from: string, subject = "s") => h.ctl("POST", "/inbound", { from, to: g.email, subject, body: "x" });
const evaluations = (q = "") => h.api("GET", `/v3/grants/${g.id}/rule-evaluations${q}`);

test("every inbound message is recorded — blocked at RCPT (no message), filed, or untouched", async () => {
  const block = await rule("inbound", "from.domain", "spam.example", [{ type: "block" }]);
  const spam = await rule("inbound", "from.domain", "meh.example", [{ type: "mark_as_spam" }, { type: "mark_as_starred" }]);
  await attach([block, spam]);

  const blocked = await inbound("x@spam.example");
  expect(blocked.body.data).toEqual([]);
  expect(blocked.body.results).toEqual([expect.objectContaining({ grant_id: g.id, outcome: "blocked", smtp_code: 550 })]);
  const junked = (await inbound("y@meh.example")).body.data[0];
  expect(junked).toMatchObject({ folders: ["junk"], starred: true });
  const plain = (await inbound("Z@Friend.Example")).body.data[0];

  const r = await evaluations();
  expect(r.status).toBe(200);
  expect(r.body.next_cursor).toBeUndefined();
  const [e3, e2, e1] = r.body.data; // newest first
  expect(e1).toEqual({
    id: expect.any(String),
    grant_id: g.id,
    message_id: null,
    evaluated_at: expect.any(Number),
    evaluation_stage: "smtp_rcpt",
    evaluation_input: { from_address: "x@spam.example", from_domain: "spam.example", from_tld: "example" },
    applied_actions: { blocked: true },
    matched_rule_ids: [block],
    application_id: expect.any(String),
    organization_id: expect.any(String),
    created_at: expect.any(Number),
    updated_at: expect.any(Number),
  });
  expect(e2).toMatchObject({
    message_id: junked.id,
    evaluation_stage: "inbox_processing",
    applied_actions: { marked_as_spam: true, marked_starred: true },
    matched_rule_ids: [spam],
  });
  expect(e3).toMatchObject({
    message_id: plain.id,
    evaluation_stage: "inbox_processing",
    evaluation_input: { from_address: "z@friend.example", from_domain: "friend.example", from_tld: "example" },
    applied_actions: {},
    matched_rule_ids: [],
  });
});

test("sends are recorded at outbound_send with recipients; a blocked send has no message", async () => {
  const out = await rule("outbound", "recipient.domain", "blocked.example", [{ type: "block" }]);
  await attach([out]);
  const ok = await h.api("POST", `/v3/grants/${g.id}/messages/send`, { to: [{ email: "A@ok.example" }, { email: "b@ok.co.uk" }], body: "x" });
  expect(ok.status).toBe(200);
  const no = await h.api("POST", `/v3/grants/${g.id}/messages/send`, { to: [{ email: "c@blocked.example" }], body: "x" });
  expect(no.status).toBe(403);
  const [blocked, sent] = (await evaluations()).body.data;
  expect(sent).toMatchObject({
    message_id: ok.body.data.id,
    evaluation_stage: "outbound_send",
    evaluation_input: {
      from_address: "eval@agents.example.com",
      recipient_addresses: ["a@ok.example", "b@ok.co.uk"],
      recipient_domains: ["ok.example", "ok.co.uk"],
      recipient_tlds: ["example", "uk"],
      outbound_type: "compose",
    },
    matched_rule_ids: [],
  });
  expect(blocked).toMatchObject({ message_id: null, evaluation_stage: "outbound_send", applied_actions: { blocked: true }, matched_rule_ids: [out] });
});

test("paged newest first with limit/page_token; message_id omitted instead of null as a variant; unknown grant 404", async () => {
  for (let i = 0; i < 5; i++) await inbound(`s${i}@x.example`, `m${i}`);
  const subjects: string[] = [];
  const ids = new Map<string, string>();
  for (const m of (await h.api("GET", `/v3/grants/${g.id}/messages`)).body.data) ids.set(m.id, m.subject);
  let cursor: string | undefined;
  do {
    const r = await evaluations(`?limit=2${cursor ? `&page_token=${cursor}` : ""}`);
    expect(r.body.data.length).toBeLessThanOrEqual(2);
    subjects.push(...r.body.data.map((e: any) => ids.get(e.message_id)!));
    cursor = r.body.next_cursor;
  } while (cursor);
  expect(subjects).toEqual(["m4", "m3", "m2", "m1", "m0"]);

  const block = await rule("inbound", "from.domain", "spam.example", [{ type: "block" }]);
  await attach([block]);
  await h.ctl("POST", "/variance", { switches: { ruleEvaluationNoMessage: "absent" } });
  await inbound("x@spam.example");
  const newest = (await evaluations("?limit=1")).body.data[0];
  expect(newest.evaluation_stage).toBe("smtp_rcpt");
  expect("message_id" in newest).toBe(false);
  expect((await h.api("GET", "/v3/grants/nope/rule-evaluations")).status).toBe(404);
});

test("evaluations are deleted with the grant", async () => {
  const other = await createAccount(h, "other@agents.example.com");
  await h.ctl("POST", "/inbound", { from: "a@b.example", to: [g.email, other.email], body: "x" });
  expect((await h.ctl("GET", "/state")).body.rule_evaluations).toHaveLength(2);
  await h.api("DELETE", `/v3/grants/${g.id}`);
  expect((await h.ctl("GET", "/state")).body.rule_evaluations.map((e: any) => e.grant_id)).toEqual([other.id]);
});
