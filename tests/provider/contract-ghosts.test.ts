import { z } from "zod";
import { NylasTimeoutError } from "../../provider/client";
import { create, type Context, type ResourceDefinition } from "../../provider/lifecycle";

/**
 * A create whose answer was lost is looked for as long as the call's deadline allows (issue 13): Nylas
 * may commit it well after the client gave up. Fails on main, which gave up after three lookups
 * (~1.75 s) and reported a failure while the object existed (an orphan).
 */
type I = { name: string };
type O = I & { [k: string]: unknown };

function lateLanding(commitAfterMs: number) {
  const started = Date.now();
  let creates = 0;
  let finds = 0;
  const def: ResourceDefinition<I, O> = {
    type: "Thing",
    inputs: z.strictObject({ name: z.string() }),
    describe: (i) => `name "${i.name}"`,
    create: async () => {
      creates++;
      // Our request timed out; a retry is refused because the first one is still being committed.
      if (creates === 1) throw new NylasTimeoutError("POST", "/v3/things", 5000);
      throw Object.assign(new Error("a thing with that name already exists"), { maybeCommitted: false });
    },
    find: async () => (finds++, Date.now() - started >= commitAfterMs ? { id: "late", outs: { name: "t" } } : undefined),
    read: async () => undefined,
    update: async (_c, _id, _o, n) => ({ ...n }),
    delete: async () => undefined,
  };
  return { def, stats: () => ({ creates, finds }) };
}

const warnings: string[] = [];
const ctx = (deadlineMs: number) => ({ api: { deadlineMs }, warn: (m: string) => warnings.push(m) }) as unknown as Context;

describe("ghost lookups after a lost create answer", () => {
  it("keeps looking until the deadline, and adopts what Nylas committed 3 s later", async () => {
    const { def, stats } = lateLanding(3000);
    const made = await create(def, ctx(20_000), { name: "t" });
    expect(made.id).toBe("late");
    expect(stats().creates).toBe(2); // a miss after the timeout → one retry, refused → lookups only
    expect(stats().finds).toBeGreaterThan(3);
    expect(warnings.join("\n")).toContain("the create's answer was lost but the object was made (late); adopting it");
  });

  it("gives up with the original error once the deadline has passed", async () => {
    const { def, stats } = lateLanding(60_000);
    const started = Date.now();
    const err = await create(def, ctx(2_000), { name: "t" }).catch((e) => e);
    expect(err.message).toMatch(/^creating Nylas Thing \(name "t"\): /);
    expect(Date.now() - started).toBeLessThan(2_000 + 500);
    expect(stats().finds).toBeGreaterThanOrEqual(2);
  });
});
