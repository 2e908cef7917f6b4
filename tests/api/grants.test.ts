import { fakeNylas, notFound, ok, type FakeNylas, type SeenRequest } from "../harness/fake-nylas";

/**
 * Grants and connectors (Nylas API v3 Agent Accounts and Workspaces; variance N4, N5, E7, A4, A5): "is this
 * email taken?" asked of the documented grants list — never `GET /v3/grants/{email}` — every page,
 * case-insensitively; a create answer that is an older grant reported as existing; moves by grant PATCH
 * `workspace_id`.
 */

let nylas: FakeNylas | undefined;
afterEach(async () => {
  await nylas?.close();
  nylas = undefined;
});

const grant = (id: string, email: string, extra: Record<string, unknown> = {}) => ({ id, provider: "nylas", email, grant_status: "valid", created_at: 1700000000, ...extra });
/** `GET /v3/grants` over `all`, honouring `email=` (exact, lower-case, as Nylas may) and offset paging capped at `cap`. */
const grantsList = (all: ReturnType<typeof grant>[], cap = 200, filtered = all) => (r: SeenRequest) => {
  const rows = r.query.email ? filtered.filter((g) => g.email.toLowerCase() === r.query.email.toLowerCase()) : all;
  const offset = Number(r.query.offset ?? 0);
  return ok(rows.slice(offset, offset + cap), { limit: cap, offset });
};
const connectors = { "GET /v3/connectors": ok([{ provider: "nylas" }]) };

describe("findByEmail", () => {
  it("asks GET /v3/grants?email= (offset pages) and matches case-insensitively; never GET /v3/grants/{email}", async () => {
    const all = [grant("g1", "a@x.example"), grant("g2", "Sales@X.example")];
    nylas = fakeNylas({ "GET /v3/grants": grantsList(all) });
    expect((await nylas.api.grants.findByEmail("sales@x.example"))?.id).toBe("g2");
    expect(nylas.calls()).toEqual(["GET /v3/grants?email=sales%40x.example&limit=200&offset=0"]);
    expect(nylas.seen.some((r) => r.path.startsWith("/v3/grants/"))).toBe(false);
  });

  it("confirms a miss on the unfiltered list, every page (filters lag new grants)", async () => {
    const all = Array.from({ length: 5 }, (_, i) => grant(`g${i}`, `u${i}@x.example`));
    nylas = fakeNylas({ "GET /v3/grants": grantsList(all, 2, []) });
    expect((await nylas.api.grants.findByEmail("U4@x.example"))?.id).toBe("g4");
    expect(nylas.calls()).toEqual([
      "GET /v3/grants?email=U4%40x.example&limit=200&offset=0",
      "GET /v3/grants?limit=200&offset=0",
      "GET /v3/grants?limit=200&offset=2",
      "GET /v3/grants?limit=200&offset=4",
    ]);
    expect(await nylas.api.grants.findByEmail("nobody@x.example")).toBeUndefined();
  });
});

