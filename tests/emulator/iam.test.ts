/** IAM: principals, bindings, roles, credentials (strict bodies, one-time secret, quotas) and enforcement. */
import { createAccount, Res, startHarness, useHarness } from "./helpers";

const h = useHarness();
let alice: any;
let bob: any;
beforeEach(async () => {
  alice = await createAccount(h, "alice@agents.example.com");
  bob = await createAccount(h, "bob@agents.example.com");
});

const DAY = 24 * 3600;
const inAYear = () => Math.floor(Date.now() / 1000) + 365 * DAY;
const principal = (body: Record<string, unknown>) => h.iam("POST", "/v3/iam/principals", body);
const credential = (pid: string, body: Record<string, unknown> = { name: "key", expires_at: inAYear() }) =>
  h.iam("POST", `/v3/iam/principals/${pid}/credentials`, body);
/** A call with an IAM key instead of the application key. */
const as = (key: string, method: string, path: string, body?: unknown): Promise<Res> =>
  h.raw(method, path, body === undefined ? undefined : JSON.stringify(body), { Authorization: `Bearer ${key}`, "Content-Type": "application/json" });

/** A principal with one credential; returns both ids and the secret. */
async function keyFor(body: Record<string, unknown>) {
  const p = await principal({ name: "agent", ...body });
  expect(p.status).toBe(201);
  const c = await credential(p.body.data.id);
  expect(c.status).toBe(201);
  return { principal: p.body.data, credential: c.body.data, secret: c.body.data.secret as string };
}
const agentKey = (grantId: string, extra: Record<string, unknown> = {}) =>
  keyFor({ resource_binding: { type: "grant", id: grantId }, roles: ["role_system_messages_reader"], ...extra });

describe("who may call /v3/iam", () => {
  test("the start admin key lists the seeded Organization-bound IAM Admin; the application key → 401; a grant key → 403", async () => {
    const r = await h.iam("GET", "/v3/iam/principals");
    expect(r.status).toBe(200);
    expect(r.body.next_cursor).toBeUndefined();
    const state = (await h.ctl("GET", "/state")).body;
    expect(r.body.data).toEqual([
      expect.objectContaining({
        organization_id: state.organization_id,
        status: "active",
        roles: ["role_system_iam_admin"],
        resource_binding: { type: "organization", id: state.organization_id },
        created_at: expect.any(Number),
      }),
    ]);
    expect(r.body.data[0].id).toMatch(/^[A-Za-z0-9]{21}$/);
    const app = await h.api("GET", "/v3/iam/principals");
    expect(app.status).toBe(401);
    const { secret } = await agentKey(alice.id);
    expect((await as(secret, "GET", "/v3/iam/principals")).status).toBe(403);
    expect((await as(secret, "GET", "/v3/domains")).status).toBe(403);
    expect((await as("nyk_iam_unknown", "GET", "/v3/iam/principals")).status).toBe(401);
  });

  test("an Organization key without iam.principals.create → 403", async () => {
    const { secret } = await keyFor({ resource_binding: { type: "organization" }, direct_permissions: ["iam.principals.read"] });
    expect((await as(secret, "GET", "/v3/iam/principals")).status).toBe(200);
    const r = await as(secret, "POST", "/v3/iam/principals", { name: "x", resource_binding: { type: "organization" } });
    expect(r.status).toBe(403);
    expect(r.body.error.message).toMatch(/iam\.principals\.create/);
  });
});

