import { CheckFailedError, secret, type Engine } from "../../provider/offline/engine";
import { startStack, type TestStack } from "../harness/stack";
import { expectDestroyedTwice, expectRecreatedAfterOutOfBandDelete } from "../harness/matrix";

describe("Domain through the provider host (IAM API key on /v3/domains, the default route)", () => {
  let stack: TestStack;
  let engine: Engine;
  beforeAll(async () => {
    stack = await startStack();
    engine = stack.engine;
  });
  afterAll(() => stack.stop());

  /** What a colleague does with the IAM admin key outside Pulumi. */
  const outOfBand = (method: string, path: string, body?: unknown) => stack.domainsApi(method, path, body);
  const domains = async () => (await outOfBand("GET", "/v3/domains?limit=200")).body.data as any[];
  const wire = async (id: string) => (await outOfBand("GET", `/v3/domains/${id}`)).body.data;
  const writes = async () => (await stack.control.requests()).filter((q) => q.method !== "GET").map((q) => `${q.method} ${q.path}`);
  const hostOutput = () => engine.host.output.join("");

  it("runs the acceptance matrix: create, no-op, update, refresh, drift, out-of-band delete, delete twice", async () => {
    const inputs = { name: "  Matrix  ", domainAddress: " Mail.Matrix.EXAMPLE " };
    await stack.control.clearRequests();
    const made = await engine.up("Domain", "matrix", inputs);
    expect(made.op).toBe("create");
    const records = made.outputs.dnsRecords as any[];
    expect(made.outputs).toMatchObject({
      name: "Matrix",
      domainAddress: "mail.matrix.example",
      region: "us",
      branded: false,
      verifiedOwnership: false,
      verifiedMx: false,
      verifiedSpf: false,
      verifiedDkim: false,
      verifiedFeedback: false,
      verifiedDmarc: false,
    });
    expect(records.map((r) => r.type)).toEqual(["ownership", "mx", "spf", "dkim", "feedback"]);
    for (const r of records) {
      expect(r.host).not.toBe(""); // relative to the domain (e.g. "@")
      // The flat answer form (§10 L7, harsh) does not say the record type: then it is left out.
      if (stack.profile === "harsh") expect(r.recordType).toBeUndefined();
      else expect(r.recordType).toMatch(/^(TXT|MX|CNAME)$/);
      expect(r.value).not.toBe("");
    }
    if (stack.profile !== "harsh") expect(records.find((r) => r.type === "mx")).toMatchObject({ recordType: "MX" }); // no MX priority is documented
    // One create, then one info call per verification type; every call went through the key check.
    const log = await stack.control.requests();
    expect(log.every((q) => q.status === 200)).toBe(true);
    expect(await writes()).toEqual([
      "POST /v3/domains",
      ...Array(5).fill(`POST /v3/domains/${made.id}/info`),
    ]);

    await stack.control.clearRequests();
    expect((await engine.up("Domain", "matrix", inputs)).op).toBe("same");
    expect(await stack.control.requests()).toEqual([]); // check + diff make no API calls

    const updated = await engine.up("Domain", "matrix", { ...inputs, name: "Renamed" });
    expect(updated.op).toBe("update");
    expect(updated.id).toBe(made.id);
    expect((await wire(made.id)).name).toBe("Renamed");
    const declared = { ...inputs, name: "Renamed" };

    // Refresh is cheap: the DNS records are known, so it reads the domain and nothing else.
    await stack.control.clearRequests();
    expect((await engine.refresh("Domain", "matrix")).op).toBe("same");
    expect((await stack.control.requests()).map((q) => `${q.method} ${q.path}`)).toEqual([`GET /v3/domains/${made.id}`]);

    // Renamed outside Pulumi: refresh shows exactly that, up puts it back.
    const before = engine.get("Domain", "matrix")!.outputs;
    await outOfBand("PUT", `/v3/domains/${made.id}`, { name: "Hand-edited" });
    const drift = await engine.refresh("Domain", "matrix");
    expect(drift.op).toBe("update");
    expect(drift.outputs).toEqual({ ...before, name: "Hand-edited" });
    expect((await engine.up("Domain", "matrix", declared)).op).toBe("update");
    expect((await wire(made.id)).name).toBe("Renamed");

    await expectRecreatedAfterOutOfBandDelete(engine, "Domain", "matrix", declared, (id) => outOfBand("DELETE", `/v3/domains/${id}`));
    await expectDestroyedTwice(engine, "Domain", "matrix", async (id) => (await domains()).some((d) => d.id === id));
  });

  it("replaces on an address change, deleting the old domain first; region is checked against the endpoint", async () => {
    const made = await engine.up("Domain", "moving", { name: "moving", domainAddress: "old.moving.example" });
    expect(await engine.preview("Domain", "moving", { name: "moving", domainAddress: "new.moving.example" })).toEqual({ op: "replace", replaces: ["domainAddress"] });
    // Declaring the region it already has is no change; another region is a replace.
    expect((await engine.preview("Domain", "moving", { name: "moving", domainAddress: "old.moving.example", region: "us" })).op).toBe("same");
    expect(await engine.preview("Domain", "moving", { name: "moving", domainAddress: "old.moving.example", region: "EU" })).toEqual({ op: "replace", replaces: ["region"] });

    await stack.control.clearRequests();
    const r = await engine.up("Domain", "moving", { name: "moving", domainAddress: "new.moving.example" });
    expect(r).toMatchObject({ op: "replace", replaces: ["domainAddress"] });
    expect((await writes()).slice(0, 2)).toEqual([`DELETE /v3/domains/${made.id}`, "POST /v3/domains"]);
    const all = await domains();
    expect(all.find((d) => d.id === made.id)).toBeUndefined();
    expect(all.filter((d) => d.domain_address === "new.moving.example").map((d) => d.id)).toEqual([r.id]);
    await engine.destroy("Domain", "moving");

    // The emulator is a US endpoint: a domain declared for eu is refused and not left behind.
    const eu = await engine.up("Domain", "eu", { name: "eu", domainAddress: "eu.moving.example", region: "eu" }).catch((e) => e);
    expect(eu.message).toContain("domain eu.moving.example is in region us, not eu");
    expect(eu.message).toContain("set nylas:region eu");
    expect((await domains()).filter((d) => d.domain_address === "eu.moving.example")).toEqual([]);
    expect(engine.get("Domain", "eu")).toBeUndefined();
  });

  it("waits for verification when asked, triggering verify for each type", async () => {
    await stack.control.clearRequests();
    const made = await engine.up("Domain", "wait", { name: "wait", domainAddress: "wait.example", waitForVerification: { types: ["dkim", "mx", "ownership", "spf", "feedback", "mx"] } });
    expect(made.outputs).toMatchObject({
      verifiedOwnership: true,
      verifiedMx: true,
      verifiedSpf: true,
      verifiedDkim: true,
      verifiedFeedback: true,
      waitForVerification: { types: ["ownership", "mx", "spf", "dkim", "feedback"] },
    });
    expect((await writes()).filter((w) => w.endsWith("/verify"))).toHaveLength(5);
    // Already verified: another up with the wait does nothing.
    await stack.control.clearRequests();
    expect((await engine.up("Domain", "wait", { name: "wait", domainAddress: "wait.example", waitForVerification: {} })).op).toBe("update");
    expect(await writes()).toEqual([]);
    await engine.destroy("Domain", "wait");
  });

  it("times out cleanly when a verification never completes", async () => {
    const made = await engine.up("Domain", "stuck", { name: "stuck", domainAddress: "stuck.example" });
    const res = await fetch(`${stack.emulator.url}/__emulator/domains/${made.id}/verification`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ type: "dkim", ok: false, message: "no CNAME found" }),
    });
    expect(res.status).toBe(200);
    const wait = { types: ["dkim", "spf"], timeoutSeconds: 2, intervalSeconds: 1 };
    const err = await engine.up("Domain", "stuck", { name: "stuck", domainAddress: "stuck.example", waitForVerification: wait }).catch((e) => e);
    const dkim = (made.outputs.dnsRecords as any[]).find((r) => r.type === "dkim");
    expect(err.message).toContain("domain stuck.example was not verified within 2 s: dkim (failed: no CNAME found; ");
    expect(err.message).toContain(`publish ${[dkim.recordType, dkim.host].filter(Boolean).join(" ")} → ${dkim.value}`);
    expect(err.message).toContain("raise waitForVerification.timeoutSeconds");
    expect((await wire(made.id)).verified_spf).toBe(true); // the other type did verify
    await engine.destroy("Domain", "stuck");
  });

  it("records a domain whose create failed after it was made, and finishes it on the next up", async () => {
    const inputs = { name: "partial", domainAddress: "partial.example", waitForVerification: { types: ["ownership"] } };
    await stack.control.faults([{ method: "POST", path: "^/v3/domains/[^/]+/verify$", kind: "status", status: 400, times: 1 }]);
    const err = await engine.up("Domain", "partial", inputs).catch((e) => e);
    await stack.control.clearFaults();
    const made = (await domains()).filter((d) => d.domain_address === "partial.example");
    expect(made).toHaveLength(1);
    expect(err.message).toContain(`domain partial.example was created (${made[0].id}) but then:`);
    expect(engine.get("Domain", "partial")?.id).toBe(made[0].id);
    const next = await engine.up("Domain", "partial", inputs);
    expect(next).toMatchObject({ op: "update", id: made[0].id });
    expect(next.outputs.verifiedOwnership).toBe(true);
    expect((await domains()).filter((d) => d.domain_address === "partial.example")).toHaveLength(1);
    await engine.destroy("Domain", "partial");
  });

  it("adopts an existing domain by id and by address", async () => {
    const pre = (await stack.control.registerDomain("adopt-id.example")).data;
    const byId = await engine.up("Domain", "adopt-id", { name: "Adopted", domainAddress: "adopt-id.example", adopt: pre.id });
    expect(byId).toMatchObject({ op: "create", id: pre.id });
    expect(byId.outputs).toMatchObject({ name: "Adopted", verifiedMx: true });
    expect(byId.outputs.dnsRecords).toHaveLength(5);
    expect((await wire(pre.id)).name).toBe("Adopted");
    expect((await engine.up("Domain", "adopt-id", { name: "Adopted", domainAddress: "adopt-id.example", adopt: pre.id })).op).toBe("same");

    const pre2 = (await stack.control.registerDomain("adopt-true.example")).data;
    const byAddress = await engine.up("Domain", "adopt-true", { name: "found", domainAddress: "ADOPT-TRUE.example", adopt: true });
    expect(byAddress.id).toBe(pre2.id);
    expect((await domains()).filter((d) => d.domain_address === "adopt-true.example")).toHaveLength(1);

    const missing = await engine.up("Domain", "adopt-missing", { name: "x", domainAddress: "nobody.example", adopt: true }).catch((e) => e);
    expect(missing.message).toContain("adopt: no existing Nylas Domain with domainAddress nobody.example; remove adopt to create one");
    const wrong = await engine.up("Domain", "adopt-wrong", { name: "x", domainAddress: "other.example", adopt: pre2.id }).catch((e) => e);
    expect(wrong.message).toContain("a domain's address cannot be changed");
    await engine.destroy("Domain", "adopt-id");
    await engine.destroy("Domain", "adopt-true");
  });

  it("does not duplicate a domain whose create answer was lost", async () => {
    for (const fault of [{ kind: "commit-then-reset" as const }, { kind: "commit-then-status" as const, status: 504 }]) {
      const address = `ghost-${fault.kind}.example`;
      await stack.control.faults([{ method: "POST", path: "^/v3/domains$", times: 1, ...fault }]);
      const r = await engine.up("Domain", address, { name: "ghost", domainAddress: address });
      const same = (await domains()).filter((d) => d.domain_address === address);
      expect(same).toHaveLength(1);
      expect(r.id).toBe(same[0].id);
      expect(r.outputs.dnsRecords).toHaveLength(5);
      expect(hostOutput()).toContain(`Nylas Domain domainAddress ${address}: the create's answer was lost`);
      await engine.destroy("Domain", address);
    }
    await stack.control.clearFaults();
  });

  it("never puts the domains API key or the service-account key in state or in the serialized provider", async () => {
    await engine.up("Domain", "secrets", { name: secret("secrets"), domainAddress: "secrets.example" });
    const pem = stack.emulator.serviceAccount.privateKeyPem;
    const keyBody = pem.split("\n").filter((l) => l && !l.startsWith("-----"));
    const probes = [stack.emulator.iamAdminKey, pem, ...keyBody.slice(1, 4)]; // the IAM key, the whole PEM and distinctive lines of it
    const provider = await engine.providerText("Domain");
    for (const p of probes) {
      expect(engine.stateJson()).not.toContain(p);
      expect(provider).not.toContain(p);
      expect(hostOutput()).not.toContain(p);
    }
    await engine.destroy("Domain", "secrets");
  });

  it("refuses bad input in check with zero API calls and one clear message each", async () => {
    await stack.control.clearRequests();
    const failures = async (inputs: Record<string, unknown>) =>
      ((await engine.up("Domain", "bad", inputs).catch((e) => e)) as CheckFailedError).failures;
    expect(await failures({ name: "bad", domainAddress: "not_a_domain" })).toEqual([
      { property: "domainAddress", reason: 'domainAddress = "not_a_domain": must be a domain name like agents.example.com' },
    ]);
    expect(await failures({ name: "bad", domainAddress: "bad.example", region: "ap" })).toEqual([
      { property: "region", reason: 'region = "ap": must be one of "us", "eu"' },
    ]);
    expect(await failures({ name: "bad", domainAddress: "bad.example", waitForVerification: { types: ["dnssec"] } })).toEqual([
      { property: "waitForVerification.types[0]", reason: 'waitForVerification.types[0] = "dnssec": must be one of "ownership", "mx", "spf", "dkim", "feedback", "dmarc", "arc"' },
    ]);
    expect(await failures({ name: "bad", domainAddress: "bad.example", waitForVerification: { timeoutSeconds: 7200 } })).toEqual([
      { property: "waitForVerification.timeoutSeconds", reason: "waitForVerification.timeoutSeconds = 7200: must be from 1 to 3600 seconds" },
    ]);
    expect(await failures({ name: "", domainAddress: "bad.example" })).toEqual([{ property: "name", reason: 'name = "": must not be empty' }]);
    expect(await stack.control.requests()).toEqual([]);
  });
});

describe("Domain without a domains credential", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({
      config: { "nylas:serviceAccount": "", "nylas:domainsApiKey": "" },
      env: { NYLAS_SERVICE_ACCOUNT: "", NYLAS_SERVICE_ACCOUNT_FILE: "", NYLAS_DOMAINS_API_KEY: "" },
    });
  });
  afterAll(() => stack.stop());

  it("fails with one clear error naming the setting, and never falls back to the API key", async () => {
    const err = await stack.engine.up("Domain", "unsigned", { name: "x", domainAddress: "unsigned.example" }).catch((e) => e);
    expect(err.message).toContain("creating Nylas Domain (domainAddress unsigned.example): Nylas domains need their own credential");
    expect(err.message).toContain("nylas:domainsApiKey");
    expect(err.message).toContain("nylas:serviceAccount");
    expect(err.message).toContain("NYLAS_SERVICE_ACCOUNT");
    expect(await stack.control.requests()).toEqual([]); // nothing was sent, not even with the API key
  });
});
