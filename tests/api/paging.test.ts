import { NylasResponseShapeError } from "../../provider/client";
import { cursorPages, fakeNylas, ok, type FakeNylas } from "../harness/fake-nylas";

/**
 * Lists over every page, read as tolerantly as the sources disagree (Nylas API v3 conventions, variance
 * E1–E4): the rules list's nested envelope with `items: null` and its cursor inside `data`, the flat
 * envelope, the last page's cursor absent / "" / null / followed by an empty page, a repeated cursor, and
 * offset pages a server caps below the asked limit.
 */

let nylas: FakeNylas | undefined;
afterEach(async () => {
  await nylas?.close();
  nylas = undefined;
});

const rule = (id: string) => ({ id, name: id, match: { conditions: [{ field: "from.tld", operator: "is", value: "xyz" }] }, actions: [{ type: "block" }] });
const ids = (xs: Array<{ id: string }>) => xs.map((x) => x.id);

describe("GET /v3/rules", () => {
  it("an application without rules: data.items is null → no rules (not an error)", async () => {
    nylas = fakeNylas({ "GET /v3/rules": ok({ items: null }) });
    expect(await nylas.api.rules.list()).toEqual([]);
    expect(await nylas.api.rules.findByName("any")).toBeUndefined();
  });

  it("follows the cursor inside data (the SDKs' envelope) past the first page", async () => {
    nylas = fakeNylas({ "GET /v3/rules": cursorPages([[rule("a"), rule("b")], [rule("c")]], (items, next) => ({ data: { items, next_cursor: next } })) });
    expect(ids(await nylas.api.rules.list())).toEqual(["a", "b", "c"]);
    expect(nylas.seen.map((r) => r.query)).toEqual([{ limit: "200" }, { limit: "200", page_token: "c1" }]);
  });

  it("follows a top-level cursor beside data.items (the CLI's reading), and the flat form (the spec's)", async () => {
    nylas = fakeNylas({ "GET /v3/rules": cursorPages([[rule("a")], [rule("b")], [rule("c")]], (items, next) => ({ data: { items }, next_cursor: next })) });
    expect(ids(await nylas.api.rules.list())).toEqual(["a", "b", "c"]);
    await nylas.close();
    nylas = fakeNylas({ "GET /v3/rules": cursorPages([[rule("a")], [rule("b")]], (items, next) => ({ data: items, next_cursor: next })) });
    expect(ids(await nylas.api.rules.list())).toEqual(["a", "b"]);
  });

  it("stops at a last page whose cursor is absent, empty or null, and at an empty page that still has a cursor", async () => {
    for (const last of [{}, { next_cursor: "" }, { next_cursor: null }]) {
      nylas = fakeNylas({ "GET /v3/rules": (r) => (r.query.page_token ? ok({ items: [rule("b")], ...last }) : ok({ items: [rule("a")], next_cursor: "c1" })) });
      expect(ids(await nylas.api.rules.list())).toEqual(["a", "b"]);
      await nylas.close();
    }
    // A cursor on every non-empty page, then an empty page (Ruby's policies comment).
    nylas = fakeNylas({ "GET /v3/policies": cursorPages([[{ id: "p", name: "p" }], []], (items) => ({ data: items, next_cursor: "more" + items.length })) });
    expect(ids(await nylas.api.policies.list())).toEqual(["p"]);
  });

  it("refuses a cursor that repeats instead of looping forever", async () => {
    nylas = fakeNylas({ "GET /v3/rules": ok({ items: [rule("a")], next_cursor: "same" }) });
    const err = await nylas.api.rules.list().catch((e) => e);
    expect(err).toBeInstanceOf(NylasResponseShapeError);
    expect(err.message).toContain('next_cursor "same" repeated');
    expect(nylas.seen).toHaveLength(2);
  });
});

describe("offset lists (GET /v3/grants)", () => {
  const grant = (i: number) => ({ id: `g${i}`, provider: "nylas", email: `a${i}@x.example` });

  it("pages by the size the server serves, as its answer's limit says, until a short page", async () => {
    const all = Array.from({ length: 5 }, (_, i) => grant(i));
    nylas = fakeNylas({
      "GET /v3/grants": (r) => {
        const offset = Number(r.query.offset);
        return ok(all.slice(offset, offset + 2), { limit: 2, offset });
      },
    });
    expect(ids(await nylas.api.grants.list())).toEqual(["g0", "g1", "g2", "g3", "g4"]);
    expect(nylas.seen.map((r) => r.query.offset)).toEqual(["0", "2", "4"]);
    expect(nylas.seen.every((r) => r.query.limit === "200")).toBe(true);
  });

  it("stops at an empty page", async () => {
    nylas = fakeNylas({ "GET /v3/grants": (r) => ok(r.query.offset === "0" ? [grant(0), grant(1)] : [], { limit: 2 }) });
    expect(ids(await nylas.api.grants.list())).toEqual(["g0", "g1"]);
  });
});