describe("principals", () => {
  test("create 201 / get / PATCH replaces arrays / delete cascades credentials", async () => {
    const made = await principal({
      name: "  Support mailbox reader  ",
      resource_binding: { type: "grant", id: alice.id },
      roles: ["role_system_messages_reader", "role_system_messages_reader"],
      direct_permissions: ["messages.read"],
    });
    expect(made.status).toBe(201);
    const p = made.body.data;
    expect(p).toMatchObject({
      name: "Support mailbox reader",
      description: "",
      status: "active",
      roles: ["role_system_messages_reader"],
      direct_permissions: ["messages.read"],
      resource_binding: { type: "grant", id: alice.id },
    });
    expect((await h.iam("GET", `/v3/iam/principals/${p.id}`)).body.data).toEqual(p);
    const u = await h.iam("PATCH", `/v3/iam/principals/${p.id}`, { roles: [], direct_permissions: ["messages.read", "messages.send"], description: "sends too" });
    expect(u.status).toBe(200);
    expect(u.body.data).toMatchObject({ roles: [], direct_permissions: ["messages.read", "messages.send"], description: "sends too", name: p.name });
    const { secret } = (await credential(p.id)).body.data;
    expect((await as(secret, "GET", `/v3/grants/${alice.id}/messages`)).status).toBe(200);
    expect((await h.iam("DELETE", `/v3/iam/principals/${p.id}`)).body).toEqual({ request_id: expect.any(String) });
    expect((await h.iam("GET", `/v3/iam/principals/${p.id}`)).status).toBe(404);
    expect((await h.ctl("GET", "/state")).body.credentials.filter((c: any) => c.principal_id === p.id)).toEqual([]);
    expect((await as(secret, "GET", `/v3/grants/${alice.id}/messages`)).status).toBe(401);
  });

  test("strict bodies: unknown fields, nulls, organization_id, empty PATCH, add/remove payloads, unknown ids → 400", async () => {
    const ok = { name: "p", resource_binding: { type: "grant", id: alice.id } };
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ ...ok, colour: "red" }, /unknown field colour/],
      [{ ...ok, description: null }, /must not be null/],
      [{ ...ok, organization_id: "x" }, /organization_id is not accepted/],
      [{ ...ok, roles: { add: ["role_system_messages_reader"] } }, /whole new set/],
      [{ ...ok, roles: ["role_made_up"] }, /unknown role ids: role_made_up/],
      [{ ...ok, direct_permissions: ["messages.fly"] }, /unknown permission ids: messages\.fly/],
      [{ ...ok, name: "x".repeat(129) }, /1 to 128/],
      [{ ...ok, name: "   " }, /1 to 128/],
      [{ ...ok, description: "x".repeat(1025) }, /1024/],
      [{ ...ok, status: "paused" }, /active or disabled/],
      [{ name: "p" }, /resource_binding is required/],
      [{ name: "p", resource_binding: { type: "team", id: "x" } }, /must be one of/],
      [{ name: "p", resource_binding: { type: "grant" } }, /id is required/],
      [{ name: "p", resource_binding: { type: "grant", id: "nope" } }, /no grant nope/],
      [{ name: "p", resource_binding: { type: "grant", id: alice.id, extra: 1 } }, /resource_binding\.extra/],
      [{ ...ok, direct_permissions: Array.from({ length: 101 }, (_, i) => `p${i}`) }, /at most 100/],
    ];
    for (const [body, msg] of bad) {
      const r = await principal(body);
      expect([r.status, r.body.error?.message]).toEqual([400, expect.stringMatching(msg)]);
    }
    const p = (await principal(ok)).body.data;
    expect((await h.raw("PATCH", `/v3/iam/principals/${p.id}`, "{}", { Authorization: `Bearer ${h.emu.iamAdminKey}` })).status).toBe(400);
    expect((await h.iam("PATCH", `/v3/iam/principals/${p.id}`, { roles: null })).status).toBe(400);
    expect((await h.iam("PATCH", `/v3/iam/principals/${p.id}`, { id: "x" })).status).toBe(400);
    expect((await h.iam("PATCH", "/v3/iam/principals/missing", { name: "x" })).status).toBe(404);
    // nothing was half-made
    expect((await h.iam("GET", "/v3/iam/principals")).body.data).toHaveLength(2);
  });

  test("list filters (both or neither) and cursor paging; page_token ≤ 2048", async () => {
    for (let i = 0; i < 3; i++) await principal({ name: `a${i}`, resource_binding: { type: "grant", id: alice.id } });
    await principal({ name: "b", resource_binding: { type: "grant", id: bob.id } });
    const onAlice = await h.iam("GET", `/v3/iam/principals?resource_binding_type=grant&resource_binding_id=${alice.id}`);
    expect(onAlice.body.data.map((p: any) => p.name)).toEqual(["a0", "a1", "a2"]);
    expect((await h.iam("GET", "/v3/iam/principals?resource_binding_type=grant")).status).toBe(400);
    const names: string[] = [];
    let cursor: string | undefined;
    do {
      const r = await h.iam("GET", `/v3/iam/principals?limit=2${cursor ? `&page_token=${cursor}` : ""}`);
      names.push(...r.body.data.map((p: any) => p.name));
      cursor = r.body.next_cursor;
    } while (cursor);
    expect(names).toEqual(["Emulator IAM admin", "a0", "a1", "a2", "b"]);
    expect((await h.iam("GET", `/v3/iam/principals?page_token=${"x".repeat(2049)}`)).status).toBe(400);
    expect((await h.iam("GET", "/v3/iam/principals?limit=0")).status).toBe(400);
  });

  test("quota 100 + 2N principals: Organization bindings don't raise it, a bound grant does", async () => {
    // the seeded admin + 99 = 100 Organization-bound principals
    for (let i = 0; i < 99; i++) expect((await principal({ name: `o${i}`, resource_binding: { type: "organization" } })).status).toBe(201);
    const over = await principal({ name: "o99", resource_binding: { type: "organization" } });
    expect(over.status).toBe(400);
    expect(over.body.error.message).toMatch(/at most 100 principals/);
    // binding a grant makes N = 1: room for 102
    expect((await principal({ name: "g", resource_binding: { type: "grant", id: alice.id } })).status).toBe(201);
    expect((await principal({ name: "o99", resource_binding: { type: "organization" } })).status).toBe(201);
    expect((await principal({ name: "o100", resource_binding: { type: "organization" } })).status).toBe(400);
  });

  test("the last active Organization IAM Admin cannot be deleted, disabled, rebound or lose the role (409)", async () => {
    const admin = (await h.iam("GET", "/v3/iam/principals")).body.data[0];
    for (const patch of [{ status: "disabled" }, { roles: [] }, { resource_binding: { type: "grant", id: alice.id } }]) {
      const r = await h.iam("PATCH", `/v3/iam/principals/${admin.id}`, patch);
      expect([r.status, r.body.error.message]).toEqual([409, expect.stringMatching(/last active Organization-bound IAM Admin/)]);
    }
    expect((await h.iam("DELETE", `/v3/iam/principals/${admin.id}`)).status).toBe(409);
    const second = await keyFor({ name: "admin 2", resource_binding: { type: "organization" }, roles: ["role_system_iam_admin"] });
    expect((await h.iam("DELETE", `/v3/iam/principals/${admin.id}`)).status).toBe(200);
    // the start key went with its principal; the new admin's key works
    expect((await h.iam("GET", "/v3/iam/principals")).status).toBe(401);
    expect((await as(second.secret, "GET", "/v3/iam/principals")).body.data.map((p: any) => p.name)).toEqual(["admin 2"]);
  });
});

