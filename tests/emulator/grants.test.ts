import { createAccount, PASSWORD, useHarness } from "./helpers";

const h = useHarness({ emulator: { domains: ["agents.example.com", "other.example.org"] } });

describe("cross-cutting", () => {
  test("request id in body and X-Request-Id header", async () => {
    const r = await h.api("GET", "/v3/connectors");
    expect(r.status).toBe(200);
    expect(r.body.request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.headers.get("x-request-id")).toBe(r.body.request_id);
    expect(r.body.data).toEqual([]);
  });

  test("missing or wrong API key → 401 unauthorized", async () => {
    const none = await h.raw("GET", "/v3/grants");
    expect(none.status).toBe(401);
    expect(none.body.error.type).toBe("unauthorized");
    expect(none.body.request_id).toBeDefined();
    const wrong = await h.api("GET", "/v3/grants", undefined, { Authorization: "Bearer nope" });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.type).toBe("unauthorized");
  });

  test("unknown route → 404 not_found_error", async () => {
    const r = await h.api("GET", "/v3/does-not-exist");
    expect(r.status).toBe(404);
    expect(r.body.error.type).toBe("not_found_error");
  });

  test("malformed JSON → 400 error parsing request body", async () => {
    const r = await h.raw("POST", "/v3/policies", "{nope", { Authorization: `Bearer ${h.emu.apiKey}` });
    expect(r.status).toBe(400);
    expect(r.body.error).toEqual({ type: "invalid_request_error", message: "error parsing request body" });
  });

  test("?select= keeps only the requested top-level fields", async () => {
    await createAccount(h, "sel@agents.example.com");
    const r = await h.api("GET", "/v3/grants?select=id,email");
    expect(Object.keys(r.body.data[0]).sort()).toEqual(["email", "id"]);
  });
});

describe("connectors", () => {
  test("create, list, get, duplicate 409, delete", async () => {
    const c = await h.api("POST", "/v3/connectors", { name: "nylas", provider: "nylas" });
    expect(c.status).toBe(200);
    expect(c.body.data).toMatchObject({ name: "nylas", provider: "nylas" });
    expect((await h.api("GET", "/v3/connectors")).body.data).toHaveLength(1);
    expect((await h.api("GET", "/v3/connectors/nylas")).body.data.provider).toBe("nylas");
    const dup = await h.api("POST", "/v3/connectors", { provider: "nylas" });
    expect(dup.status).toBe(409);
    expect(dup.body.error.type).toBe("conflict");
    expect((await h.api("POST", "/v3/connectors", {})).status).toBe(400);
    expect((await h.api("POST", "/v3/connectors", { provider: "aol" })).status).toBe(400);
    expect((await h.api("DELETE", "/v3/connectors/nylas")).status).toBe(200);
    expect((await h.api("GET", "/v3/connectors/nylas")).status).toBe(404);
  });

  test("list pages with limit/offset", async () => {
    for (const provider of ["nylas", "google", "microsoft"]) await h.api("POST", "/v3/connectors", { provider });
    expect((await h.api("GET", "/v3/connectors")).body.data.map((c: any) => c.provider)).toEqual(["nylas", "google", "microsoft"]);
    expect((await h.api("GET", "/v3/connectors?limit=2")).body.data.map((c: any) => c.provider)).toEqual(["nylas", "google"]);
    expect((await h.api("GET", "/v3/connectors?limit=2&offset=2")).body.data.map((c: any) => c.provider)).toEqual(["microsoft"]);
    expect((await h.api("GET", "/v3/connectors?limit=2&offset=4")).body.data).toEqual([]);
  });
});

