import { generateKeyPairSync } from "node:crypto";
import { NylasConfigError } from "../../provider/client";
import { fakeNylas, notFound, ok, type FakeNylas } from "../harness/fake-nylas";

/**
 * The Manage Domains API (Nylas API v3 Domains; variance L6, L7, L12, N7, W1): `/v3/domains` with an IAM API
 * key as bearer by default, the signed `/v3/admin/domains` as the alternative, one clear error when neither
 * credential is set; addressing by address; `dmarc`/`arc` and the DKIM key length; both answer forms of
 * info/verify; the sparse PUT answer.
 */

let nylas: FakeNylas | undefined;
afterEach(async () => {
  await nylas?.close();
  nylas = undefined;
});

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const serviceAccount = { privateKeyId: "kid-1", privateKeyPem: privateKey.export({ type: "pkcs1", format: "pem" }).toString() };
const domain = { id: "d-1", name: "Agents", domain_address: "agents.example.com", region: "us", verified_ownership: false, created_at: 1 };

describe("which route, with which credential", () => {
  it("uses /v3/domains with the IAM API key as bearer when it is set — never the application key, never signing", async () => {
    nylas = fakeNylas({ "GET /v3/domains/d-1": ok(domain) }, { domainsApiKey: "iam-key", serviceAccount });
    expect(await nylas.api.domains.get("d-1")).toMatchObject({ id: "d-1" });
    expect(nylas.seen[0].headers.authorization).toBe("Bearer iam-key");
    expect(nylas.seen[0].headers["x-nylas-signature"]).toBeUndefined();
  });

  it("signs /v3/admin/domains with the service account when only that is set (or nylas:domainsRoute chooses it)", async () => {
    for (const opts of [{ serviceAccount }, { serviceAccount, domainsApiKey: "iam-key", domainsRoute: "service-account" as const }]) {
      nylas = fakeNylas({ "PUT /v3/admin/domains/d-1": ok({ ...domain, name: "B" }) }, opts);
      await nylas.api.domains.update("d-1", { name: "B" });
      const sent = nylas.seen[0];
      expect(sent.path).toBe("/v3/admin/domains/d-1");
      expect(sent.headers.authorization).toBeUndefined();
      expect(sent.headers["x-nylas-kid"]).toBe("kid-1");
      expect(sent.headers["x-nylas-signature"]).toMatch(/^[A-Za-z0-9+/]+=*$/);
      await nylas.close();
    }
    nylas = undefined;
  });

  it("without a domains credential: one error naming both settings, and nothing sent (not even with the application key)", async () => {
    nylas = fakeNylas({});
    const err = await nylas.api.domains.list().catch((e) => e);
    expect(err).toBeInstanceOf(NylasConfigError);
    expect(err.message).toContain("nylas:domainsApiKey");
    expect(err.message).toContain("NYLAS_DOMAINS_API_KEY");
    expect(err.message).toContain("nylas:serviceAccount");
    await expect(nylas.api.domains.create({ name: "x", domain_address: "x.example" })).rejects.toThrow(err.message);
    expect(nylas.seen).toEqual([]);
  });

  it("a route chosen without its credential names exactly that credential", async () => {
    nylas = fakeNylas({}, { domainsRoute: "iam", serviceAccount });
    await expect(nylas.api.domains.get("d-1")).rejects.toThrow('nylas:domainsRoute is "iam" but no domains API key is set');
    await nylas.close();
    nylas = fakeNylas({}, { domainsRoute: "service-account", domainsApiKey: "k" });
    await expect(nylas.api.domains.get("d-1")).rejects.toThrow('nylas:domainsRoute is "service-account" but no service account is set');
    expect(nylas.seen).toEqual([]);
  });
});

