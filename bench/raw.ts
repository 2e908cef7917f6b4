import { Pool, type Dispatcher } from "undici";

/**
 * The raw floor: the provider's own HTTP calls, replayed directly with undici at the same concurrency.
 * A phase's calls come from the provider host's recording (method, path with query, body — see
 * record-preload.ts); each call is attributed to the resource it served by the resource's token or
 * id, and replayed for a twin resource: the run tag swapped (`bench-p` → `bench-r`) and provider ids
 * swapped for the twin's ids learned from the raw creates. Each resource's calls run in order, with
 * `concurrency` resources in flight, as the provider's workers did.
 */

export interface Recorded {
  m: string;
  p: string;
  b: string | null;
}

export class RawClient {
  private readonly pool: Pool;
  private readonly headers: Record<string, string>;
  constructor(url: string, apiKey: string, concurrency: number) {
    this.pool = new Pool(new URL(url).origin, { connections: concurrency, keepAliveTimeout: 30_000, pipelining: 1 });
    this.headers = { accept: "application/json", "user-agent": "nylas-bench-raw", authorization: `Bearer ${apiKey}` };
  }

  /** One call; the answer parsed as JSON like any client would (no schema validation). */
  async call(method: string, path: string, body: string | null): Promise<{ status: number; json: unknown }> {
    const res = await this.pool.request({
      method: method as Dispatcher.HttpMethod,
      path,
      headers: body === null ? this.headers : { ...this.headers, "content-type": "application/json" },
      body: body ?? undefined,
    });
    const text = await res.body.text();
    return { status: res.statusCode, json: text ? JSON.parse(text) : undefined };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

export interface ReplayKeys {
  /** Names of the pooled resources, in the order the provider's workers took them. */
  items: ReadonlyArray<{ name: string }>;
  /** Provider id → "ws" or the item index. */
  ids: ReadonlyMap<string, string>;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

export interface ReplayOptions {
  from: string;
  to: string;
  keys: ReplayKeys;
  concurrency: number;
  /** Fill this map (provider id → twin id) from the twins' create answers. */
  learn?: Map<string, string>;
  /** Provider id → twin id, for calls on existing objects. */
  ids?: ReadonlyMap<string, string>;
}

/** Replays `calls`; resolves when all are answered. Unattributable calls go first, serially. */
export async function replay(raw: RawClient, calls: Recorded[], o: ReplayOptions): Promise<void> {
  const byName = new Map(o.keys.items.map((it, i) => [it.name, String(i)]));
  const providerIdOf = new Map([...o.keys.ids].map(([id, key]) => [key, id]));
  const tokenRe = new RegExp(`${o.from}-[ah]\\d{6}`);
  const ids = o.learn ?? new Map(o.ids ?? []);

  const keyOf = (c: Recorded): string => {
    const text = `${c.p} ${c.b ?? ""}`;
    const token = tokenRe.exec(text)?.[0];
    if (token && byName.has(token)) return byName.get(token)!;
    for (const id of text.match(UUID) ?? []) if (o.keys.ids.has(id)) return o.keys.ids.get(id)!;
    return text.includes(o.from) ? "ws" : "shared";
  };
  const twin = (s: string): string => s.split(o.from).join(o.to).replace(UUID, (id) => ids.get(id) ?? id);

  const serial: Array<[string, Recorded]> = [];
  const perItem = new Map<string, Recorded[]>();
  for (const c of calls) {
    const key = keyOf(c);
    if (key === "ws" || key === "shared") serial.push([key, c]);
    else perItem.set(key, [...(perItem.get(key) ?? []), c]);
  }

  const run = async (key: string, c: Recorded): Promise<void> => {
    const r = await raw.call(c.m, twin(c.p), c.b === null ? null : twin(c.b));
    if (o.learn && c.m === "POST" && r.status >= 200 && r.status < 300) {
      const data = (r.json as { data?: { id?: string; workspace_id?: string } } | undefined)?.data;
      const made = data?.id ?? data?.workspace_id;
      const was = providerIdOf.get(key);
      if (made && was) o.learn.set(was, made);
    }
  };

  for (const [key, c] of serial) await run(key, c);
  const order = [...perItem.keys()].sort((a, b) => Number(a) - Number(b));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < order.length) {
      const key = order[next++];
      for (const c of perItem.get(key)!) await run(key, c);
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency, order.length) }, worker));
}