describe("credentials", () => {
  test("the secret is returned once; list and get never contain it; PATCH name/status only", async () => {
    const p = (await principal({ name: "p", resource_binding: { type: "grant", id: alice.id } })).body.data;
    const exp = inAYear();
    const r = await credential(p.id, { name: " worker key ", expires_at: exp });
    expect(r.status).toBe(201);
    const c = r.body.data;
    expect(c).toEqual({
      id: expect.stringMatching(/^[A-Za-z0-9]{21}$/),
      principal_id: p.id,
      type: "api_key",
      name: "worker key",
      status: "active",
      expires_at: exp,
      created_at: expect.any(Number),
      updated_at: expect.any(Number),
      secret: expect.stringMatching(/^nyk_iam_[A-Za-z0-9]{40}$/),
    });
    const list = await h.iam("GET", `/v3/iam/principals/${p.id}/credentials`);
    const { secret: _s, ...withoutSecret } = c;
    expect(list.body.data).toEqual([withoutSecret]);
    expect((await h.iam("GET", `/v3/iam/principals/${p.id}/credentials/${c.id}`)).body.data).toEqual(withoutSecret);
    expect(JSON.stringify((await h.ctl("GET", "/state")).body)).not.toContain(c.secret);
    const u = await h.iam("PATCH", `/v3/iam/principals/${p.id}/credentials/${c.id}`, { name: "renamed", status: "disabled" });
    expect(u.body.data).toMatchObject({ name: "renamed", status: "disabled", expires_at: exp });
    expect((await h.iam("PATCH", `/v3/iam/principals/${p.id}/credentials/${c.id}`, { expires_at: exp + 10 })).body.error.message).toMatch(/cannot be changed/);
    expect((await h.iam("PATCH", `/v3/iam/principals/${p.id}/credentials/${c.id}`, {})).status).toBe(400);
    expect((await h.iam("PATCH", `/v3/iam/principals/${p.id}/credentials/${c.id}`, { note: "x" })).status).toBe(400);
    expect((await h.iam("DELETE", `/v3/iam/principals/${p.id}/credentials/${c.id}`)).status).toBe(200);
    expect((await h.iam("GET", `/v3/iam/principals/${p.id}/credentials/${c.id}`)).status).toBe(404);
  });

  test("expires_at required, in the future, ≤ 10 years, in seconds; ≤ 10 credentials per principal, disabled ones included", async () => {
    const p = (await principal({ name: "p", resource_binding: { type: "grant", id: alice.id } })).body.data;
    const t = Math.floor(Date.now() / 1000);
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ name: "k" }, /expires_at is required/],
      [{ name: "k", expires_at: t - 10 }, /in the future/],
      [{ name: "k", expires_at: t + 11 * 365 * DAY }, /at most 10 years/],
      [{ name: "k", expires_at: (t + DAY) * 1000 }, /milliseconds/],
      [{ name: "k", expires_at: "soon" }, /integer/],
      [{ expires_at: t + DAY }, /name is required/],
      [{ name: "k", expires_at: t + DAY, type: "api_key" }, /unknown field type/],
    ];
    for (const [body, msg] of bad) {
      const r = await credential(p.id, body);
      expect([r.status, r.body.error?.message]).toEqual([400, expect.stringMatching(msg)]);
    }
    for (let i = 0; i < 10; i++) expect((await credential(p.id, { name: `k${i}`, expires_at: t + DAY, status: i < 5 ? "disabled" : "active" })).status).toBe(201);
    const eleventh = await credential(p.id);
    expect([eleventh.status, eleventh.body.error.message]).toEqual([400, expect.stringMatching(/at most 10/)]);
    await h.iam("PATCH", `/v3/iam/principals/${p.id}`, { status: "disabled" });
    const other = (await principal({ name: "q", resource_binding: { type: "grant", id: bob.id }, status: "disabled" })).body.data;
    expect((await credential(other.id)).body.error.message).toMatch(/disabled/);
  });
});

