import { parseWebhookBody, verifyWebhookSignature } from "../../provider/webhook-signature";
import { type Delivery } from "../../emulator/receiver";
import type { InjectResult, Message, OutboxMessage } from "../../emulator/control-client";
import { example, useExampleEnv } from "./support";

/**
 * The per-workflow agents (examples/per-workflow, deployed through the program runner) in multi-turn
 * conversations with outside correspondents, offline end to end: a sales follow-up, support triage
 * and scheduling. Outside mail is injected; what the agents send out is read from the outbox and
 * answered from there; every notification is checked against its webhook's secret.
 */
describe("per-workflow agents in conversation with the outside world", () => {
  let agents: Record<"sales" | "support" | "scheduling", { email: string; grantId: string }>;
  let secrets: Record<string, string>;
  let ruleIds: Record<string, string>;

  const env = useExampleEnv();
  beforeAll(async () => {
    const r = await env.run({ program: example("per-workflow"), stack: "talk", state: "talk.json", config: { "per-workflow:webhookBaseUrl": `${env.receiver.url}/agents` } });
    agents = r.outputs.agents as typeof agents;
    const s = await env.state();
    secrets = Object.fromEntries(s.webhooks.map((w) => [new URL(w.webhook_url).pathname, w.webhook_secret]));
    ruleIds = Object.fromEntries(s.rules.map((x) => [x.name, x.id]));
  });

  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${env.emulator.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${env.emulator.apiKey}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as { data: T };
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json.data;
  };
  /** The agent answers a message of its mailbox, in its thread (what the agent's code does). */
  const reply = async (wf: keyof typeof agents, to: string, messageId: string, body: string) => {
    const original = await api<Message>("GET", `/v3/grants/${agents[wf].grantId}/messages/${messageId}`);
    const subject = /^re:/i.test(original.subject) ? original.subject : `Re: ${original.subject}`;
    return api<Message>("POST", `/v3/grants/${agents[wf].grantId}/messages/send`, { to: [{ email: to }], subject, body, reply_to_message_id: messageId });
  };
  /** The workflow's own webhook got a signed message.created for this message. */
  const notified = async (wf: keyof typeof agents, messageId: string) => {
    const d = await env.receiver.waitFor((x: Delivery) => x.path === `/agents/${wf}` && parseWebhookBody(x.rawBody, x.headers).data.object.id === messageId, 10_000);
    expect(verifyWebhookSignature(d.rawBody, d.headers["x-nylas-signature"], secrets[`/agents/${wf}`])).toBe(true);
    return parseWebhookBody(d.rawBody, d.headers).data.object as unknown as Message;
  };
  const outboxFor = async (to: string) => env.control.outbox({ to });
  const delivered = (r: InjectResult) => {
    expect(r.results).toHaveLength(1);
    return r.results[0];
  };
  const threadLength = async (wf: keyof typeof agents, threadId: string) =>
    (await api<{ message_ids: string[] }>("GET", `/v3/grants/${agents[wf].grantId}/threads/${threadId}`)).message_ids.length;

  it("sales: a key account's request is starred, answered, followed up and answered back, in one thread", async () => {
    const jo = "jo@bigcustomer.example";
    const request = await env.control.injectMail({ from: { email: jo, name: "Jo" }, to: agents.sales.email, subject: "Pricing for 200 seats", body: "What would 200 seats cost?" });
    const ask = delivered(request);
    expect(ask).toMatchObject({ outcome: "delivered", folder: "inbox", matched_rule_ids: [ruleIds["sales star-key-accounts"]] });
    const m = await notified("sales", ask.message_id!);
    expect(m).toMatchObject({ starred: true, unread: true, thread_id: ask.thread_id });

    const offer = await reply("sales", jo, ask.message_id!, "200 seats: 20% off. Shall I send the contract?");
    const followUp = await reply("sales", jo, offer.id, "Just following up on the offer below.");
    const out = await outboxFor(jo);
    expect(out.map((o: OutboxMessage) => [o.message_id, o.subject])).toEqual([
      [offer.id, "Re: Pricing for 200 seats"],
      [followUp.id, "Re: Pricing for 200 seats"],
    ]);
    expect(out[0]).toMatchObject({ in_reply_to: request.message_id, references: [request.message_id] });
    expect(out[1]).toMatchObject({ in_reply_to: out[0].rfc_message_id, references: [request.message_id, out[0].rfc_message_id] });

    const yes = delivered(await env.control.replyToOutbox(out[1].id, { body: "Yes, please send it." }));
    expect(yes).toMatchObject({ outcome: "delivered", thread_id: ask.thread_id });
    await notified("sales", yes.message_id!);
    expect(await threadLength("sales", ask.thread_id!)).toBe(4);
  });

  it("support: the shared blocklist drops mail, suspicious TLDs go to junk, a customer's issue is worked in its thread", async () => {
    const blocked = delivered(await env.control.injectMail({ from: "winner@lottery.example", to: agents.support.email, subject: "You won" }));
    expect(blocked).toEqual({
      email: agents.support.email,
      grant_id: agents.support.grantId,
      outcome: "blocked",
      matched_rule_ids: [ruleIds["per-workflow block listed senders"]],
      smtp_code: 550,
      reason: expect.any(String),
    });

    const phish = delivered(await env.control.injectMail({ from: "it@helpdesk.zip", to: agents.support.email, subject: "Reset your password" }));
    expect(phish).toMatchObject({ outcome: "delivered", folder: "junk", matched_rule_ids: [ruleIds["support junk-suspicious-tlds"]] });

    const sam = "sam@shop.example";
    const issue = delivered(await env.control.injectMail({ from: sam, to: agents.support.email, subject: "App crashes on login", body: "Since today's update." }));
    expect(issue.folder).toBe("inbox");
    await notified("support", issue.message_id!);
    const ack = await reply("support", sam, issue.message_id!, "Which version do you run?");
    const [out] = await outboxFor(sam);
    expect(out).toMatchObject({ message_id: ack.id, in_reply_to: (await api<Message>("GET", `/v3/grants/${agents.support.grantId}/messages/${issue.message_id}`)).headers!.find((h) => h.name === "Message-ID")!.value });
    const version = delivered(await env.control.replyToOutbox(out.id, { body: "4.2.1" }));
    expect(version.thread_id).toBe(issue.thread_id);
    await notified("support", version.message_id!);
    expect(await threadLength("support", issue.thread_id!)).toBe(3);

    const inJunk = await api<Message[]>("GET", `/v3/grants/${agents.support.grantId}/messages?in=junk`);
    expect(inJunk.map((x) => x.subject)).toEqual(["Reset your password"]);
    expect((await env.state()).messages.filter((x) => x.subject === "You won")).toEqual([]);
  });

  it("scheduling: calendar robots are filed read in Archive; a person books a slot over three turns", async () => {
    const robot = delivered(await env.control.injectMail({ from: "invites@calendar.partner.example", to: agents.scheduling.email, subject: "Invitation: sync" }));
    expect(robot).toMatchObject({ folder: "archive", matched_rule_ids: [ruleIds["scheduling file-invitations"]] });
    expect(await notified("scheduling", robot.message_id!)).toMatchObject({ unread: false, folders: ["archive"] });

    const lee = "lee@partner.example";
    const ask = delivered(await env.control.injectMail({ from: lee, to: agents.scheduling.email, subject: "Meet next week?", body: "Do you have 30 minutes?" }));
    const propose = await reply("scheduling", lee, ask.message_id!, "Tuesday 10:00 or Wednesday 15:00?");
    const [proposal] = await outboxFor(lee);
    expect(proposal.message_id).toBe(propose.id);
    const pick = delivered(await env.control.replyToOutbox(proposal.id, { body: "Wednesday 15:00." }));
    const confirm = await reply("scheduling", lee, pick.message_id!, "Booked: Wednesday 15:00.");
    const out = await outboxFor(lee);
    expect(out.map((o) => o.message_id)).toEqual([propose.id, confirm.id]);
    expect(out[1].in_reply_to).toBe((await api<Message>("GET", `/v3/grants/${agents.scheduling.grantId}/messages/${pick.message_id}`)).headers!.find((h) => h.name === "Message-ID")!.value);
    expect([propose.thread_id, confirm.thread_id, pick.thread_id]).toEqual([ask.thread_id, ask.thread_id, ask.thread_id]);
    expect(await threadLength("scheduling", ask.thread_id!)).toBe(4);
  });
});
