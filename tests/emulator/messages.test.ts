/** Messages between agent accounts: delivery, threading, webhooks, idempotency, rules. */
import { createAccount, hmacHex, useHarness } from "./helpers";
import { WebhookReceiver } from "../../emulator/receiver";

const h = useHarness();
let rcv: WebhookReceiver;
let alice: any;
let bob: any;
beforeEach(async () => {
  alice = await createAccount(h, "alice@agents.example.com", { name: "Alice" });
  bob = await createAccount(h, "bob@agents.example.com", { name: "Bob" });
  rcv = await WebhookReceiver.start();
});
afterEach(() => rcv.close());

const send = (grant: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  h.api("POST", `/v3/grants/${grant}/messages/send`, body, headers);

test("send delivers to the recipient's inbox (unread) and stores the sender's sent copy", async () => {
  const r = await send(alice.id, { to: [{ email: "bob@agents.example.com", name: "Bob" }], subject: "Hi", body: "<p>Hello Bob</p>" });
  expect(r.status).toBe(200);
  const sent = r.body.data;
  expect(sent).toMatchObject({
    object: "message",
    grant_id: alice.id,
    folders: ["sent"],
    unread: false,
    from: [{ email: "alice@agents.example.com", name: "Alice" }],
    to: [{ email: "bob@agents.example.com", name: "Bob" }],
    subject: "Hi",
    body: "<p>Hello Bob</p>",
    snippet: "Hello Bob",
    thread_id: expect.any(String),
    date: expect.any(Number),
  });
  const msgId = sent.headers.find((x: any) => x.name === "Message-ID").value;
  expect(msgId).toMatch(/^<.+@agents\.example\.com>$/);

  const inbox = await h.api("GET", `/v3/grants/${bob.id}/messages?unread=true&limit=10`);
  expect(inbox.status).toBe(200);
  expect(inbox.body.data).toHaveLength(1);
  const got = inbox.body.data[0];
  expect(got).toMatchObject({ grant_id: bob.id, folders: ["inbox"], unread: true, subject: "Hi", from: sent.from });
  expect(got.id).not.toBe(sent.id);
  expect(got.headers.find((x: any) => x.name === "Message-ID").value).toBe(msgId);

  expect((await h.api("GET", `/v3/grants/${alice.id}/messages?in=sent`)).body.data).toHaveLength(1);
  expect((await h.api("GET", `/v3/grants/${alice.id}/messages?in=inbox`)).body.data).toHaveLength(0);
  expect((await h.api("GET", `/v3/grants/${bob.id}/messages/${got.id}`)).body.data.id).toBe(got.id);
  expect((await h.api("GET", `/v3/grants/${alice.id}/messages/${got.id}`)).status).toBe(404);

  const upd = await h.api("PUT", `/v3/grants/${bob.id}/messages/${got.id}`, { unread: false });
  expect(upd.body.data.unread).toBe(false);
  expect((await h.api("GET", `/v3/grants/${bob.id}/messages?unread=true`)).body.data).toHaveLength(0);
});

test("a reply (reply_to_message_id) joins the thread on both sides; message.created carries thread_id", async () => {
  const wh = await h.api("POST", "/v3/webhooks", { webhook_url: `${rcv.url}/m`, trigger_types: ["message.created"] });
  const secret = wh.body.data.webhook_secret;

  const first = (await send(alice.id, { to: [{ email: "bob@agents.example.com" }], subject: "Plan", body: "v1?" })).body.data;
  const bobCopy = (await h.api("GET", `/v3/grants/${bob.id}/messages`)).body.data[0];

  // Bob's webhook event for his copy
  const evt = await rcv.waitFor((r) => r.json?.data?.object?.grant_id === bob.id);
  expect(evt.headers["x-nylas-signature"]).toBe(hmacHex(secret, evt.rawBody));
  expect(evt.json.data.object).toMatchObject({ id: bobCopy.id, thread_id: bobCopy.thread_id, folders: ["inbox"] });

  const reply = (await send(bob.id, { to: [{ email: "alice@agents.example.com" }], subject: "Re: Plan", body: "yes", reply_to_message_id: bobCopy.id })).body.data;
  expect(reply.thread_id).toBe(bobCopy.thread_id);
  const hdr = (m: any, n: string) => m.headers.find((x: any) => x.name === n)?.value;
  expect(hdr(reply, "In-Reply-To")).toBe(hdr(first, "Message-ID"));
  expect(hdr(reply, "References")).toBe(hdr(first, "Message-ID"));

  // Alice receives the reply in her thread
  const aliceEvt = await rcv.waitFor((r) => r.json?.data?.object?.grant_id === alice.id && r.json.data.object.folders.includes("inbox"));
  expect(aliceEvt.json.data.object.thread_id).toBe(first.thread_id);
  const thread = await h.api("GET", `/v3/grants/${alice.id}/threads/${first.thread_id}`);
  expect(thread.status).toBe(200);
  expect(thread.body.data).toMatchObject({
    object: "thread",
    id: first.thread_id,
    grant_id: alice.id,
    subject: "Plan",
    unread: true,
    folders: expect.arrayContaining(["sent", "inbox"]),
    draft_ids: [],
    has_attachments: false,
    earliest_message_date: expect.any(Number),
    latest_message_received_date: expect.any(Number),
    latest_message_sent_date: expect.any(Number),
  });
  expect(thread.body.data.message_ids).toHaveLength(2);
  expect(thread.body.data.participants.map((p: any) => p.email).sort()).toEqual(["alice@agents.example.com", "bob@agents.example.com"]);
  expect(thread.body.data.latest_draft_or_message.subject).toBe("Re: Plan");
  const byThread = await h.api("GET", `/v3/grants/${alice.id}/messages?thread_id=${first.thread_id}`);
  expect(byThread.body.data).toHaveLength(2);
  expect((await h.api("GET", `/v3/grants/${bob.id}/threads/${first.thread_id}`)).status).toBe(404);

  // a third message via In-Reply-To custom header also threads
  const third = (await send(alice.id, {
    to: [{ email: "bob@agents.example.com" }],
    subject: "Re: Plan",
    body: "great",
    custom_headers: [{ name: "In-Reply-To", value: hdr(reply, "Message-ID") }],
  })).body.data;
  expect(third.thread_id).toBe(first.thread_id);
  const bobThread = await h.api("GET", `/v3/grants/${bob.id}/threads/${bobCopy.thread_id}`);
  expect(bobThread.body.data.message_ids).toHaveLength(3);

  // a fresh message starts a new thread
  const fresh = (await send(alice.id, { to: [{ email: "bob@agents.example.com" }], subject: "Other" })).body.data;
  expect(fresh.thread_id).not.toBe(first.thread_id);
  const threads = await h.api("GET", `/v3/grants/${alice.id}/threads`);
  expect(threads.body.data).toHaveLength(2);
});

test("message.send_success and message.created for the sent copy", async () => {
  await h.api("POST", "/v3/webhooks", { webhook_url: `${rcv.url}/s`, trigger_types: ["message.send_success", "message.created"] });
  const sent = (await send(alice.id, { to: [{ email: "outside@example.net" }], subject: "x" })).body.data;
  const ok = await rcv.waitFor((r) => r.json?.type === "message.send_success");
  expect(ok.json.data.object.id).toBe(sent.id);
  const created = await rcv.waitFor((r) => r.json?.type === "message.created");
  expect(created.json.data.object).toMatchObject({ id: sent.id, folders: ["sent"] });
});

test("send validation", async () => {
  expect((await send(alice.id, { subject: "no recipients" })).status).toBe(400);
  expect((await send(alice.id, { to: [{ email: "nope" }] })).status).toBe(400);
  expect((await send(alice.id, { to: "bob@agents.example.com" })).status).toBe(400);
  const many = Array.from({ length: 51 }, (_, i) => ({ email: `r${i}@example.com` }));
  expect((await send(alice.id, { to: many })).status).toBe(400);
  expect((await send(alice.id, { to: [{ email: "b@example.com" }], from: [{ email: "someone@else.com" }] })).status).toBe(400);
  expect((await send(alice.id, { to: [{ email: "b@example.com" }], reply_to_message_id: "missing" })).status).toBe(400);
  expect((await send("nope", { to: [{ email: "b@example.com" }] })).status).toBe(404);
});

test("Idempotency-Key: replay with Idempotent-Response, 409 on a different payload, one message stored", async () => {
  const body = { to: [{ email: "bob@agents.example.com" }], subject: "once" };
  const a = await send(alice.id, body, { "Idempotency-Key": "k-1" });
  expect(a.status).toBe(200);
  expect(a.headers.get("idempotent-response")).toBeNull();
  const b = await send(alice.id, body, { "Idempotency-Key": "k-1" });
  expect(b.status).toBe(200);
  expect(b.headers.get("idempotent-response")).toBe("true");
  expect(b.body.data).toEqual(a.body.data);
  expect(b.body.request_id).not.toBe(a.body.request_id);
  const c = await send(alice.id, { ...body, subject: "different" }, { "Idempotency-Key": "k-1" });
  expect(c.status).toBe(409);
  expect(c.body.error.type).toBe("api.invalid_idempotent_request");
  const long = await send(alice.id, body, { "Idempotency-Key": "x".repeat(257) });
  expect(long.status).toBe(400);
  expect((await h.api("GET", `/v3/grants/${bob.id}/messages`)).body.data).toHaveLength(1);
  expect((await h.api("GET", `/v3/grants/${alice.id}/messages?in=sent`)).body.data).toHaveLength(1);
});

test("inbound rules of the recipient's workspace apply; outbound block → 403", async () => {
  const list = (await h.api("POST", "/v3/lists", { name: "spam", type: "address" })).body.data;
  await h.api("POST", `/v3/lists/${list.id}/items`, { items: ["alice@agents.example.com"] });
  const spam = (await h.api("POST", "/v3/rules", {
    name: "spam",
    match: { conditions: [{ field: "from.address", operator: "in_list", value: [list.id] }] },
    actions: [{ type: "mark_as_spam" }, { type: "mark_as_read" }],
  })).body.data;
  const def = (await h.control.state()).default_workspace_id;
  // not attached yet: no effect
  await send(alice.id, { to: [{ email: "bob@agents.example.com" }], subject: "1" });
  expect((await h.api("GET", `/v3/grants/${bob.id}/messages?in=inbox`)).body.data).toHaveLength(1);
  await h.api("PATCH", `/v3/workspaces/${def}`, { rule_ids: [spam.id] });
  await send(alice.id, { to: [{ email: "bob@agents.example.com" }], subject: "2" });
  const junk = (await h.api("GET", `/v3/grants/${bob.id}/messages?in=junk`)).body.data;
  expect(junk).toHaveLength(1);
  expect(junk[0]).toMatchObject({ subject: "2", unread: false });

  const block = (await h.api("POST", "/v3/rules", {
    name: "no externals",
    trigger: "outbound",
    match: { conditions: [{ field: "recipient.domain", operator: "is", value: "blocked.example" }] },
    actions: [{ type: "block" }],
  })).body.data;
  await h.api("PATCH", `/v3/workspaces/${def}`, { rule_ids: [spam.id, block.id] });
  const r = await send(alice.id, { to: [{ email: "x@Blocked.example" }], subject: "3" });
  expect(r.status).toBe(403);
  expect((await h.api("GET", `/v3/grants/${alice.id}/messages?in=sent`)).body.data).toHaveLength(2);
});

test("control API inbound mail from an outside sender", async () => {
  const r = await h.control.injectMail({ from: { email: "customer@example.net", name: "C" }, to: "bob@agents.example.com", subject: "Help", body: "pls" });
  expect(r.data).toHaveLength(1);
  const m = (await h.api("GET", `/v3/grants/${bob.id}/messages?unread=true`)).body.data[0];
  expect(m).toMatchObject({ subject: "Help", from: [{ email: "customer@example.net", name: "C" }] });
  const reply = (await send(bob.id, { to: [{ email: "customer@example.net" }], subject: "Re: Help", reply_to_message_id: m.id })).body.data;
  expect(reply.thread_id).toBe(m.thread_id);
});

test("message list paging: newest first, limit, page_token", async () => {
  for (let i = 0; i < 5; i++) await send(alice.id, { to: [{ email: "bob@agents.example.com" }], subject: `m${i}` });
  const p1 = await h.api("GET", `/v3/grants/${bob.id}/messages?limit=3`);
  expect(p1.body.data.map((m: any) => m.subject)).toEqual(["m4", "m3", "m2"]);
  const p2 = await h.api("GET", `/v3/grants/${bob.id}/messages?limit=3&page_token=${p1.body.next_cursor}`);
  expect(p2.body.data.map((m: any) => m.subject)).toEqual(["m1", "m0"]);
  expect(p2.body.next_cursor).toBeUndefined();
});

test("deleting a grant removes its messages", async () => {
  await send(alice.id, { to: [{ email: "bob@agents.example.com" }], subject: "x" });
  await h.api("DELETE", `/v3/grants/${bob.id}`);
  const state = (await h.control.state());
  expect(state.messages.map((m: any) => m.grant_id)).toEqual([alice.id]);
});
