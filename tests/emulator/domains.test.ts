/** Manage Domains: /v3/domains with the IAM key, /v3/admin/domains with service-account signing, the domain lifecycle. */
import { generateKeyPairSync } from "node:crypto";
import { signRequest, startHarness, useHarness } from "./helpers";

const h = useHarness({ emulator: { domains: [] } });

describe("service-account signing", () => {
  test("service-account credentials JSON is exposed by the control API", async () => {
    const r = { status: 200, body: await h.control.serviceAccount() };
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      type: "service_account",
      private_key_id: h.emu.serviceAccount.privateKeyId,
      private_key: h.emu.serviceAccount.privateKeyPem,
      organization_id: expect.any(String),
      region: "us",
    });
    expect(r.body.private_key).toContain("BEGIN PRIVATE KEY");
  });

  test("a valid signature is accepted (GET without payload, POST with payload)", async () => {
    const list = await h.signed("GET", "/v3/admin/domains");
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([]);
    const created = await h.signed("POST", "/v3/admin/domains", { name: "Agents", domain_address: "Mail.Example.com" });
    expect(created.status).toBe(200);
    // the query string is not part of the signed path
    const q = await h.signed("GET", "/v3/admin/domains?limit=1");
    expect(q.status).toBe(200);
    expect(q.body.data).toHaveLength(1);
  });

  test("Bearer API key is rejected with 401", async () => {
    const r = await h.api("GET", "/v3/admin/domains");
    expect(r.status).toBe(401);
    expect(r.body.error.type).toBe("unauthorized");
    expect(r.body.error.message).toMatch(/Service Account/);
  });

  test("bad signature, wrong key, unknown kid, tampered body, signed path mismatch → 401", async () => {
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }) as string;
    const cases = [
      await h.signed("GET", "/v3/admin/domains", undefined, { privateKeyPem: other }),
      await h.signed("GET", "/v3/admin/domains", undefined, { kid: "someone-else" }),
      await h.signed("GET", "/v3/admin/domains", undefined, { signPath: "/v3/admin/domains/x" }),
      await h.signed("POST", "/v3/admin/domains", { name: "a", domain_address: "a.example.com" }, {
        sendBody: JSON.stringify({ name: "a", domain_address: "evil.example.com" }),
      }),
    ];
    for (const r of cases) {
      expect(r.status).toBe(401);
      expect(r.body.error.type).toBe("unauthorized");
    }
    const headers = signRequest(h.emu.serviceAccount, "GET", "/v3/admin/domains", undefined).headers;
    const garbled = await h.raw("GET", "/v3/admin/domains", undefined, { ...headers, "X-Nylas-Signature": "AAAA" });
    expect(garbled.status).toBe(401);
    const missing = await h.raw("GET", "/v3/admin/domains", undefined, { "X-Nylas-Kid": headers["X-Nylas-Kid"] });
    expect(missing.status).toBe(401);
  });

  test("reused nonce → 401", async () => {
    const first = await h.signed("GET", "/v3/admin/domains", undefined, { nonce: "ReusedNonce123456789" });
    expect(first.status).toBe(200);
    const again = await h.signed("GET", "/v3/admin/domains", undefined, { nonce: "ReusedNonce123456789" });
    expect(again.status).toBe(401);
    expect(again.body.error.message).toMatch(/nonce/i);
  });

  test("timestamp outside the 5-minute window → 401", async () => {
    const now = Math.floor(Date.now() / 1000);
    const stale = await h.signed("GET", "/v3/admin/domains", undefined, { timestamp: now - 301 });
    expect(stale.status).toBe(401);
    expect(stale.body.error.message).toMatch(/window/);
    // A minute past the window's far edge: `now` was read before the calls above, which on a loaded
    // machine can take seconds (+301 was inside the window by the time it arrived: seen in a clean-clone run).
    const future = await h.signed("GET", "/v3/admin/domains", undefined, { timestamp: now + 360 });
    expect(future.status).toBe(401);
    const edge = await h.signed("GET", "/v3/admin/domains", undefined, { timestamp: now - 200 });
    expect(edge.status).toBe(200);
  });
});

