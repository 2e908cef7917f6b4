import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { EmulatorControl, startEmulator, type RunningEmulator } from "pulumi-nylas-agents/emulator";
import { SupportAgent } from "./agent";

// Starting the emulator and making the first objects can outlast jest's default 5 s on a busy machine
// (a CI runner, a laptop running other tests); the limit is only there to catch a hang.
jest.setTimeout(60_000);

/**
 * The agent's whole loop against the local Nylas emulator: a customer writes, Nylas notifies the
 * agent's webhook, the agent reads the thread and replies in it, the customer answers, the agent
 * answers again — no Nylas account, no network.
 */
describe("support agent loop", () => {
  const customer = { email: "alice@customer.example", name: "Alice" };
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let server: Server;
  let agent: SupportAgent;
  let agentEmail: string;
  let grantId: string;

  /** The Nylas API, for the setup `pulumi up` does in production (AgentMailbox with a webhook). */
  const nylas = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${emulator.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${emulator.apiKey}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as { data: T };
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json.data;
  };

  const until = async (done: () => boolean, timeoutMs = 30_000): Promise<void> => {
    for (const deadline = Date.now() + timeoutMs; !done(); await new Promise((r) => setTimeout(r, 20)))
      if (Date.now() > deadline) throw new Error(`not done within ${timeoutMs} ms`);
  };

  beforeAll(async () => {
    emulator = await startEmulator({ quiet: true });
    control = new EmulatorControl(emulator.url);

    await nylas("POST", "/v3/connectors", { provider: "nylas" });
    const grant = await nylas<{ id: string; email: string }>("POST", "/v3/connect/custom", {
      provider: "nylas",
      settings: { email: "support@agents.example.com" },
      name: "Support Agent",
    });
    grantId = grant.id;
    agentEmail = grant.email;

    const config = { apiUri: emulator.url, apiKey: emulator.apiKey, grantId, webhookSecret: "" };
    agent = new SupportAgent(config);
    server = createServer(agent.handleRequest);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const hook = await nylas<{ webhook_secret: string }>("POST", "/v3/webhooks", {
      trigger_types: ["message.created"],
      webhook_url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/nylas`,
    });
    config.webhookSecret = hook.webhook_secret;
  });

  afterAll(async () => {
    // Each closed only if it was started: a set-up that failed half-way must not leave this hook waiting.
    if (server) await new Promise((resolve) => server.close(resolve));
    await emulator?.close();
  });

  it("asks for the order number, then answers with the order's status, all in one thread", async () => {
    const first = await control.injectMail({ from: customer, to: agentEmail, subject: "Where is my parcel?", body: "Hi, my parcel has not arrived yet." });
    expect(first.results).toEqual([expect.objectContaining({ email: agentEmail, outcome: "delivered", folder: "inbox" })]);
    const threadId = first.results[0].thread_id!;

    const [question] = await control.waitForOutbox((m) => m.recipients.includes(customer.email));
    expect(question).toMatchObject({ subject: "Re: Where is my parcel?", in_reply_to: first.message_id, thread_id: threadId });
    expect(question.body).toContain("order number");

    const second = await control.replyToOutbox(question.id, { body: "Sorry! It is order #4411." });
    expect(second.results[0]).toMatchObject({ outcome: "delivered", thread_id: threadId });

    const [answer] = await control.waitForOutbox((m) => m.in_reply_to === second.message_id);
    expect(answer.body).toContain("Order #4411 left our warehouse");
    expect(answer.references).toEqual([first.message_id, question.rfc_message_id, second.message_id]);

    const thread = await nylas<{ message_ids: string[]; participants: { email: string }[] }>("GET", `/v3/grants/${grantId}/threads/${threadId}`);
    expect(thread.message_ids).toHaveLength(4);
    expect(thread.participants.map((p) => p.email).sort()).toEqual([customer.email, agentEmail].sort());

    // Its own sent copies come in as message.created too: the agent lets them be (no reply loop).
    await until(() => agent.handled.some((h) => h.messageId === answer.message_id));
    expect(agent.handled.find((h) => h.messageId === answer.message_id)).toEqual({ messageId: answer.message_id, action: "ignored", reason: "its own sent copy" });
    expect(agent.handled.filter((h) => h.action === "replied")).toHaveLength(2);
    expect(await control.outbox({ to: customer.email })).toHaveLength(2);
  });

  it("refuses a delivery whose signature does not verify, and does nothing with it", async () => {
    const before = agent.handled.length;
    const forged = JSON.stringify({ type: "message.created", data: { object: { id: "m1", grant_id: grantId, folders: ["inbox"] } } });
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/webhooks/nylas`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-nylas-signature": "0".repeat(64) },
      body: forged,
    });
    expect(res.status).toBe(401);
    await agent.idle();
    expect(agent.handled.length).toBe(before);
  });
});