describe("createAgentAccount", () => {
  const now = () => Math.floor(Date.now() / 1000);

  it("ensures the nylas connector once, then POSTs /v3/connect/custom; a fresh grant is not 'existing'", async () => {
    nylas = fakeNylas({ ...connectors, "POST /v3/connect/custom": () => ({ status: 201, body: { data: grant("new", "a@x.example", { created_at: now() }) } }) });
    const body = { provider: "nylas", settings: { email: "a@x.example", app_password: "Secret-Pass-1234567" }, name: "A" };
    expect(await nylas.api.grants.createAgentAccount(body)).toMatchObject({ grant: { id: "new" }, existing: false });
    expect(nylas.seen[1]).toMatchObject({ method: "POST", path: "/v3/connect/custom", body });
    await nylas.api.grants.createAgentAccount({ provider: "nylas", settings: { email: "b@x.example" } });
    expect(nylas.calls().filter((c) => c.startsWith("GET /v3/connectors"))).toHaveLength(1);
  });

  it("reports an answer that is a grant created before the request (Nylas re-authenticated an existing one) — by Nylas's clock", async () => {
    // Nylas's clock runs an hour behind ours: its Date header, not our clock, places created_at.
    const nylasNow = Date.now() - 3600_000;
    nylas = fakeNylas({
      ...connectors,
      "POST /v3/connect/custom": () => ({ body: { data: grant("old", "a@x.example", { created_at: Math.floor(nylasNow / 1000) - 30 }) }, headers: { date: new Date(nylasNow).toUTCString() } }),
    });
    expect(await nylas.api.grants.createAgentAccount({ provider: "nylas", settings: { email: "a@x.example" } })).toMatchObject({ grant: { id: "old" }, existing: true });
  });

  it("a grant created by our own earlier attempt (its answer lost) is ours, not 'existing'", async () => {
    const t0 = Date.now();
    let clock = t0;
    const spy = jest.spyOn(Date, "now").mockImplementation(() => clock);
    try {
      let attempts = 0;
      nylas = fakeNylas({
        ...connectors,
        // The first attempt committed at t0 but was answered with an error; the second, 10 s later, answers that grant.
        "POST /v3/connect/custom": () =>
          ++attempts === 1
            ? { status: 504, body: { error: { message: "gateway timeout" } } }
            : { body: { data: grant("mine", "a@x.example", { created_at: Math.floor(t0 / 1000) }) }, headers: { date: new Date(clock).toUTCString() } },
      });
      await expect(nylas.api.grants.createAgentAccount({ provider: "nylas", settings: { email: "a@x.example" } })).rejects.toThrow("gateway timeout");
      clock = t0 + 10_000;
      expect(await nylas.api.grants.createAgentAccount({ provider: "nylas", settings: { email: "a@x.example" } })).toMatchObject({ grant: { id: "mine" }, existing: false });
      // For another address, a grant 10 s older than the request is someone else's.
      expect((await nylas.api.grants.createAgentAccount({ provider: "nylas", settings: { email: "b@x.example" } })).existing).toBe(true);
    } finally {
      spy.mockRestore();
    }
  });

  it("reports an answer whose id this process has already read", async () => {
    nylas = fakeNylas({
      ...connectors,
      "GET /v3/grants/known": ok(grant("known", "k@x.example", { created_at: now() + 60 })),
      "POST /v3/connect/custom": ok(grant("known", "k@x.example", { created_at: now() + 60 })),
    });
    await nylas.api.grants.get("known");
    expect((await nylas.api.grants.createAgentAccount({ provider: "nylas", settings: { email: "k@x.example" } })).existing).toBe(true);
  });

  it("repairs a connector deleted since it was checked, once", async () => {
    let haveConnector = true;
    let posts = 0;
    nylas = fakeNylas({
      "GET /v3/connectors": () => ok(haveConnector ? [{ provider: "nylas" }] : []),
      "POST /v3/connectors": () => ((haveConnector = true), ok({ provider: "nylas" })),
      "POST /v3/connect/custom": () => (++posts === 2 && !haveConnector ? { status: 400, body: { error: { message: "no connector" } } } : { status: 201, body: { data: grant(`g${posts}`, "a@x.example", { created_at: now() + 5 }) } }),
    });
    await nylas.api.grants.createAgentAccount({ provider: "nylas", settings: { email: "a@x.example" } });
    haveConnector = false;
    expect((await nylas.api.grants.createAgentAccount({ provider: "nylas", settings: { email: "b@x.example" } })).grant.id).toBe("g3");
    expect(nylas.calls()).toEqual(["GET /v3/connectors?limit=200&offset=0", "POST /v3/connect/custom", "POST /v3/connect/custom", "GET /v3/connectors?limit=200&offset=0", "POST /v3/connectors", "POST /v3/connect/custom"]);
  });
});

describe("moveToWorkspace", () => {
  it("moves with the documented grant PATCH {workspace_id}", async () => {
    nylas = fakeNylas({ "PATCH /v3/grants/g1": (r) => ok(grant("g1", "a@x.example", { workspace_id: r.body.workspace_id })) });
    expect((await nylas.api.grants.moveToWorkspace("g1", "w2")).workspace_id).toBe("w2");
    expect(nylas.seen).toEqual([expect.objectContaining({ method: "PATCH", path: "/v3/grants/g1", body: { workspace_id: "w2" } })]);
  });

  it("where the PATCH is refused, manual-assigns — only into a workspace with auto_group false", async () => {
    const refused = { status: 400, body: { error: { type: "invalid_request_error", message: "workspace_id cannot be changed" } } };
    nylas = fakeNylas({
      "PATCH /v3/grants/g1": refused,
      "GET /v3/workspaces/w2": ok({ workspace_id: "w2", auto_group: false }),
      "POST /v3/workspaces/w2/manual-assign": ok({ workspace_id: "w2", grants_assigned: ["g1"], grants_removed: null }),
      "GET /v3/grants/g1": ok(grant("g1", "a@x.example", { workspace_id: "w2" })),
      "GET /v3/workspaces/w3": ok({ workspace_id: "w3", auto_group: true }),
    });
    expect((await nylas.api.grants.moveToWorkspace("g1", "w2")).workspace_id).toBe("w2");
    expect(nylas.seen.find((r) => r.path.endsWith("/manual-assign"))?.body).toEqual({ assign_grants: ["g1"] });
    const err = await nylas.api.grants.moveToWorkspace("g1", "w3").catch((e) => e);
    expect(err.message).toContain("Nylas allows manual-assign only into a workspace with auto_group false; set autoGroup: false on that workspace");
    expect(nylas.calls().filter((c) => c === "POST /v3/workspaces/w3/manual-assign")).toEqual([]);
  });

  it("says the workspace is missing (not the account) when it no longer exists", async () => {
    nylas = fakeNylas({ "PATCH /v3/grants/g1": { status: 400, body: { error: { message: "workspace not found" } } }, "GET /v3/workspaces/w9": notFound });
    const err = await nylas.api.grants.moveToWorkspace("g1", "w9").catch((e) => e);
    expect(err.message).toContain("workspace w9 does not exist (deleted outside Pulumi?), so the account cannot move there");
  });
});