describe("enforcement", () => {
  test("a key bound to one grant reads its own mail; any other grant → 403, and nothing happens", async () => {
    await h.ctl("POST", "/inbound", { from: "x@example.org", to: [alice.email, bob.email], subject: "hi", body: "b" });
    const { secret } = await agentKey(alice.id);
    const own = await as(secret, "GET", `/v3/grants/${alice.id}/messages`);
    expect(own.status).toBe(200);
    expect(own.body.data.map((m: any) => m.subject)).toEqual(["hi"]);
    expect((await as(secret, "GET", `/v3/grants/${alice.id}/folders`)).status).toBe(200);
    expect((await as(secret, "GET", `/v3/grants/${alice.email}/threads`)).status).toBe(200);
    const other = await as(secret, "GET", `/v3/grants/${bob.id}/messages`);
    expect([other.status, other.body.error.type]).toEqual([403, "forbidden"]);
    expect(other.body.error.message).toMatch(/bound to grant .* outside its binding/);
    // a write on another grant is refused before anything happens
    const folder = await as(secret, "POST", `/v3/grants/${bob.id}/folders`, { name: "Hijack" });
    expect(folder.status).toBe(403);
    expect((await h.api("GET", `/v3/grants/${bob.id}/folders`)).body.data.map((f: any) => f.name)).not.toContain("Hijack");
    expect((await as(secret, "GET", "/v3/grants/nope/messages")).status).toBe(403);
    expect((await as(secret, "GET", "/v3/grants/me/messages")).status).toBe(403);
  });

  test("missing permission → 403 with nothing sent; admin endpoints → 403 with nothing made", async () => {
    const { secret } = await agentKey(alice.id);
    const send = await as(secret, "POST", `/v3/grants/${alice.id}/messages/send`, { to: [{ email: bob.email }], body: "x" });
    expect(send.status).toBe(403);
    expect(send.body.error.message).toMatch(/messages\.send/);
    expect((await h.api("GET", `/v3/grants/${bob.id}/messages`)).body.data).toEqual([]);
    expect((await h.api("GET", `/v3/grants/${alice.id}/messages?in=sent`)).body.data).toEqual([]);
    expect((await as(secret, "POST", `/v3/grants/${alice.id}/folders`, { name: "Mine" })).status).toBe(403); // folders.read only
    for (const [method, path, body] of [
      ["GET", "/v3/webhooks"],
      ["POST", "/v3/policies", { name: "sneaky" }],
      ["GET", "/v3/grants"],
      ["GET", "/v3/applications"],
      ["PATCH", `/v3/grants/${alice.id}`, { name: "x" }],
      ["GET", `/v3/grants/${alice.id}/rule-evaluations`],
    ] as [string, string, unknown?][]) {
      const r = await as(secret, method, path, body);
      expect([method, path, r.status]).toEqual([method, path, 403]);
    }
    expect((await h.api("GET", "/v3/policies")).body.data).toEqual([]);
    // with messages.send and grants.read added, the same key sends and reads its own grant
    const p = (await h.iam("GET", `/v3/iam/principals?resource_binding_type=grant&resource_binding_id=${alice.id}`)).body.data[0];
    await h.iam("PATCH", `/v3/iam/principals/${p.id}`, { direct_permissions: ["messages.send", "grants.read", "webhooks.read"] });
    expect((await as(secret, "POST", `/v3/grants/${alice.id}/messages/send`, { to: [{ email: bob.email }], body: "x" })).status).toBe(200);
    expect((await as(secret, "GET", `/v3/grants/${alice.id}`)).body.data.id).toBe(alice.id);
    expect((await as(secret, "GET", `/v3/grants/${bob.id}`)).status).toBe(403);
    // webhooks.read does not fit a grant binding: stored, ignored
    expect((await as(secret, "GET", "/v3/webhooks")).status).toBe(403);
  });

  test("expired → 401; disabled key or principal → 401; deleted key → 401", async () => {
    const { principal: p, credential: c, secret } = await agentKey(alice.id);
    const read = () => as(secret, "GET", `/v3/grants/${alice.id}/messages`);
    expect((await read()).status).toBe(200);
    await h.ctl("POST", `/iam/credentials/${c.id}/expiry`, { expires_at: Math.floor(Date.now() / 1000) - 1 });
    const expired = await read();
    expect([expired.status, expired.body.error.message]).toEqual([401, expect.stringMatching(/expired/)]);
    await h.ctl("POST", `/iam/credentials/${c.id}/expiry`, { expires_at: inAYear() });
    expect((await read()).status).toBe(200);
    await h.iam("PATCH", `/v3/iam/principals/${p.id}/credentials/${c.id}`, { status: "disabled" });
    expect((await read()).status).toBe(401);
    await h.iam("PATCH", `/v3/iam/principals/${p.id}/credentials/${c.id}`, { status: "active" });
    await h.iam("PATCH", `/v3/iam/principals/${p.id}`, { status: "disabled" });
    expect((await read()).body.error.message).toMatch(/principal .* is disabled/);
    const back = await h.iam("PATCH", `/v3/iam/principals/${p.id}/credentials/${c.id}`, { status: "disabled" });
    expect(back.status).toBe(200);
    expect((await h.iam("PATCH", `/v3/iam/principals/${p.id}/credentials/${c.id}`, { status: "active" })).status).toBe(400);
    await h.iam("PATCH", `/v3/iam/principals/${p.id}`, { status: "active" });
    await h.iam("DELETE", `/v3/iam/principals/${p.id}/credentials/${c.id}`);
    expect((await read()).status).toBe(401);
  });

  test("workspace binding follows the grants in the workspace; a deleted bound grant leaves the key 403", async () => {
    const ws = (await h.api("POST", "/v3/workspaces", { name: "tenant" })).body.data.workspace_id;
    const { secret } = await keyFor({ resource_binding: { type: "workspace", id: ws }, direct_permissions: ["messages.read"] });
    const read = (g: any) => as(secret, "GET", `/v3/grants/${g.id}/messages`);
    expect((await read(alice)).status).toBe(403);
    await h.api("PATCH", `/v3/grants/${alice.id}`, { workspace_id: ws });
    expect((await read(alice)).status).toBe(200);
    expect((await read(bob)).status).toBe(403);

    const grantKey = await agentKey(bob.id);
    await h.api("DELETE", `/v3/grants/${bob.id}`);
    const dead = await as(grantKey.secret, "GET", `/v3/grants/${bob.id}/messages`);
    expect([dead.status, dead.body.error.message]).toEqual([403, expect.stringMatching(/no longer exists/)]);
    expect((await h.iam("GET", `/v3/iam/principals/${grantKey.principal.id}`)).body.data.resource_binding).toEqual({ type: "grant", id: bob.id });
  });

  test("application binding: every grant, and admin endpoints with the permission (I8; refused as a variant); custom roles", async () => {
    const appId = (await h.ctl("GET", "/state")).body.application_id;
    await h.ctl("POST", "/iam/roles", { id: "role_webhook_reader", name: "Webhook reader", permissions: ["webhooks.read", "messages.read"] });
    const { secret } = await keyFor({ resource_binding: { type: "application", id: appId }, roles: ["role_webhook_reader"] });
    expect((await as(secret, "GET", `/v3/grants/${bob.id}/messages`)).status).toBe(200);
    expect((await as(secret, "GET", "/v3/webhooks")).status).toBe(200);
    expect((await as(secret, "POST", "/v3/policies", { name: "p" })).status).toBe(403); // policies.create not held
    expect((await as(secret, "GET", "/v3/iam/principals")).status).toBe(403);
    await h.ctl("POST", "/variance", { switches: { iamKeyOnAdminEndpoints: "refused" } });
    expect((await as(secret, "GET", "/v3/webhooks")).status).toBe(403);
    expect((await as(secret, "GET", `/v3/grants/${bob.id}/messages`)).status).toBe(200);
    expect((await principal({ name: "x", resource_binding: { type: "application", id: "other-app" } })).status).toBe(400);
    expect((await h.ctl("POST", "/iam/roles", { id: "role_system_fake", name: "x" })).status).toBe(400);
  });
});

