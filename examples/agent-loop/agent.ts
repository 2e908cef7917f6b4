import * as http from "node:http";
import { parseWebhookBody, verifyWebhookSignature, type WebhookNotification } from "pulumi-nylas-agents";

/**
 * A support agent that answers mail in the thread it came in: the webhook handler verifies Nylas's
 * signature on the raw body, acknowledges at once, reads the whole thread and replies in it. The
 * "intelligence" is a stand-in for your model call: it asks for an order number until the thread
 * contains one, then answers with that order's status.
 */

export interface AgentConfig {
  /** `https://api.us.nylas.com` — or the emulator's URL in tests. */
  apiUri: string;
  apiKey: string;
  /** The agent's own mailbox (an Agent Account grant). */
  grantId: string;
  /** The webhook's secret (the `webhookSecret` output of `nylas.Webhook` / `AgentMailbox`). */
  webhookSecret: string;
}

interface Participant {
  email: string;
  name?: string;
}

interface Message {
  id: string;
  grant_id: string;
  thread_id: string;
  subject: string;
  from: Participant[];
  reply_to: Participant[];
  folders: string[];
  body: string;
  date: number;
}

/** What the agent did with one `message.created` notification (for logs and tests). */
export interface Handled {
  messageId: string;
  action: "replied" | "ignored";
  reason?: string;
}

export class SupportAgent {
  readonly handled: Handled[] = [];
  private inFlight = new Set<Promise<void>>();

  constructor(private readonly config: AgentConfig) {}

  /** The webhook endpoint: mount it on any Node HTTP server (or adapt it to your framework). */
  readonly handleRequest: http.RequestListener = (req, res) => {
    const url = new URL(req.url ?? "/", "http://agent.local");
    // Nylas checks a new webhook URL by GETting ?challenge=… and expecting the value back.
    if (req.method === "GET" && url.searchParams.has("challenge")) {
      res.writeHead(200, { "content-type": "text/plain" }).end(url.searchParams.get("challenge"));
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      // Verify the raw bytes before parsing anything: a forged or altered body is refused.
      if (!verifyWebhookSignature(raw, req.headers["x-nylas-signature"], this.config.webhookSecret)) {
        res.writeHead(401).end();
        return;
      }
      const event = parseWebhookBody<WebhookNotification>(raw, req.headers);
      // Acknowledge at once; Nylas retries deliveries that are slow to answer.
      res.writeHead(200).end();
      if (event.type !== "message.created") return;
      const work = this.onMessage(event.data.object as unknown as Message).catch((e: unknown) => {
        this.handled.push({ messageId: (event.data.object as { id?: string }).id ?? "?", action: "ignored", reason: `error: ${(e as Error).message}` });
      });
      this.inFlight.add(work);
      void work.finally(() => this.inFlight.delete(work));
    });
  };

  /** Resolves once every notification received so far has been handled. */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }

  private async onMessage(message: Message): Promise<void> {
    const ignore = (reason: string) => void this.handled.push({ messageId: message.id, action: "ignored", reason });
    // One webhook serves the whole application: act only on this agent's mailbox, only on new mail.
    if (message.grant_id !== this.config.grantId) return ignore("another mailbox");
    if (message.folders.includes("sent")) return ignore("its own sent copy");
    if (!message.folders.includes("inbox")) return ignore(`filed in ${message.folders.join(", ")}`);

    const thread = await this.api<{ message_ids: string[] }>("GET", `/threads/${encodeURIComponent(message.thread_id)}`);
    const messages = await this.api<Message[]>("GET", `/messages?thread_id=${encodeURIComponent(message.thread_id)}&limit=50`);
    const ordered = thread.message_ids.map((id) => messages.find((m) => m.id === id)).filter((m): m is Message => !!m);

    const customer = message.reply_to[0] ?? message.from[0];
    await this.api("POST", "/messages/send", {
      to: [customer],
      subject: /^re:/i.test(message.subject) ? message.subject : `Re: ${message.subject}`,
      body: compose(ordered, customer),
      reply_to_message_id: message.id,
    });
    this.handled.push({ messageId: message.id, action: "replied" });
  }

  private async api<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.config.apiUri}/v3/grants/${encodeURIComponent(this.config.grantId)}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.config.apiKey}`, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = (await res.json()) as { data: T; error?: { message: string } };
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${json.error?.message ?? ""}`);
    return json.data;
  }
}

/** The reply, from everything said in the thread so far (your LLM call goes here). */
export function compose(thread: Message[], customer: Participant): string {
  const said = thread
    .filter((m) => !m.folders.includes("sent")) // what the customer said, not the agent
    .map((m) => m.body.replace(/<[^>]+>/g, " "))
    .join("\n");
  const order = said.match(/#(\d{3,})/)?.[1];
  const hello = `Hi ${customer.name ?? customer.email.split("@")[0]},`;
  if (!order) return `<p>${hello}</p><p>Sorry to hear that. Could you send me your order number (it looks like #1234)?</p>`;
  return `<p>${hello}</p><p>Order #${order} left our warehouse yesterday and arrives within 2 days.</p>`;
}