describe("the IAM route /v3/domains", () => {
  test("answers the Organization-bound IAM admin key; the application key, a wrong key or none → 401", async () => {
    expect(h.emu.iamAdminKey).toBe("nyk_iam_admin_emulator_key");
    const created = await h.iam("POST", "/v3/domains", { name: "Agents", domain_address: "iam.example.com" });
    expect(created.status).toBe(200);
    expect((await h.iam("GET", "/v3/domains")).body.data.map((d: any) => d.id)).toEqual([created.body.data.id]);
    // the same objects on the signed route
    expect((await h.signed("GET", `/v3/admin/domains/${created.body.data.id}`)).body.data.name).toBe("Agents");
    const app = await h.api("GET", "/v3/domains");
    expect([app.status, app.body.error.type]).toEqual([401, "unauthorized"]);
    expect(app.body.error.message).toContain("IAM API key");
    expect((await h.raw("GET", "/v3/domains")).status).toBe(401);
    expect((await h.api("GET", "/v3/domains", undefined, { Authorization: "Bearer nyk_wrong" })).status).toBe(401);
    // the signed route does not take the IAM key
    expect((await h.iam("GET", "/v3/admin/domains")).status).toBe(401);
  });

  test("the IAM admin key is not an application key: application endpoints → 403", async () => {
    const r = await h.iam("GET", "/v3/grants");
    expect([r.status, r.body.error.message]).toEqual([403, expect.stringContaining("bound to the organization")]);
  });

  test("startEmulator takes another IAM admin key", async () => {
    const other = await startHarness({ domains: [], iamAdminKey: "nyk_iam_other" });
    try {
      expect(other.emu.iamAdminKey).toBe("nyk_iam_other");
      expect((await other.iam("GET", "/v3/domains")).status).toBe(200);
      expect((await other.raw("GET", "/v3/domains", undefined, { Authorization: "Bearer nyk_iam_admin_emulator_key" })).status).toBe(401);
    } finally {
      await other.close();
    }
  });
});

