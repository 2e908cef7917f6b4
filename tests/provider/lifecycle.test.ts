import { z } from "zod";
import { NylasServerError, NylasValidationError } from "../../provider/client";
import { UNKNOWN, check, create, diff, type Context, type ResourceDefinition } from "../../provider/lifecycle";

/** The shared lifecycle on a stub definition: the rules every resource inherits. */
type I = { name: string; tags?: string[]; zone?: string };
type O = I & { [k: string]: unknown };

function stubDefinition(overrides: Partial<ResourceDefinition<I, O>> = {}): ResourceDefinition<I, O> {
  return {
    type: "Thing",
    inputs: z.strictObject({
      name: z.string().trim().min(1, { error: "must not be empty" }),
      tags: z.array(z.string()).transform((t) => [...new Set(t)].sort()).optional(),
      zone: z.string().optional(),
    }),
    replaceOnChange: ["zone"],
    deleteBeforeReplace: true,
    describe: (i) => `name "${i.name}"`,
    create: async () => ({ id: "new", outs: { name: "x" } }),
    read: async () => undefined,
    update: async (_c, _id, _o, n) => ({ ...n }),
    delete: async () => undefined,
    ...overrides,
  };
}

const warnings: string[] = [];
const ctx = { api: { deadlineMs: 10_000 }, warn: (m: string) => warnings.push(m) } as unknown as Context;

describe("shared lifecycle", () => {
  it("check normalises, and names property, value and rule on failure", () => {
    const def = stubDefinition();
    expect(check(def as never, { name: " a ", tags: ["b", "a", "b"], __provider: "x" })).toEqual({ inputs: { name: "a", tags: ["a", "b"] }, failures: [] });
    expect(check(def as never, { name: "", colour: 1 }).failures).toEqual([
      { property: "name", reason: 'name = "": must not be empty' },
      expect.objectContaining({ property: "colour" }),
    ]);
  });

  it("check lets values that are unknown during preview through", () => {
    const def = stubDefinition();
    const r = check(def as never, { name: UNKNOWN, tags: ["a", UNKNOWN] });
    expect(r.failures).toEqual([]);
  });

  it("diff: same inputs → no change; replaceOnChange → replace with deleteBeforeReplace", async () => {
    const def = stubDefinition();
    expect(await diff(def, { name: "a", tags: ["a"] }, { name: "a", tags: ["a"] })).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    expect(await diff(def, { name: "a" }, { name: "b" })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    expect(await diff(def, { name: "a", zone: "1" }, { name: "a", zone: "2" })).toEqual({ changes: true, replaces: ["zone"], deleteBeforeReplace: true });
  });

  it("adopts its own late-landing create when the retry is refused as a duplicate", async () => {
    const lost = new NylasServerError(504, "gateway_timeout", "timeout", "r1", "POST", "/v3/things", true);
    const duplicate = new NylasValidationError(400, "invalid_request_error", "already exists", "r2", "POST", "/v3/things");
    const creates = [lost, duplicate];
    let finds = 0;
    const def = stubDefinition({
      create: async () => {
        throw creates.shift();
      },
      // First lookup runs while the first create is still in flight; the second sees it.
      find: async () => (++finds === 1 ? undefined : { id: "landed-late", outs: { name: "t" } }),
    });
    const made = await create(def, ctx, { name: "t" });
    expect(made.id).toBe("landed-late");
    expect(finds).toBe(2);
    expect(warnings.join("\n")).toContain("the create's answer was lost but the object was made (landed-late)");
  });

  it("reports a plain refusal without lookups when no answer was ever lost", async () => {
    let finds = 0;
    const def = stubDefinition({
      create: async () => {
        throw new NylasValidationError(400, "invalid_request_error", "bad", "r", "POST", "/v3/things");
      },
      find: async () => {
        finds++;
        return undefined;
      },
    });
    await expect(create(def, ctx, { name: "t" })).rejects.toThrow(/^creating Nylas Thing \(name "t"\): 400 invalid_request_error from POST \/v3\/things: bad/);
    expect(finds).toBe(0);
  });

  it("diff refuses a replacement while adopt is set: the new object would take over the one being replaced", async () => {
    const def = stubDefinition({ deleteBeforeReplace: false });
    for (const adopt of [true, "old-id"]) {
      await expect(diff(def, { name: "a", zone: "1" }, { name: "a", zone: "2", adopt }, "old-id")).rejects.toThrow(
        "Nylas Thing old-id: zone changed, so it is replaced by a new one — but adopt is set",
      );
    }
    // An in-place change, or adopt naming another object, is fine.
    expect((await diff(def, { name: "a" }, { name: "b", adopt: true }, "old-id")).changes).toBe(true);
    expect((await diff(def, { name: "a", zone: "1" }, { name: "a", zone: "2", adopt: "other" }, "old-id")).replaces).toEqual(["zone"]);
  });

  it("lostCreate delete: the object a lost create made is deleted (never one that existed before) and created again", async () => {
    const lost = new NylasServerError(504, "gateway_timeout", "timeout", "r1", "POST", "/v3/things", true);
    const creates: Array<Error | undefined> = [lost, undefined];
    const deleted: string[] = [];
    const excluded: Array<ReadonlySet<string> | undefined> = [];
    const def = stubDefinition({
      lostCreate: "delete",
      existing: async () => new Set(["was-there"]),
      create: async () => {
        const e = creates.shift();
        if (e) throw e;
        return { id: "second", outs: { name: "t" } };
      },
      find: async (_c, _i, _p, exclude) => (excluded.push(exclude), { id: "ghost", outs: { name: "t" } }),
      delete: async (_c, id) => void deleted.push(id),
    });
    const made = await create(def, ctx, { name: "t" });
    expect(made.id).toBe("second");
    expect(deleted).toEqual(["ghost"]);
    expect(excluded).toEqual([new Set(["was-there"])]);
    expect(warnings.join("\n")).toContain("the create's answer was lost but the object was made (ghost); what only that answer held cannot be read back, so it is deleted and created again");
  });
});
