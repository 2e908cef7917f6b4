/** Outside correspondents: injected mail through rules and policy (inbox, junk, nowhere), threading, webhooks, the outbox and replies to it. */
import { EmulatorControl, EmulatorControlError } from "../../emulator/control-client";
import { WebhookReceiver } from "../../emulator/receiver";
import { createAccount, hmacHex, useHarness } from "./helpers";

const h = useHarness();
let rcv: WebhookReceiver;
let agent: { id: string; email: string };
let secret: string;
const customer = { email: "dana@customer.example", name: "Dana" };

beforeEach(async () => {
  agent = await createAccount(h, "agent@agents.example.com", { name: "Agent" });
  rcv = await WebhookReceiver.start();
  secret = (await h.api("POST", "/v3/webhooks", { trigger_types: ["message.created"], webhook_url: `${rcv.url}/hook` })).body.data.webhook_secret;
});
afterEach(() => rcv.close());

const defaultWorkspace = async () => (await h.control.state()).default_workspace_id;

/** Attaches a policy with these spam settings to the agent's (default) workspace. */
async function spamPolicy(spam_detection: Record<string, unknown>, limits: Record<string, unknown> = {}) {
  const p = (await h.api("POST", "/v3/policies", { name: "p", spam_detection, limits })).body.data;
  await h.api("PATCH", `/v3/workspaces/${await defaultWorkspace()}`, { policy_id: p.id });
}

test("injected mail lands in the inbox, threads, and fires a signed message.created", async () => {
  const r = await h.control.injectMail({ from: customer, to: agent.email, cc: "someone@else.example", subject: "Quote?", body: "<p>Price for 20 seats?</p>" });
  expect(r.message_id).toMatch(/^<.+@customer\.example>$/);
  expect(r.results).toEqual([
    { email: agent.email, grant_id: agent.id, outcome: "delivered", folder: "inbox", message_id: expect.any(String), thread_id: expect.any(String), matched_rule_ids: [] },
    { email: "someone@else.example", outcome: "not_an_agent_account", matched_rule_ids: [] },
  ]);
  const m = (await h.api("GET", `/v3/grants/${agent.id}/messages/${r.results[0].message_id}`)).body.data;
  expect(m).toMatchObject({ folders: ["inbox"], unread: true, subject: "Quote?", from: [customer], cc: [{ email: "someone@else.example" }] });
  expect(m.headers).toEqual(expect.arrayContaining([{ name: "Message-ID", value: r.message_id }, { name: "From", value: "Dana <dana@customer.example>" }]));

  const d = await rcv.waitFor((x) => x.json?.type === "message.created");
  expect(d.headers["x-nylas-signature"]).toBe(hmacHex(secret, d.rawBody));
  expect(d.json.data.object).toMatchObject({ id: m.id, grant_id: agent.id, thread_id: m.thread_id });

  // A reply with In-Reply-To joins the thread; References alone do too.
  const reply = await h.control.injectMail({ from: customer, to: agent.email, subject: "Re: Quote?", in_reply_to: r.message_id });
  expect(reply.results[0].thread_id).toBe(m.thread_id);
  const refOnly = await h.control.injectMail({ from: customer, to: agent.email, subject: "also", references: [r.message_id] });
  expect(refOnly.results[0].thread_id).toBe(m.thread_id);
  const replyMsg = (await h.api("GET", `/v3/grants/${agent.id}/messages/${reply.results[0].message_id}`)).body.data;
  expect(replyMsg.headers).toEqual(expect.arrayContaining([{ name: "In-Reply-To", value: r.message_id }, { name: "References", value: r.message_id }]));
  const fresh = await h.control.injectMail({ from: customer, to: agent.email, subject: "Quote?" });
  expect(fresh.results[0].thread_id).not.toBe(m.thread_id); // same subject, no references: a new thread
});

