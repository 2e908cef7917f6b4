/** SMTP: a mail client (nodemailer) submits as the agent with its app password; inbound SMTP to agent accounts. */
import * as nodemailer from "nodemailer";
import { createAccount, useHarness } from "./helpers";

const h = useHarness({ emulator: { smtp: { port: 0 } } });
let agent: { id: string; email: string };
let colleague: { id: string; email: string };
const APP_PASSWORD = "Agent-App-Passw0rd-2026";

beforeEach(async () => {
  agent = await createAccount(h, "agent@agents.example.com", { name: "Agent", settings: { email: "agent@agents.example.com", app_password: APP_PASSWORD } });
  colleague = await createAccount(h, "colleague@agents.example.com");
});

/** A mail client: STARTTLS (the emulator's self-signed certificate), then AUTH. */
const client = (auth?: { user: string; pass: string }) =>
  nodemailer.createTransport({ host: h.emu.smtp!.host, port: h.emu.smtp!.port, secure: false, auth, tls: { rejectUnauthorized: false } });

const messages = async (grantId: string, folder: string) => (await h.api("GET", `/v3/grants/${grantId}/messages?in=${folder}`)).body.data as any[];

test("the emulator reports where SMTP listens", () => {
  expect(h.emu.smtp).toEqual({ host: "127.0.0.1", port: expect.any(Number) });
  expect(h.emu.smtp!.port).toBeGreaterThan(0);
});

test("a mail client sends as the agent with its app password: sent copy, delivery to agents, outbox for the rest", async () => {
  const info = await client({ user: agent.email, pass: APP_PASSWORD }).sendMail({
    from: '"Agent Smith" <agent@agents.example.com>',
    to: "Pat <pat@customer.example>, colleague@agents.example.com",
    bcc: "audit@archive.example",
    subject: "Your quote",
    text: "Hello Pat,\n20 seats: 15% off.",
    html: "<p>Hello Pat,</p><p>20 seats: 15% off.</p>",
    headers: { "X-Campaign": "q4" },
  });
  expect(info.accepted.sort()).toEqual(["audit@archive.example", "colleague@agents.example.com", "pat@customer.example"]);
  expect(info.response).toMatch(/^250 .*queued as /);

  const [sent] = await messages(agent.id, "sent");
  expect(sent).toMatchObject({
    subject: "Your quote",
    body: "<p>Hello Pat,</p><p>20 seats: 15% off.</p>",
    from: [{ email: agent.email, name: "Agent Smith" }],
    to: [{ email: "pat@customer.example", name: "Pat" }, { email: "colleague@agents.example.com" }],
    bcc: [{ email: "audit@archive.example" }],
  });
  expect(sent.headers).toEqual(expect.arrayContaining([{ name: "X-Campaign", value: "q4" }]));
  const [delivered] = await messages(colleague.id, "inbox");
  expect(delivered).toMatchObject({ subject: "Your quote", bcc: [] });

  const [out] = await h.control.outbox();
  expect(out).toMatchObject({ message_id: sent.id, recipients: ["pat@customer.example", "audit@archive.example"] });
});

test("a reply sent over SMTP with In-Reply-To joins the thread of the mail it answers", async () => {
  const inbound = await h.control.injectMail({ from: "pat@customer.example", to: agent.email, subject: "Question" });
  await client({ user: agent.email, pass: APP_PASSWORD }).sendMail({
    from: agent.email,
    to: "pat@customer.example",
    subject: "Re: Question",
    text: "Answer.",
    inReplyTo: inbound.message_id,
    references: [inbound.message_id],
  });
  const [sent] = await messages(agent.id, "sent");
  expect(sent.thread_id).toBe(inbound.results[0].thread_id);
  const [out] = await h.control.outbox();
  expect(out).toMatchObject({ in_reply_to: inbound.message_id, references: [inbound.message_id] });
});

test("AUTH fails with a wrong password, for an account without an app password, and for unknown users", async () => {
  const fails = (user: string, pass: string) =>
    client({ user, pass }).sendMail({ from: user, to: "x@y.example", subject: "s", text: "t" }).then(
      () => undefined,
      (e: { code?: string; responseCode?: number }) => [e.code, e.responseCode],
    );
  expect(await fails(agent.email, "Wrong-Passw0rd-1234567")).toEqual(["EAUTH", 535]);
  expect(await fails(colleague.email, APP_PASSWORD)).toEqual(["EAUTH", 535]);
  expect(await fails("nobody@agents.example.com", APP_PASSWORD)).toEqual(["EAUTH", 535]);
  expect(await messages(agent.id, "sent")).toEqual([]);
});

test("an authenticated agent may send only as itself", async () => {
  const err = await client({ user: agent.email, pass: APP_PASSWORD })
    .sendMail({ from: colleague.email, to: "x@y.example", subject: "spoof", text: "t" })
    .catch((e: { responseCode?: number; response?: string }) => e);
  expect(err).toMatchObject({ responseCode: 553, response: expect.stringContaining("may send only as itself") });
  expect(await messages(colleague.id, "sent")).toEqual([]);
});