describe("answers", () => {
  it("reads a rename back: PUT answers only {name, updated_at}", async () => {
    nylas = fakeNylas({ "PUT /v3/domains/d-1": ok({ name: "Renamed", updated_at: 9 }), "GET /v3/domains/d-1": ok({ ...domain, name: "Renamed" }) }, { domainsApiKey: "k" });
    expect(await nylas.api.domains.update("d-1", { name: "Renamed" })).toMatchObject({ id: "d-1", name: "Renamed", domain_address: "agents.example.com" });
    expect(nylas.calls()).toEqual(["PUT /v3/domains/d-1", "GET /v3/domains/d-1"]);
    expect(nylas.seen[0].body).toEqual({ name: "Renamed" });
  });

  it("resolves a domain named by its address through the list (whether or not the route takes addresses), by id with GET", async () => {
    nylas = fakeNylas({ "GET /v3/domains": ok([{ ...domain, domain_address: "Agents.Example.com" }]), "GET /v3/domains/agents.example.com": notFound, "GET /v3/domains/d-1": ok(domain) }, { domainsApiKey: "k" });
    expect((await nylas.api.domains.resolve("agents.example.com"))?.id).toBe("d-1");
    expect((await nylas.api.domains.resolve("d-1"))?.id).toBe("d-1");
    expect(nylas.calls()).toEqual(["GET /v3/domains?limit=200", "GET /v3/domains/d-1"]);
  });

  it("asks info/verify for dmarc and arc, and sends the DKIM key length as options.key_length", async () => {
    nylas = fakeNylas(
      {
        "POST /v3/domains/d-1/info": (r) => ok({ domain_id: "d-1", attempt: { type: r.body.type, options: { host: "@", type: "TXT", value: `v=${r.body.type}` } }, status: "pending" }),
        "POST /v3/domains/d-1/verify": ok({ domain_id: "d-1", attempt: { type: "dkim" }, status: "done", message: "DKIM verified" }),
      },
      { domainsApiKey: "k" },
    );
    expect(await nylas.api.domains.info("d-1", "dmarc")).toEqual({ record: { host: "@", type: "TXT", value: "v=dmarc" }, attempt: { status: "pending" } });
    expect((await nylas.api.domains.info("d-1", "arc")).record).toEqual({ host: "@", type: "TXT", value: "v=arc" });
    await nylas.api.domains.info("d-1", "dkim", { key_length: 2048 });
    expect(await nylas.api.domains.verify("d-1", "dkim", { key_length: 2048 })).toEqual({ status: "done", message: "DKIM verified" });
    expect(nylas.seen.map((r) => r.body)).toEqual([{ type: "dmarc" }, { type: "arc" }, { type: "dkim", options: { key_length: 2048 } }, { type: "dkim", options: { key_length: 2048 } }]);
  });

  it("reads the flat answer form too (Python: attempt.{host,value,status}, no options, no top-level status)", async () => {
    nylas = fakeNylas(
      {
        "POST /v3/domains/d-1/info": ok({ domain_id: "d-1", attempt: { type: "mx", host: "@", value: "mx.nylas.example", status: "pending" } }),
        "POST /v3/domains/d-1/verify": ok({ domain_id: "d-1", attempt: { type: "mx", host: "@", value: "mx.nylas.example", status: "failed" }, message: "no MX" }),
      },
      { domainsApiKey: "k" },
    );
    expect(await nylas.api.domains.info("d-1", "mx")).toEqual({ record: { host: "@", type: "", value: "mx.nylas.example" }, attempt: { status: "pending" } });
    expect(await nylas.api.domains.verify("d-1", "mx")).toEqual({ status: "failed", message: "no MX" });
  });

  it("reports what an attempt said: message, when it expires, and Nylas's free-form details (left out when absent)", async () => {
    const details = { checked_at: 1_790_000_000, found: ["v=spf1 include:other"] };
    nylas = fakeNylas(
      {
        "POST /v3/domains/d-1/info": ok({ domain_id: "d-1", attempt: { type: "spf", options: { host: "@", type: "TXT", value: "v=spf1" } }, status: "pending", message: "Publish it", created_at: 10, expires_at: 20, details }),
        "POST /v3/domains/d-1/verify": ok({ domain_id: "d-1", status: "failed", message: "wrong SPF", details: {} }),
      },
      { domainsApiKey: "k" },
    );
    expect((await nylas.api.domains.info("d-1", "spf")).attempt).toEqual({ status: "pending", message: "Publish it", createdAt: 10, expiresAt: 20, details });
    expect(await nylas.api.domains.verify("d-1", "spf")).toEqual({ status: "failed", message: "wrong SPF" });
  });
});
