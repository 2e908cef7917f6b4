import { startStack, useStack } from "../harness/stack";

/**
 * Domains as the Manage Domains API answers since 2026-11 (Nylas API v3 Domains on `/v3/domains` or the
 * signed `/v3/admin/domains`; variance L6, L7, L12, N7, W1). Each
 * test fails on main, which spoke only the signed `/v3/admin/domains`, required a whole Domain in the
 * PUT answer, took an adopt address as the resource id, and knew neither dmarc/arc nor the DKIM key
 * length.
 */
describe("Domain on the Manage Domains API (contract)", () => {
  const stack = useStack();

  const wire = async (id: string) => (await stack.domainsApi("GET", `/v3/domains/${id}`)).body.data;
  const paths = async () => (await stack.control.requests()).map((q) => `${q.method} ${q.path}`);

  it("uses /v3/domains with the IAM API key by default, and renames although PUT answers only {name, updated_at}", async () => {
    await stack.control.clearRequests();
    const made = await stack.engine.up("Domain", "iam", { name: "IAM", domainAddress: "iam-route.example" });
    const renamed = await stack.engine.up("Domain", "iam", { name: "IAM renamed", domainAddress: "iam-route.example" });
    expect(renamed).toMatchObject({ op: "update", id: made.id, outputs: expect.objectContaining({ name: "IAM renamed", domainAddress: "iam-route.example" }) });
    expect((await wire(made.id)).name).toBe("IAM renamed");
    expect((await stack.engine.refresh("Domain", "iam")).op).toBe("same");
    const calls = await paths();
    expect(calls.every((c) => / \/v3\/domains(\/|$)/.test(c))).toBe(true);
    // The rename's answer lacked the rest of the Domain: it was read back.
    expect(calls.slice(calls.indexOf(`PUT /v3/domains/${made.id}`), calls.indexOf(`PUT /v3/domains/${made.id}`) + 2)).toEqual([`PUT /v3/domains/${made.id}`, `GET /v3/domains/${made.id}`]);
    await stack.engine.destroy("Domain", "iam");
  });

  it("adopts a domain named by its address, keeping its id (not the address) as the resource id", async () => {
    const pre = (await stack.domainsApi("POST", "/v3/domains", { name: "pre", domain_address: "by-address.example" })).body.data;
    const r = await stack.engine.up("Domain", "by-address", { name: "Adopted", domainAddress: "by-address.example", adopt: "By-Address.example" });
    expect(r).toMatchObject({ op: "create", id: pre.id });
    expect((await wire(pre.id)).name).toBe("Adopted");
    expect((await stack.engine.refresh("Domain", "by-address")).op).toBe("same");
    await stack.engine.destroy("Domain", "by-address");
  });

  it("waits for dmarc and arc when asked, reporting their records and verifiedDmarc/verifiedArc", async () => {
    const r = await stack.engine.up("Domain", "dmarc", { name: "d", domainAddress: "dmarc-arc.example", waitForVerification: { types: ["arc", "dmarc"], intervalSeconds: 1 } });
    expect(r.outputs).toMatchObject({ verifiedDmarc: true, verifiedArc: true, waitForVerification: { types: ["dmarc", "arc"] } });
    expect((r.outputs.dnsRecords as any[]).map((x) => x.type)).toEqual(["ownership", "mx", "spf", "dkim", "feedback", "dmarc", "arc"]);
    expect(await wire(r.id)).toMatchObject({ verified_dmarc: true, verified_arc: true });
    await stack.engine.destroy("Domain", "dmarc");
  });

  it("asks for a 2048-bit DKIM key when dkimKeyLength says so, and fetches the DKIM record again when it changes", async () => {
    const dkimKey = (outs: any) => /p=([^;\s]+)/.exec((outs.dnsRecords as any[]).find((x) => x.type === "dkim").value)![1];
    const plain = await stack.engine.up("Domain", "dkim", { name: "k", domainAddress: "dkim-length.example" });
    const longer = await stack.engine.up("Domain", "dkim", { name: "k", domainAddress: "dkim-length.example", dkimKeyLength: 2048 });
    expect(longer).toMatchObject({ op: "update", id: plain.id, outputs: expect.objectContaining({ dkimKeyLength: 2048 }) });
    // A 2048-bit RSA public key is 294 bytes (392 base64 characters); the emulator's default is 1024 bits.
    expect(Buffer.from(dkimKey(longer.outputs), "base64")).toHaveLength(294);
    expect(dkimKey(longer.outputs)).not.toBe(dkimKey(plain.outputs));
    expect((await stack.engine.up("Domain", "dkim", { name: "k", domainAddress: "dkim-length.example", dkimKeyLength: 2048 })).op).toBe("same");
    const bad = await stack.engine.preview("Domain", "dkim", { name: "k", domainAddress: "dkim-length.example", dkimKeyLength: 4096 }).catch((e) => e);
    expect(bad.failures).toEqual([{ property: "dkimKeyLength", reason: "dkimKeyLength = 4096: must be 2048 (the DKIM key length Nylas documents), or be left out for Nylas's default" }]);
    await stack.engine.destroy("Domain", "dkim");
  });

  it("keeps the older signed /v3/admin/domains route when nylas:domainsRoute chooses it", async () => {
    const legacy = await startStack({ config: { "nylas:domainsRoute": "service-account" } });
    try {
      const r = await legacy.engine.up("Domain", "legacy", { name: "L", domainAddress: "legacy-route.example" }).catch((e) => e);
      const calls = (await legacy.control.requests()).map((q) => q.path);
      expect(calls.length).toBeGreaterThan(0);
      expect(calls.every((p) => p.startsWith("/v3/admin/domains"))).toBe(true);
      if (legacy.profile === "harsh") {
        // variance L12, harsh: the old route is gone; the user is told what Nylas said.
        expect(r.message).toContain("404");
      } else {
        expect(r.op).toBe("create");
        await legacy.engine.up("Domain", "legacy", { name: "L2", domainAddress: "legacy-route.example" });
        expect((await legacy.domainsApi("GET", `/v3/domains/${r.id}`)).body.data.name).toBe("L2");
        await legacy.engine.destroy("Domain", "legacy");
      }
    } finally {
      await legacy.stop();
    }
  });
});
