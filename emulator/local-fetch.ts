import { Agent, fetch as undiciFetch } from "undici";

/**
 * `fetch` for calls to a local emulator from tests and the control client, each on its own connection.
 * The emulator closes a connection idle for 5 s (Node's keep-alive); a client on a loaded machine that
 * reuses one at that moment gets "other side closed" for a request the server never read (seen in a
 * clean-clone run, on a control call). Local connections cost a fraction of a millisecond, so these calls
 * keep none (`pipelining: 0`) — the provider's own client keeps its pool and retries what it must.
 */
const ownConnectionEach = new Agent({ pipelining: 0 });

export async function localFetch(url: string, init: { method: string; headers?: Record<string, string>; body?: string }): Promise<Response> {
  return (await undiciFetch(url, { ...init, dispatcher: ownConnectionEach })) as unknown as Response;
}
