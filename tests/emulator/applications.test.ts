/** The application object (Nylas API v3 Applications) and domain-less workspaces (changelog 2026-09-24). */
import { createAccount, useHarness } from "./helpers";

const h = useHarness();

describe("application", () => {
  test("GET /v3/applications: ids, the default workspace, region, environment", async () => {
    const state = (await h.ctl("GET", "/state")).body;
    const r = await h.api("GET", "/v3/applications");
    expect(r.status).toBe(200);
    expect(r.body.data).toMatchObject({
      application_id: state.application_id,
      organization_id: state.organization_id,
      default_workspace_id: state.default_workspace_id,
      region: "us",
      environment: "production",
      branding: { name: expect.any(String) },
    });
    expect(r.body.data.callback_uris).toBeUndefined(); // omitted when empty
    expect((await h.raw("GET", "/v3/applications")).status).toBe(401);
  });

  test("PATCH replaces nested objects, ignores read-only fields (default_workspace_id), hides additional_settings", async () => {
    const before = (await h.api("GET", "/v3/applications")).body.data;
    await h.api("PATCH", "/v3/applications", { branding: { name: "Acme Agents", website_url: "https://acme.example" } });
    const r = await h.api("PATCH", "/v3/applications", {
      branding: { name: "Acme" },
      hosted_authentication: { alignment: "left", title: "Sign in" },
      callback_uris: [{ url: "https://acme.example/cb", platform: "web" }],
      additional_settings: { refresh_token_expiry: 3600 },
      default_workspace_id: "someone-elses",
      application_id: "nope",
    });
    expect(r.status).toBe(200);
    expect(r.body.success).toBe(true);
    const a = r.body.data;
    expect(a.branding).toEqual({ name: "Acme" }); // website_url gone: the object was replaced
    expect(a.hosted_authentication).toEqual({ alignment: "left", title: "Sign in" });
    expect(a.callback_uris).toEqual([{ id: expect.any(String), url: "https://acme.example/cb", platform: "web" }]);
    expect(a.default_workspace_id).toBe(before.default_workspace_id);
    expect(a.application_id).toBe(before.application_id);
    expect(JSON.stringify(a)).not.toContain("refresh_token_expiry");
    expect((await h.api("GET", "/v3/applications")).body.data).toEqual(a);
    for (const bad of [
      { branding: "x" },
      { branding: { colour: "red" } },
      { hosted_authentication: { alignment: "middle" } },
      { callback_uris: [{ platform: "web" }] },
      { callback_uris: [{ url: "https://x", platform: "tv" }] },
    ])
      expect((await h.api("PATCH", "/v3/applications", bad)).status).toBe(400);
  });

  test("variance W7: the PATCH answer without success", async () => {
    await h.ctl("POST", "/variance", { switches: { applicationPatchAnswer: "plain" } });
    const r = await h.api("PATCH", "/v3/applications", { branding: { name: "Plain" } });
    expect(Object.keys(r.body).sort()).toEqual(["data", "request_id"]);
    expect(r.body.data.branding).toEqual({ name: "Plain" });
  });

  test("environment follows the plan (free = sandbox) unless the control API overrides it", async () => {
    await h.ctl("POST", "/config", { plan: "free" });
    expect((await h.api("GET", "/v3/applications")).body.data.environment).toBe("sandbox");
    await h.ctl("POST", "/application", { environment: "staging" });
    expect((await h.api("GET", "/v3/applications")).body.data.environment).toBe("staging");
    await h.ctl("POST", "/application", { environment: null });
    expect((await h.api("GET", "/v3/applications")).body.data.environment).toBe("sandbox");
  });
});

describe("domain-less workspaces", () => {
  test("create with only a name → domain null, auto_group false; auto_group true needs a domain", async () => {
    const r = await h.api("POST", "/v3/workspaces", { name: "Acme Corp" });
    expect(r.status).toBe(200);
    expect(r.body.data).toMatchObject({ name: "Acme Corp", domain: null, auto_group: false, default: false });
    const two = await h.api("POST", "/v3/workspaces", { name: "Acme Corp 2", domain: null });
    expect(two.body.data.domain).toBeNull(); // several workspaces may have no domain
    const bad = await h.api("POST", "/v3/workspaces", { name: "x", auto_group: true });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/auto_group/);
    const id = r.body.data.workspace_id;
    expect((await h.api("PATCH", `/v3/workspaces/${id}`, { auto_group: true })).status).toBe(400);
    const add = await h.api("PATCH", `/v3/workspaces/${id}`, { domain: "acme.example.com" });
    expect(add.status).toBe(400);
    expect(add.body.error.message).toMatch(/cannot be added/);
    expect((await h.api("PATCH", `/v3/workspaces/${id}`, { name: "Renamed" })).body.data).toMatchObject({ name: "Renamed", domain: null });
    await h.ctl("POST", "/variance", { switches: { domainlessWorkspaceDomain: "empty" } });
    expect((await h.api("GET", `/v3/workspaces/${id}`)).body.data.domain).toBe("");
  });

  test("a domain-less workspace never collects new accounts; grant PATCH workspace_id moves any grant; null is ignored", async () => {
    const w = (await h.api("POST", "/v3/workspaces", { name: "Customers" })).body.data.workspace_id;
    const def = (await h.ctl("GET", "/state")).body.default_workspace_id;
    const g = await createAccount(h, "a@agents.example.com");
    expect(g.workspace_id).toBe(def);
    let r = await h.api("PATCH", `/v3/grants/${g.id}`, { workspace_id: w });
    expect(r.status).toBe(200);
    expect(r.body.data.workspace_id).toBe(w);
    r = await h.api("PATCH", `/v3/grants/${g.id}`, { workspace_id: null, name: "Still there" });
    expect(r.body.data).toMatchObject({ workspace_id: w, name: "Still there" });
    expect((await h.api("PATCH", `/v3/grants/${g.id}`, { workspace_id: "missing" })).status).toBe(400);
    const assigned = await h.api("POST", `/v3/workspaces/${w}/manual-assign`, { remove_grants: [g.id] });
    expect(assigned.body.data).toMatchObject({ domain: null, grants_removed: [g.id] });
    // back to the default workspace by PATCH
    expect((await h.api("PATCH", `/v3/grants/${g.id}`, { workspace_id: def })).body.data.workspace_id).toBe(def);
  });
});
