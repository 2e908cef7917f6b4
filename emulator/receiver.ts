import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";

/**
 * A local webhook endpoint: answers Nylas's `GET ?challenge=` and records every request with its raw
 * body and headers, so tests and the demo can verify signatures. The one receiver of the project (the
 * demo, the bench and every test use it); tests can make it misbehave (`challenge`, `postStatuses`).
 */
export interface Delivery {
  method: string;
  /** Path and query as requested. */
  url: string;
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  /** The body as JSON (gunzipped first when `content-encoding: gzip`); undefined when it is not JSON. */
  json: any;
}

/** How to answer a challenge: echo it (what Nylas requires), answer something else, a status, or never. */
export type ChallengeMode = "echo" | "wrong" | "hang" | number;

export class WebhookReceiver {
  /** Every request, challenges included, in arrival order. */
  readonly requests: Delivery[] = [];
  challenge: ChallengeMode = "echo";
  /** Statuses to answer the next deliveries with, consumed in order; 200 once empty. */
  postStatuses: number[] = [];
  private waiters: Array<() => void> = [];
  private constructor(private readonly server: Server, readonly url: string) {}

  /** Listens on 127.0.0.1:`port` (default: a free one); rejects when the port is taken. */
  static async start(opts: { port?: number } = {}): Promise<WebhookReceiver> {
    let self: WebhookReceiver | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => self!.receive(req.method ?? "", req.url ?? "/", req.headers, Buffer.concat(chunks), res));
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

  /** The notifications (every request but challenges), in arrival order. */
  get deliveries(): Delivery[] {
    return this.requests.filter((r) => !isChallenge(r));
  }

  /** The challenge requests. */
  get challenges(): Delivery[] {
    return this.requests.filter(isChallenge);
  }

  /** Forgets what was received. */
  clear(): void {
    this.requests.length = 0;
  }

  /**
   * Resolves with the first delivery matching `pred`, waiting up to `timeoutMs`. The default is
   * generous: it bounds a wait for something that must arrive, so a slow machine only makes it later.
   */
  async waitFor(pred: (d: Delivery) => boolean, timeoutMs = 30_000): Promise<Delivery> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.deliveries.find(pred);
      if (hit) return hit;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching webhook delivery within ${timeoutMs} ms (got ${this.deliveries.length})`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        t.unref();
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** Stops listening and cuts open connections (also a challenge left hanging). */
  close(): Promise<void> {
    return new Promise((r) => {
      this.server.close(() => r());
      this.server.closeAllConnections();
    });
  }

  private receive(method: string, url: string, headers: IncomingHttpHeaders, rawBody: Buffer, res: import("node:http").ServerResponse): void {
    const u = new URL(url, "http://localhost");
    const d: Delivery = { method, url, path: u.pathname, headers, rawBody, json: parseJson(headers, rawBody) };
    this.requests.push(d);
    if (isChallenge(d)) {
      const c = u.searchParams.get("challenge")!;
      const mode = this.challenge;
      if (mode === "hang") return; // never answered: the challenge times out
      if (typeof mode === "number") res.writeHead(mode).end(c);
      else res.writeHead(200, { "content-type": "text/plain" }).end(mode === "echo" ? c : `${c}-nope`);
      return;
    }
    res.writeHead(this.postStatuses.shift() ?? 200).end();
    for (const w of this.waiters.splice(0)) w();
  }
}

function isChallenge(d: Delivery): boolean {
  return d.method === "GET" && new URL(d.url, "http://localhost").searchParams.has("challenge");
}

function parseJson(headers: IncomingHttpHeaders, raw: Buffer): unknown {
  try {
    const text = headers["content-encoding"] === "gzip" ? gunzipSync(raw).toString("utf8") : raw.toString("utf8");
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