test("rules decide: block → nowhere (no webhook), mark_as_spam → junk, archive → archive", async () => {
  const rule = async (name: string, value: string, type: string) =>
    (await h.api("POST", "/v3/rules", { name, match: { conditions: [{ field: "from.domain", operator: "is", value }] }, actions: [{ type }] })).body.data.id;
  const ids = [await rule("block", "blocked.example", "block"), await rule("junk", "junky.example", "mark_as_spam"), await rule("arch", "news.example", "archive")];
  await h.api("PATCH", `/v3/workspaces/${await defaultWorkspace()}`, { rule_ids: ids });

  const blocked = await h.control.injectMail({ from: "x@blocked.example", to: agent.email, subject: "b" });
  expect(blocked.data).toEqual([]);
  expect(blocked.results[0]).toEqual({
    email: agent.email,
    grant_id: agent.id,
    outcome: "blocked",
    matched_rule_ids: [ids[0]],
    smtp_code: 550,
    reason: expect.stringContaining(ids[0]),
  });
  const junk = await h.control.injectMail({ from: "x@junky.example", to: agent.email, subject: "j" });
  expect(junk.results[0]).toMatchObject({ outcome: "delivered", folder: "junk", matched_rule_ids: [ids[1]] });
  const news = await h.control.injectMail({ from: "x@news.example", to: agent.email, subject: "n" });
  expect(news.results[0]).toMatchObject({ outcome: "delivered", folder: "archive" });

  await rcv.waitFor((x) => x.json?.data?.object?.subject === "n");
  const notified = rcv.deliveries.map((x) => x.json.data.object.subject).sort();
  expect(notified).toEqual(["j", "n"]); // the blocked one left no trace
  expect((await h.control.state()).messages.map((m) => m.subject).sort()).toEqual(["j", "n"]);
});

test("one pipeline: every injected message leaves a rule evaluation, rules file into custom folders, webhooks and channels hear of it", async () => {
  const ws = await defaultWorkspace();
  const folder = (await h.api("POST", `/v3/grants/${agent.id}/folders`, { name: "Clients/Acme" })).body.data;
  const rule = async (value: string, actions: unknown[]) =>
    (await h.api("POST", "/v3/rules", { name: `r ${value}`, match: { conditions: [{ field: "from.domain", operator: "is", value }] }, actions })).body.data.id as string;
  const file = await rule("acme.example", [{ type: "assign_to_folder", value: "Clients/Acme" }, { type: "mark_as_starred" }]);
  const block = await rule("blocked.example", [{ type: "block" }]);
  await h.api("PATCH", `/v3/workspaces/${ws}`, { rule_ids: [file, block] });
  const channel = (await h.api("POST", "/v3/channels/pubsub", { topic: "projects/acme-prod/topics/agent-mail", trigger_types: ["message.created"] })).body.data;

  const filed = (await h.control.injectMail({ from: "ceo@acme.example", to: agent.email, subject: "order" })).results[0];
  expect(filed).toMatchObject({ outcome: "delivered", folder: folder.id, matched_rule_ids: [file] });
  const blocked = (await h.control.injectMail({ from: "x@blocked.example", to: agent.email, subject: "nope" })).results[0];
  expect(blocked).toMatchObject({ outcome: "blocked", smtp_code: 550, matched_rule_ids: [block] });
  const plain = (await h.control.injectMail({ from: customer, to: agent.email, subject: "hello" })).results[0];

  const evaluations = (await h.api("GET", `/v3/grants/${agent.id}/rule-evaluations`)).body.data;
  expect(evaluations.map((e: any) => [e.evaluation_stage, e.message_id, e.applied_actions, e.matched_rule_ids])).toEqual([
    ["inbox_processing", plain.message_id, {}, []],
    ["smtp_rcpt", null, { blocked: true }, [block]],
    ["inbox_processing", filed.message_id, { folder_ids: [folder.id], marked_starred: true }, [file]],
  ]);

  await rcv.waitFor((x) => x.json?.data?.object?.subject === "hello");
  expect(rcv.deliveries.map((x) => x.json.data.object.subject)).toEqual(["order", "hello"]);
  const published = await h.control.channelDeliveries();
  expect(published.map((d) => [d.channel_id, d.trigger, d.status, JSON.parse(d.message).data.object.subject])).toEqual([
    [channel.id, "message.created", 200, "order"],
    [channel.id, "message.created", 200, "hello"],
  ]);
  expect((await h.control.deliveries()).every((d) => "webhook_id" in d)).toBe(true);
});