test("variance: 200 on create (I2), secret in data.api_key (I4), Organization binding without id (I7), sparse PATCH (I13)", async () => {
  await h.ctl("POST", "/variance", { switches: { iamCreateStatus: "200", iamSecretMember: "api_key", iamOrgBindingId: "omitted", iamPatchAnswer: "sparse" } });
  const p = await principal({ name: "org", resource_binding: { type: "organization" } });
  expect(p.status).toBe(200);
  expect(p.body.data.resource_binding).toEqual({ type: "organization" });
  const c = await credential(p.body.data.id);
  expect(c.body.data.secret).toBeUndefined();
  expect(c.body.data.api_key).toMatch(/^nyk_iam_/);
  const u = await h.iam("PATCH", `/v3/iam/principals/${p.body.data.id}`, { name: "renamed" });
  expect(Object.keys(u.body.data).sort()).toEqual(["name", "updated_at"]);
  await h.ctl("POST", "/variance", { switches: { iamSecretMember: "top-level" } });
  const top = await credential(p.body.data.id);
  expect(top.body.secret).toMatch(/^nyk_iam_/);
  expect(top.body.data.secret).toBeUndefined();
});

test("principals, credentials and the admin principal survive a restart; the secret still authenticates", async () => {
  const fs = await import("node:fs");
  const os = await import("node:os");
  const path = await import("node:path");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nylas-iam-"));
  try {
    let h1 = await startHarness({ dataDir: dir });
    const g = await createAccount(h1, "p@agents.example.com");
    const p = (await h1.iam("POST", "/v3/iam/principals", { name: "agent", resource_binding: { type: "grant", id: g.id }, roles: ["role_system_messages_reader"] })).body.data;
    const secret = (await h1.iam("POST", `/v3/iam/principals/${p.id}/credentials`, { name: "k", expires_at: inAYear() })).body.data.secret;
    const before = (await h1.iam("GET", "/v3/iam/principals")).body.data;
    await h1.close();
    h1 = await startHarness({ dataDir: dir });
    try {
      expect((await h1.iam("GET", "/v3/iam/principals")).body.data).toEqual(before);
      const r = await h1.raw("GET", `/v3/grants/${g.id}/messages`, undefined, { Authorization: `Bearer ${secret}` });
      expect(r.status).toBe(200);
    } finally {
      await h1.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