describe("agent accounts (connect/custom)", () => {
  test("create → 201 Grant, app_password never echoed, default workspace", async () => {
    await h.api("POST", "/v3/connectors", { provider: "nylas" });
    const r = await h.api("POST", "/v3/connect/custom", {
      provider: "nylas",
      name: "Support Bot",
      settings: { email: "Support@Agents.Example.com", app_password: PASSWORD },
    });
    expect(r.status).toBe(201);
    const g = r.body.data;
    expect(g).toMatchObject({
      provider: "nylas",
      email: "support@agents.example.com",
      name: "Support Bot",
      grant_status: "valid",
      settings: { email: "support@agents.example.com" },
    });
    expect(JSON.stringify(r.body)).not.toContain(PASSWORD);
    const state = await h.control.state();
    expect(g.workspace_id).toBe(state.default_workspace_id);
    expect(state.grants[0].has_app_password).toBe(true);
    expect(typeof g.created_at).toBe("number");
    expect(g.created_at).toBeLessThan(1e11); // unix seconds
  });

  test("validation errors", async () => {
    const post = (body: unknown) => h.api("POST", "/v3/connect/custom", body);
    // connector must exist
    let r = await post({ provider: "nylas", settings: { email: "a@agents.example.com" } });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/connector/);
    await h.api("POST", "/v3/connectors", { provider: "nylas" });
    expect((await post({ settings: { email: "a@agents.example.com" } })).status).toBe(400);
    expect((await post({ provider: "nylas" })).status).toBe(400);
    r = await post({ provider: "nylas", settings: { email: "not-an-email" } });
    expect(r.status).toBe(400);
    r = await post({ provider: "nylas", settings: { email: "a@unregistered.example.net" } });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/not registered/);
    for (const pw of ["Short1a", "a".repeat(17) + "A1" + "x".repeat(30), "alllowercase1234567", "ALLUPPERCASE1234567", "NoDigitsInThisOneXx", "Has Space12345678Ab", "Ünicode12345678Abcd"]) {
      r = await post({ provider: "nylas", settings: { email: "a@agents.example.com", app_password: pw } });
      expect([pw, r.status]).toEqual([pw, 400]);
    }
    r = await post({ provider: "nylas", name: "", settings: { email: "a@agents.example.com" } });
    expect(r.status).toBe(400);
    r = await post({ provider: "nylas", name: "x".repeat(257), settings: { email: "a@agents.example.com" } });
    expect(r.status).toBe(400);
    r = await post({ provider: "nylas", workspace_id: "nope", settings: { email: "a@agents.example.com" } });
    expect(r.status).toBe(400);
    r = await post({ provider: "google", settings: { email: "a@agents.example.com" } });
    expect(r.status).toBe(400);
    // boundaries accepted: 18 and 40 chars
    r = await post({ provider: "nylas", settings: { email: "b18@agents.example.com", app_password: "Aa1" + "x".repeat(15) } });
    expect(r.status).toBe(201);
    r = await post({ provider: "nylas", settings: { email: "b40@agents.example.com", app_password: "Aa1" + "!".repeat(37) } });
    expect(r.status).toBe(201);
  });

  test("duplicate email returns the existing grant with 200", async () => {
    const g = await createAccount(h, "dup@agents.example.com");
    const r = await h.api("POST", "/v3/connect/custom", { provider: "nylas", settings: { email: "dup@agents.example.com" } });
    expect(r.status).toBe(200);
    expect(r.body.data.id).toBe(g.id);
    expect((await h.api("GET", "/v3/grants")).body.data).toHaveLength(1);
  });

  test("workspace assignment: explicit > auto_group domain > default", async () => {
    const auto = await h.api("POST", "/v3/workspaces", { name: "Other", domain: "other.example.org", auto_group: true });
    const manual = await h.api("POST", "/v3/workspaces", { name: "M", domain: "manual.example.com", auto_group: false });
    const a = await createAccount(h, "a@other.example.org");
    expect(a.workspace_id).toBe(auto.body.data.workspace_id);
    const b = await createAccount(h, "b@other.example.org", { workspace_id: manual.body.data.workspace_id });
    expect(b.workspace_id).toBe(manual.body.data.workspace_id);
    const c = await createAccount(h, "c@agents.example.com");
    expect(c.workspace_id).toBe((await h.control.state()).default_workspace_id);
    // a domain workspace left at the default auto_group (false) collects nothing
    await h.api("POST", "/v3/workspaces", { name: "Quiet", domain: "agents.example.com" });
    const d = await createAccount(h, "d@agents.example.com");
    expect(d.workspace_id).toBe((await h.control.state()).default_workspace_id);
  });

  test("domains registered via the control API or the signed API are usable", async () => {
    await h.control.registerDomain("late.example.com");
    await createAccount(h, "x@late.example.com");
    await h.signed("POST", "/v3/admin/domains", { name: "Mine", domain_address: "signed.example.com" });
    await createAccount(h, "x@signed.example.com");
  });
});