test("policy spam detection files suspicious mail in junk; the L10 switch junkNotification: silent keeps it quiet", async () => {
  await spamPolicy({ use_list_dnsbl: true, use_header_anomaly_detection: true, spam_sensitivity: 1 });
  await h.control.config({ dnsbl: ["spam-source.example"] });

  const listed = await h.control.injectMail({ from: "promo@mail.spam-source.example", to: agent.email, subject: "listed" });
  expect(listed.results[0]).toMatchObject({ folder: "junk", spam: { spam: true, score: 5, threshold: 5, reasons: ["sender domain spam-source.example is on the DNSBL"] } });

  const oneAnomaly = await h.control.injectMail({ from: customer, to: agent.email, reply_to: "collect@elsewhere.example", subject: "one" });
  expect(oneAnomaly.results[0]).toMatchObject({ folder: "inbox", spam: { spam: false, score: 2.5 } });

  const twoAnomalies = await h.control.injectMail({
    from: { email: "billing@pay.example", name: "support@bank.example" },
    to: agent.email,
    reply_to: "collect@elsewhere.example",
    subject: "two",
  });
  expect(twoAnomalies.results[0]).toMatchObject({ folder: "junk", spam: { spam: true, score: 5 } });
  expect(twoAnomalies.results[0].spam!.reasons).toHaveLength(2);

  // Higher sensitivity: one anomaly (a Return-Path from another domain) is enough.
  await spamPolicy({ use_header_anomaly_detection: true, spam_sensitivity: 2 });
  const rp = await h.control.injectMail({ from: customer, to: agent.email, subject: "rp", headers: [{ name: "Return-Path", value: "<bounce@other.example>" }] });
  expect(rp.results[0]).toMatchObject({ folder: "junk", spam: { spam: true, threshold: 2.5 } });

  await rcv.waitFor((x) => x.json?.data?.object?.subject === "rp");
  await h.control.variance({ switches: { junkNotification: "silent" } });
  const quiet = await h.control.injectMail({ from: customer, to: agent.email, subject: "quiet", headers: [{ name: "Return-Path", value: "<bounce@other.example>" }] });
  expect(quiet.results[0].folder).toBe("junk");
  await h.control.injectMail({ from: customer, to: agent.email, subject: "loud" });
  await rcv.waitFor((x) => x.json?.data?.object?.subject === "loud");
  expect(rcv.deliveries.map((x) => x.json.data.object.subject)).not.toContain("quiet");
});

test("policy limits refuse mail: daily received count and total MIME size", async () => {
  await spamPolicy({}, { limit_count_daily_message_received: 2, limit_size_total_mime: 5000 });
  expect((await h.control.injectMail({ from: customer, to: agent.email, subject: "big", body: "x".repeat(6000) })).results[0]).toMatchObject({
    outcome: "refused",
    smtp_code: 552,
    reason: expect.stringContaining("limit_size_total_mime"),
  });
  // size_bytes stands for the whole MIME message
  expect((await h.control.injectMail({ from: customer, to: agent.email, subject: "declared big", size_bytes: 5001 })).results[0]).toMatchObject({
    outcome: "refused",
    smtp_code: 552,
  });
  for (const s of ["1", "2"]) expect((await h.control.injectMail({ from: customer, to: agent.email, subject: s })).results[0].outcome).toBe("delivered");
  expect((await h.control.injectMail({ from: customer, to: agent.email, subject: "3" })).results[0]).toMatchObject({
    outcome: "refused",
    smtp_code: 452,
    reason: expect.stringContaining("limit_count_daily_message_received (2)"),
  });
  // Yesterday's mail does not count.
  const yesterday = Math.floor(Date.now() / 1000) - 86_400 * 2;
  await h.control.reset();
  agent = await createAccount(h, "agent@agents.example.com");
  await spamPolicy({}, { limit_count_daily_message_received: 1 });
  await h.control.injectMail({ from: customer, to: agent.email, subject: "old", date: yesterday });
  expect((await h.control.injectMail({ from: customer, to: agent.email, subject: "today" })).results[0].outcome).toBe("delivered");
});

