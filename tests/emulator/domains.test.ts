/** /v3/admin/domains: service-account signing and the domain lifecycle. */
import { generateKeyPairSync } from "node:crypto";
import { Harness, signRequest, startHarness } from "./helpers";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ domains: [] });
});
afterAll(() => h.close());
beforeEach(async () => {
  await h.control.reset();
});

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
    const future = await h.signed("GET", "/v3/admin/domains", undefined, { timestamp: now + 301 });
    expect(future.status).toBe(401);
    const edge = await h.signed("GET", "/v3/admin/domains", undefined, { timestamp: now - 200 });
    expect(edge.status).toBe(200);
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
    const put = await h.signed("PUT", `/v3/admin/domains/${d.id}`, { name: "Renamed" });
    expect(put.status).toBe(200);
    expect(put.body.data.name).toBe("Renamed");
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
      attempt: { type: "ownership", options: { host: "a.example.com", type: "TXT", value: expect.stringMatching(/^nylas-verification=/) } },
      status: "pending",
      created_at: expect.any(Number),
      expires_at: expect.any(Number),
      message: expect.any(String),
    });
    const again = await h.signed("POST", `/v3/admin/domains/${d.id}/info`, { type: "ownership" });
    expect(again.body.data.attempt).toEqual(info.body.data.attempt);
    const mx = await h.signed("POST", `/v3/admin/domains/${d.id}/info`, { type: "mx" });
    expect(mx.body.data.attempt.options).toMatchObject({ type: "MX", value: "mx.us.nylas-emulator.local" });
    expect((await h.signed("POST", `/v3/admin/domains/${d.id}/info`, { type: "dmarc" })).status).toBe(400);

    const v = await h.signed("POST", `/v3/admin/domains/${d.id}/verify`, { type: "ownership" });
    expect(v.body.data.status).toBe("done");
    expect((await h.signed("GET", `/v3/admin/domains/${d.id}`)).body.data.verified_ownership).toBe(true);

    await h.control.setVerification(d.id, "dkim", false);
    const f = await h.signed("POST", `/v3/admin/domains/${d.id}/verify`, { type: "dkim" });
    expect(f.body.data.status).toBe("failed");
    expect((await h.signed("GET", `/v3/admin/domains/${d.id}`)).body.data.verified_dkim).toBe(false);
    await h.control.setVerification(d.id, "dkim", true);
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