describe("domains", () => {
  test("create, get by id or address, duplicate, update name only, delete", async () => {
    const r = await h.signed("POST", "/v3/admin/domains", { name: "Agents", domain_address: "Agents.Example.com" });
    const d = r.body.data;
    expect(d).toMatchObject({
      name: "Agents",
      domain_address: "agents.example.com",
      branded: false,
      region: "us",
      organization_id: expect.any(String),
      verified_ownership: false,
      verified_mx: false,
      verified_spf: false,
      verified_dkim: false,
      verified_feedback: false,
      verified_dmarc: false,
      verified_arc: false,
    });
    expect((await h.signed("GET", `/v3/admin/domains/${d.id}`)).body.data.id).toBe(d.id);
    expect((await h.signed("GET", "/v3/admin/domains/agents.example.com")).body.data.id).toBe(d.id);
    expect((await h.signed("GET", "/v3/admin/domains/nope.example.com")).status).toBe(404);
    const dup = await h.signed("POST", "/v3/admin/domains", { name: "Again", domain_address: "agents.example.com" });
    expect(dup.status).toBe(400);
    expect((await h.signed("POST", "/v3/admin/domains", { name: "x" })).status).toBe(400);
    expect((await h.signed("POST", "/v3/admin/domains", { domain_address: "x.example.com" })).status).toBe(400);
    expect((await h.signed("POST", "/v3/admin/domains", { name: "x", domain_address: "not a domain" })).status).toBe(400);
    // the answer carries only what changed
    const put = await h.signed("PUT", `/v3/admin/domains/${d.id}`, { name: "Renamed" });
    expect(put.status).toBe(200);
    expect(put.body.data).toEqual({ name: "Renamed", updated_at: expect.any(Number) });
    expect((await h.iam("PUT", "/v3/domains/agents.example.com", { name: "By address" })).body.data).toEqual({
      name: "By address",
      updated_at: expect.any(Number),
    });
    expect((await h.iam("GET", `/v3/domains/${d.id}`)).body.data).toMatchObject({ id: d.id, name: "By address", domain_address: "agents.example.com" });
    const addr = await h.signed("PUT", `/v3/admin/domains/${d.id}`, { domain_address: "other.example.com" });
    expect(addr.status).toBe(400);
    expect((await h.signed("DELETE", `/v3/admin/domains/${d.id}`)).status).toBe(200);
    expect((await h.signed("GET", `/v3/admin/domains/${d.id}`)).status).toBe(404);
  });

  test("info returns deterministic DNS records; verify marks the type verified; control hook simulates failure", async () => {
    const d = (await h.signed("POST", "/v3/admin/domains", { name: "A", domain_address: "a.example.com" })).body.data;
    const info = await h.signed("POST", `/v3/admin/domains/${d.id}/info`, { type: "ownership" });
    expect(info.status).toBe(200);
    expect(info.body.data).toMatchObject({
      domain_id: d.id,
      attempt: { type: "ownership", options: { host: "@", type: "TXT", value: expect.stringMatching(/^nylas-ownership-verify=/) } },
      status: "pending",
      created_at: expect.any(Number),
      expires_at: expect.any(Number),
      message: expect.any(String),
    });
    const again = await h.signed("POST", `/v3/admin/domains/${d.id}/info`, { type: "ownership" });
    expect(again.body.data.attempt).toEqual(info.body.data.attempt);
    const mx = await h.signed("POST", `/v3/admin/domains/${d.id}/info`, { type: "mx" });
    expect(mx.body.data.attempt.options).toEqual({ host: "@", type: "MX", value: "mx.us.nylas-emulator.local" });
    // hosts are relative to the domain
    const hosts: Record<string, string> = {};
    for (const type of ["spf", "dkim", "feedback", "dmarc", "arc"]) {
      const r = await h.iam("POST", `/v3/domains/${d.id}/info`, { type });
      expect([type, r.status, Object.keys(r.body.data.attempt.options).sort()]).toEqual([type, 200, ["host", "type", "value"]]);
      hosts[type] = r.body.data.attempt.options.host;
    }
    expect(hosts).toEqual({
      spf: "@",
      dkim: expect.stringMatching(/^nylas[0-9a-f]{6}\._domainkey$/),
      feedback: "feedback",
      dmarc: "_dmarc",
      arc: expect.stringMatching(/^nylas[0-9a-f]{6}arc\._domainkey$/),
    });
    expect((await h.signed("POST", `/v3/admin/domains/${d.id}/info`, { type: "bimi" })).status).toBe(400);
    // options.key_length (dkim): 2048 gives a longer key, and sticks to the domain
    const dkim = async (options?: unknown) =>
      (await h.iam("POST", `/v3/domains/${d.id}/info`, { type: "dkim", ...(options ? { options } : {}) })).body.data.attempt.options.value as string;
    const short = await dkim();
    const long = await dkim({ key_length: 2048 });
    expect(long.length).toBeGreaterThan(short.length + 100);
    expect(await dkim()).toBe(long);
    expect((await h.iam("POST", `/v3/domains/${d.id}/info`, { type: "dkim", options: { key_length: 512 } })).status).toBe(400);
    expect((await h.iam("POST", `/v3/domains/${d.id}/info`, { type: "spf", options: { key_length: 2048 } })).status).toBe(400);
    expect((await h.iam("POST", `/v3/domains/${d.id}/verify`, { type: "dmarc" })).body.data).toMatchObject({ status: "done" });
    expect((await h.iam("GET", `/v3/domains/${d.id}`)).body.data.verified_dmarc).toBe(true);

    const v = await h.signed("POST", `/v3/admin/domains/${d.id}/verify`, { type: "ownership" });
    expect(v.body.data.status).toBe("done");
    expect((await h.signed("GET", `/v3/admin/domains/${d.id}`)).body.data.verified_ownership).toBe(true);

    await h.control.setDomainVerification(d.id, { type: "dkim", ok: false });
    const f = await h.signed("POST", `/v3/admin/domains/${d.id}/verify`, { type: "dkim" });
    expect(f.body.data.status).toBe("failed");
    expect((await h.signed("GET", `/v3/admin/domains/${d.id}`)).body.data.verified_dkim).toBe(false);
    await h.control.setDomainVerification(d.id, { type: "dkim", ok: true });
    expect((await h.signed("POST", `/v3/admin/domains/${d.id}/verify`, { type: "dkim" })).body.data.status).toBe("done");
  });

  test("list: cursor pagination and domain filter", async () => {
    for (let i = 0; i < 3; i++) await h.signed("POST", "/v3/admin/domains", { name: `d${i}`, domain_address: `d${i}.example.com` });
    const p1 = await h.signed("GET", "/v3/admin/domains?limit=2");
    expect(p1.body.data).toHaveLength(2);
    const p2 = await h.signed("GET", `/v3/admin/domains?limit=2&page_token=${p1.body.next_cursor}`);
    expect(p2.body.data.map((d: any) => d.name)).toEqual(["d2"]);
    expect(p2.body.next_cursor).toBeUndefined();
    const f = await h.signed("GET", "/v3/admin/domains?domain=d1.example.com");
    expect(f.body.data.map((d: any) => d.name)).toEqual(["d1"]);
  });

  test("one branded nylas.email domain per organization", async () => {
    const a = await h.signed("POST", "/v3/admin/domains", { name: "b", domain_address: "myapp.nylas.email" });
    expect(a.body.data).toMatchObject({ branded: true, verified_ownership: true });
    const b = await h.signed("POST", "/v3/admin/domains", { name: "c", domain_address: "other.nylas.email" });
    expect(b.status).toBe(400);
  });
});