test("mail to outside addresses is kept in the outbox; the correspondent's answer joins the thread", async () => {
  const first = await h.control.injectMail({ from: customer, to: agent.email, subject: "Demo?" });
  const inbound = first.results[0];
  const sent = (
    await h.api("POST", `/v3/grants/${agent.id}/messages/send`, {
      to: [customer],
      bcc: [{ email: "crm@log.example" }],
      subject: "Re: Demo?",
      body: "Tuesday 10:00?",
      reply_to_message_id: inbound.message_id,
    })
  ).body.data;
  // Mail between agent accounts is delivered, not kept in the outbox.
  await createAccount(h, "other@agents.example.com");
  await h.api("POST", `/v3/grants/${agent.id}/messages/send`, { to: [{ email: "other@agents.example.com" }], subject: "internal" });

  const outbox = await h.control.outbox();
  expect(outbox).toHaveLength(1);
  const out = outbox[0];
  expect(out).toMatchObject({
    grant_id: agent.id,
    message_id: sent.id,
    thread_id: inbound.thread_id,
    recipients: [customer.email, "crm@log.example"],
    subject: "Re: Demo?",
    body: "Tuesday 10:00?",
    in_reply_to: first.message_id,
    references: [first.message_id],
    rfc_message_id: expect.stringMatching(/^<.+@agents\.example\.com>$/),
  });
  expect(out.headers.map((x) => x.name)).not.toContain("Bcc");
  expect(await h.control.outboxMessage(out.id)).toEqual(out);
  expect(await h.control.outbox({ to: "crm@log.example" })).toHaveLength(1);
  expect(await h.control.outbox({ to: "nobody@x.example" })).toEqual([]);

  const answer = await h.control.replyToOutbox(out.id, { body: "Tuesday works." });
  expect(answer.results[0]).toMatchObject({ email: agent.email, outcome: "delivered", folder: "inbox", thread_id: inbound.thread_id });
  const m = (await h.api("GET", `/v3/grants/${agent.id}/messages/${answer.results[0].message_id}`)).body.data;
  expect(m).toMatchObject({ subject: "Re: Demo?", from: [{ email: customer.email }], to: [{ email: agent.email, name: "Agent" }] });
  expect(m.headers).toEqual(expect.arrayContaining([{ name: "In-Reply-To", value: out.rfc_message_id }, { name: "References", value: `${first.message_id} ${out.rfc_message_id}` }]));
  const thread = (await h.api("GET", `/v3/grants/${agent.id}/threads/${inbound.thread_id}`)).body.data;
  expect(thread.message_ids).toHaveLength(3);

  await expect(h.control.replyToOutbox("nope")).rejects.toThrow(EmulatorControlError);
  await h.control.clearOutbox();
  expect(await h.control.outbox()).toEqual([]);
});

test("bad inject requests are refused with a message naming the field", async () => {
  const refused = async (body: unknown) => {
    const r = await h.ctl("POST", "/inbound", body);
    expect(r.status).toBe(400);
    return r.body.error.message as string;
  };
  expect(await refused({ to: agent.email })).toMatch(/^from must be/);
  expect(await refused({ from: customer })).toMatch(/^to is required/);
  expect(await refused({ from: customer, to: ["ok@x.example", "not an address"] })).toMatch(/^to\[1\] must be/);
  expect(await refused({ from: customer, to: agent.email, date: "yesterday" })).toMatch(/^date must be/);
  expect(await refused({ from: customer, to: agent.email, headers: [{ name: "X" }] })).toMatch(/^headers\[0\]/);
});

test("the outbox survives a restart with a data directory", async () => {
  const { mkdtempSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const path = await import("node:path");
  const { startEmulator } = await import("../../emulator");
  const dir = mkdtempSync(path.join(tmpdir(), "nylas-outbox-"));
  try {
    let emu = await startEmulator({ dataDir: dir, quiet: true, fsync: false });
    const api = (method: string, p: string, body?: unknown) =>
      fetch(`${emu.url}${p}`, { method, headers: { authorization: `Bearer ${emu.apiKey}`, "content-type": "application/json" }, body: JSON.stringify(body) }).then((r) => r.json() as Promise<any>);
    await api("POST", "/v3/connectors", { provider: "nylas" });
    const g = (await api("POST", "/v3/connect/custom", { provider: "nylas", settings: { email: "p@agents.example.com" } })).data;
    await api("POST", `/v3/grants/${g.id}/messages/send`, { to: [{ email: "x@outside.example" }], subject: "kept" });
    await emu.close();
    emu = await startEmulator({ dataDir: dir, quiet: true, fsync: false });
    const kept = await new EmulatorControl(emu.url).outbox();
    await emu.close();
    expect(kept.map((m) => [m.subject, m.recipients])).toEqual([["kept", ["x@outside.example"]]]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