test("an outbound block rule refuses the submission with 550", async () => {
  const rule = (await h.api("POST", "/v3/rules", {
    name: "no competitors",
    trigger: "outbound",
    match: { conditions: [{ field: "recipient.domain", operator: "is", value: "rival.example" }] },
    actions: [{ type: "block" }],
  })).body.data;
  await h.api("PATCH", `/v3/workspaces/${(await h.control.state()).default_workspace_id}`, { rule_ids: [rule.id] });
  const err = await client({ user: agent.email, pass: APP_PASSWORD })
    .sendMail({ from: agent.email, to: "ceo@rival.example", subject: "s", text: "t" })
    .catch((e: { responseCode?: number; response?: string }) => e);
  expect(err).toMatchObject({ responseCode: 550, response: expect.stringContaining(rule.id) });
  expect(await h.control.outbox()).toEqual([]);
});

test("without AUTH the server takes mail only for agent accounts, as their MX would; block rules reject at RCPT", async () => {
  const anonymous = client();
  await anonymous.sendMail({ from: '"Pat" <pat@customer.example>', to: agent.email, subject: "Over SMTP", text: "Hi agent", messageId: "<smtp-1@customer.example>" });
  const [m] = await messages(agent.id, "inbox");
  expect(m).toMatchObject({ subject: "Over SMTP", from: [{ email: "pat@customer.example", name: "Pat" }] });
  expect(m.headers).toEqual(expect.arrayContaining([{ name: "Message-ID", value: "<smtp-1@customer.example>" }]));

  const relay = await anonymous.sendMail({ from: "pat@customer.example", to: "someone@else.example", subject: "relay", text: "t" }).catch((e: { responseCode?: number }) => e);
  expect(relay).toMatchObject({ responseCode: 550 });

  const rule = (await h.api("POST", "/v3/rules", { name: "block pat", match: { conditions: [{ field: "from.address", operator: "is", value: "pat@customer.example" }] }, actions: [{ type: "block" }] })).body.data;
  await h.api("PATCH", `/v3/workspaces/${(await h.control.state()).default_workspace_id}`, { rule_ids: [rule.id] });
  const blocked = await anonymous.sendMail({ from: "pat@customer.example", to: agent.email, subject: "again", text: "t" }).catch((e: { responseCode?: number; rejected?: string[] }) => e);
  expect(blocked).toMatchObject({ responseCode: 550 });
  expect(await messages(agent.id, "inbox")).toHaveLength(1);

  // the same pipeline as injected mail: one rule evaluation per message, the RCPT-time block without one
  const evaluations = (await h.api("GET", `/v3/grants/${agent.id}/rule-evaluations`)).body.data;
  expect(evaluations.map((e: any) => [e.evaluation_stage, e.message_id, e.matched_rule_ids])).toEqual([
    ["smtp_rcpt", null, [rule.id]],
    ["inbox_processing", m.id, []],
  ]);
});

test("inbound SMTP: the policy's limit_size_total_mime refuses the message with 552 (nothing stored); spam detection files in junk", async () => {
  const p = (await h.api("POST", "/v3/policies", { name: "strict", limits: { limit_size_total_mime: 4000 }, spam_detection: { use_header_anomaly_detection: true, spam_sensitivity: 2 } })).body.data;
  await h.api("PATCH", `/v3/workspaces/${(await h.control.state()).default_workspace_id}`, { policy_id: p.id });
  const anonymous = client();
  const big = await anonymous.sendMail({ from: "pat@customer.example", to: agent.email, subject: "big", text: "x".repeat(5000) }).catch((e: { responseCode?: number; response?: string }) => e);
  expect(big).toMatchObject({ responseCode: 552, response: expect.stringContaining("limit_size_total_mime") });
  expect(await messages(agent.id, "inbox")).toEqual([]);

  await anonymous.sendMail({ from: "pat@customer.example", replyTo: "collect@elsewhere.example", to: agent.email, subject: "suspicious", text: "pay here" });
  expect((await messages(agent.id, "junk")).map((m) => m.subject)).toEqual(["suspicious"]);
});

test("SMTP submissions count against the send quotas like messages/send; a spent quota refuses the submission with 550", async () => {
  await h.control.plan("free");
  await h.control.setSendUsage(agent.id, { sent_today: 199 });
  const smtp = client({ user: agent.email, pass: APP_PASSWORD });
  await smtp.sendMail({ from: agent.email, to: "pat@customer.example", subject: "the 200th", text: "t" });
  expect(await h.control.setSendUsage(agent.id, {})).toMatchObject({ sent_today: 200 });
  const over = await smtp.sendMail({ from: agent.email, to: "pat@customer.example", subject: "the 201st", text: "t" }).catch((e: { responseCode?: number; response?: string }) => e);
  expect(over).toMatchObject({ responseCode: 550, response: expect.stringContaining("daily send limit reached") });
  expect((await messages(agent.id, "sent")).map((m) => m.subject)).toEqual(["the 200th"]);
  // the API's send path shares the counter
  const api = await h.api("POST", `/v3/grants/${agent.id}/messages/send`, { to: [{ email: "pat@customer.example" }], subject: "api" });
  expect([api.status, api.body.error?.message]).toEqual([403, expect.stringContaining("daily send limit reached")]);
});