describe("grants", () => {
  test("the grant endpoint takes an id: email, email: and grant: forms are 404 there (sub-resources accept them)", async () => {
    const g = await createAccount(h, "find@agents.example.com");
    expect((await h.api("GET", `/v3/grants/${g.id}`)).body.data.id).toBe(g.id);
    for (const ref of ["find@agents.example.com", "email:find@agents.example.com", `grant:${g.id}`]) {
      for (const method of ["GET", "PATCH", "DELETE"]) {
        const r = await h.api(method, `/v3/grants/${encodeURIComponent(ref)}`, method === "PATCH" ? { name: "x" } : undefined);
        expect([ref, method, r.status]).toEqual([ref, method, 404]);
      }
      expect((await h.api("GET", `/v3/grants/${encodeURIComponent(ref)}/folders`)).status).toBe(200);
    }
    expect((await h.api("GET", `/v3/grants/${g.id}`)).body.data.name).toBeUndefined();
    const r = await h.api("GET", "/v3/grants/nope");
    expect(r.status).toBe(404);
    expect(r.body.error.type).toBe("not_found_error");
  });

  test("list: offset pagination, filters, envelope", async () => {
    for (let i = 0; i < 12; i++) await createAccount(h, `u${i}@agents.example.com`);
    let r = await h.api("GET", "/v3/grants");
    expect(r.body).toMatchObject({ limit: 10, offset: 0 });
    expect(r.body.data).toHaveLength(10);
    expect(r.body.next_cursor).toBeUndefined();
    r = await h.api("GET", "/v3/grants?limit=5&offset=10");
    expect(r.body.data).toHaveLength(2);
    r = await h.api("GET", "/v3/grants?limit=200&order_by=asc");
    expect(r.body.data.map((g: any) => g.email).slice(0, 2)).toEqual(["u0@agents.example.com", "u1@agents.example.com"]);
    r = await h.api("GET", "/v3/grants?email=u3@agents.example.com");
    expect(r.body.data).toHaveLength(1);
    r = await h.api("GET", "/v3/grants?provider=google");
    expect(r.body.data).toHaveLength(0);
    r = await h.api("GET", "/v3/grants?provider=nylas&limit=200");
    expect(r.body.data).toHaveLength(12);
    // no maximum is stated for grants
    expect((await h.api("GET", "/v3/grants?limit=500")).body).toMatchObject({ limit: 500, data: expect.any(Array) });
    expect((await h.api("GET", "/v3/grants?limit=abc")).status).toBe(400);
  });

  test("PATCH: name, settings (the password kept unless sent), password rotation, immutable email, workspace moves", async () => {
    const g = await createAccount(h, "p@agents.example.com", { name: "Old", settings: { email: "p@agents.example.com", app_password: PASSWORD } });
    let r = await h.api("PATCH", `/v3/grants/${g.id}`, { name: "New" });
    expect(r.status).toBe(200);
    expect(r.body.data.name).toBe("New");
    const state = await h.control.state();
    expect(state.grants[0].has_app_password).toBe(true);

    r = await h.api("PATCH", `/v3/grants/${g.id}`, { settings: { app_password: "An0therPassword1234" } });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/settings.email is required/);
    r = await h.api("PATCH", `/v3/grants/${g.id}`, { settings: { email: "other@agents.example.com" } });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toBe("email cannot be changed; create a new Agent Account instead");
    r = await h.api("PATCH", `/v3/grants/${g.id}`, { settings: { email: "p@agents.example.com", app_password: "bad" } });
    expect(r.status).toBe(400);
    r = await h.api("PATCH", `/v3/grants/${g.id}`, { settings: { email: "p@agents.example.com", app_password: "An0therPassword1234" } });
    expect(r.status).toBe(200);
    expect(JSON.stringify(r.body)).not.toContain("An0therPassword1234");
    // settings without app_password keeps the stored password (variance W6 default)
    r = await h.api("PATCH", `/v3/grants/${g.id}`, { settings: { email: "p@agents.example.com" } });
    expect(r.status).toBe(200);
    const verify = async (password: string) => ({ body: await h.control.verifyAppPassword(g.id, password) });
    expect((await verify("An0therPassword1234")).body).toEqual({ ok: true, has_app_password: true });
    r = await h.api("PATCH", `/v3/grants/${g.id}`, { name: "" });
    expect(r.status).toBe(400);
    // workspace_id moves the grant into any workspace (auto_group or not, whatever its domain); null is ignored
    r = await h.api("PATCH", `/v3/grants/${g.id}`, { workspace_id: "elsewhere" });
    expect([r.status, r.body.error.message]).toEqual([400, "workspace not found: elsewhere"]);
    const bare = (await h.api("POST", "/v3/workspaces", { name: "Bare" })).body.data.workspace_id;
    const auto = (await h.api("POST", "/v3/workspaces", { name: "Auto", domain: "other.example.org", auto_group: true })).body.data.workspace_id;
    for (const ws of [bare, auto]) {
      r = await h.api("PATCH", `/v3/grants/${g.id}`, { workspace_id: ws });
      expect([r.status, r.body.data.workspace_id]).toEqual([200, ws]);
    }
    r = await h.api("PATCH", `/v3/grants/${g.id}`, { workspace_id: null, name: "Null WS ignored" });
    expect(r.body.data).toMatchObject({ workspace_id: auto, name: "Null WS ignored" });
    expect((await h.api("GET", `/v3/grants/${g.id}`)).body.data.workspace_id).toBe(auto);
    expect((await h.api("PATCH", "/v3/grants/nope", { name: "x" })).status).toBe(404);
  });

  test("DELETE → 200 {request_id}, then 404", async () => {
    const g = await createAccount(h, "del@agents.example.com");
    const r = await h.api("DELETE", `/v3/grants/${g.id}`);
    expect(r.status).toBe(200);
    expect(Object.keys(r.body)).toEqual(["request_id"]);
    expect((await h.api("GET", `/v3/grants/${g.id}`)).status).toBe(404);
    expect((await h.api("DELETE", `/v3/grants/${g.id}`)).status).toBe(404);
    // the address can be created again
    await createAccount(h, "del@agents.example.com");
  });

  test("system folders are provisioned", async () => {
    const g = await createAccount(h, "f@agents.example.com");
    const r = await h.api("GET", `/v3/grants/${g.id}/folders`);
    expect(r.body.data.map((f: any) => f.id)).toEqual(["inbox", "sent", "drafts", "trash", "junk", "archive"]);
  });
});
