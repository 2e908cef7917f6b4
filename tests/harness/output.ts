import type { Engine } from "../../provider/offline/engine";

/**
 * What the provider host printed after `mark` (an index into `engine.host.output`), once it contains
 * `text`. The host's stderr (where warnings go) arrives on its own stream, possibly after the gRPC
 * answer of the call that printed it, so a test waits for it instead of reading it at once.
 */
export async function outputContaining(engine: Engine, mark: number, text: string, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const out = engine.host.output.slice(mark).join("");
    if (out.includes(text) || Date.now() > deadline) return out;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Everything printed after `mark` up to and including a marker warning printed now: stderr keeps its
 * order, so once the marker is there, anything printed before it is too. For "this was not warned
 * about" assertions.
 */
export async function outputUntilNow(engine: Engine, mark: number): Promise<string> {
  const tag = `output-marker-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  // An outbound rule is warned about at check, with its name in the warning; check makes no API call.
  await engine.preview("Rule", tag, { name: tag, trigger: "outbound", match: { conditions: [{ field: "outbound.type", operator: "is", value: "compose" }] }, actions: [{ type: "block" }] });
  const out = await outputContaining(engine, mark, `"${tag}"`);
  return out.slice(0, out.indexOf(`"${tag}"`));
}
