import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local webhook endpoint: answers Nylas's `GET ?challenge=` by echoing the value and records every
 * POSTed delivery with its raw body and headers, so tests and the demo can verify signatures.
 */
export interface Delivery {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
}

export class WebhookReceiver {
  readonly deliveries: Delivery[] = [];
  private waiters: Array<() => void> = [];
  private constructor(private readonly server: Server, readonly url: string) {}

  /** Listens on 127.0.0.1:`port` (default: a free one); rejects when the port is taken. */
  static async start(opts: { port?: number } = {}): Promise<WebhookReceiver> {
    let self: WebhookReceiver | undefined;
    const server = createServer((req, res) => {
      const u = new URL(req.url ?? "/", "http://localhost");
      if (req.method === "GET" && u.searchParams.has("challenge")) {
        res.writeHead(200, { "content-type": "text/plain" }).end(u.searchParams.get("challenge"));
        return;
      }
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        self!.deliveries.push({ path: u.pathname, headers: req.headers, rawBody: Buffer.concat(chunks) });
        res.writeHead(200).end();
        for (const w of self!.waiters.splice(0)) w();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(opts.port ?? 0, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
    const port = (server.address() as AddressInfo).port;
    self = new WebhookReceiver(server, `http://127.0.0.1:${port}`);
    return self;
  }

  /** Resolves with the first delivery matching `pred`, waiting up to `timeoutMs`. */
  async waitFor(pred: (d: Delivery) => boolean, timeoutMs = 5000): Promise<Delivery> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.deliveries.find(pred);
      if (hit) return hit;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching webhook delivery within ${timeoutMs} ms (got ${this.deliveries.length})`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}
