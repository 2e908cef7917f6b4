import { CheckFailedError, secret, type Engine } from "../../provider/offline/engine";
import { runMatrix } from "../harness/matrix";
import { useStack } from "../harness/stack";
import { domainMatrix } from "./matrices/domain";

describe("Domain through the provider host (IAM API key on /v3/domains, the default route)", () => {
  const stack = useStack();
  runMatrix(domainMatrix, () => stack);

  /** What a colleague does with the IAM admin key outside Pulumi. */
  const outOfBand = (method: string, path: string, body?: unknown) => stack.domainsApi(method, path, body);
  const domains = async () => (await outOfBand("GET", "/v3/domains?limit=200")).body.data as any[];
  const wire = async (id: string) => (await outOfBand("GET", `/v3/domains/${id}`)).body.data;
  const writes = async () => (await stack.control.requests()).filter((q) => q.method !== "GET").map((q) => `${q.method} ${q.path}`);
  const hostOutput = () => stack.engine.host.output.join("");

  it("replaces on an address change, deleting the old domain first; region is checked against the endpoint", async () => {
    const made = await stack.engine.up("Domain", "moving", { name: "moving", domainAddress: "old.moving.example" });
    expect(await stack.engine.preview("Domain", "moving", { name: "moving", domainAddress: "new.moving.example" })).toEqual({ op: "replace", replaces: ["domainAddress"] });
    // Declaring the region it already has is no change; another region is a replace.
    expect((await stack.engine.preview("Domain", "moving", { name: "moving", domainAddress: "old.moving.example", region: "us" })).op).toBe("same");
    expect(await stack.engine.preview("Domain", "moving", { name: "moving", domainAddress: "old.moving.example", region: "EU" })).toEqual({ op: "replace", replaces: ["region"] });

    await stack.control.clearRequests();
    const r = await stack.engine.up("Domain", "moving", { name: "moving", domainAddress: "new.moving.example" });
    expect(r).toMatchObject({ op: "replace", replaces: ["domainAddress"] });
    expect((await writes()).slice(0, 2)).toEqual([`DELETE /v3/domains/${made.id}`, "POST /v3/domains"]);
    const all = await domains();
    expect(all.find((d) => d.id === made.id)).toBeUndefined();
    expect(all.filter((d) => d.domain_address === "new.moving.example").map((d) => d.id)).toEqual([r.id]);
    await stack.engine.destroy("Domain", "moving");

    // The emulator is a US endpoint: a domain declared for eu is refused and not left behind.
    const eu = await stack.engine.up("Domain", "eu", { name: "eu", domainAddress: "eu.moving.example", region: "eu" }).catch((e) => e);
    expect(eu.message).toContain("domain eu.moving.example is in region us, not eu");
    expect(eu.message).toContain("set nylas:region eu");
    expect((await domains()).filter((d) => d.domain_address === "eu.moving.example")).toEqual([]);
    expect(stack.engine.get("Domain", "eu")).toBeUndefined();
  });

  it("waits for verification when asked, triggering verify for each type", async () => {
    await stack.control.clearRequests();
    const made = await stack.engine.up("Domain", "wait", { name: "wait", domainAddress: "wait.example", waitForVerification: { types: ["dkim", "mx", "ownership", "spf", "feedback", "mx"] } });
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
    expect((await stack.engine.up("Domain", "wait", { name: "wait", domainAddress: "wait.example", waitForVerification: {} })).op).toBe("update");
    expect(await writes()).toEqual([]);
    await stack.engine.destroy("Domain", "wait");
  });

  it("times out cleanly when a verification never completes", async () => {
    const made = await stack.engine.up("Domain", "stuck", { name: "stuck", domainAddress: "stuck.example" });
    await stack.control.setDomainVerification(made.id, { type: "dkim", ok: false, message: "no CNAME found" });
    const wait = { types: ["dkim", "spf"], timeoutSeconds: 2, intervalSeconds: 1 };
    const err = await stack.engine.up("Domain", "stuck", { name: "stuck", domainAddress: "stuck.example", waitForVerification: wait }).catch((e) => e);
    const dkim = (made.outputs.dnsRecords as any[]).find((r) => r.type === "dkim");
    expect(err.message).toContain("domain stuck.example was not verified within 2 s: dkim (failed: no CNAME found; ");
    expect(err.message).toContain(`publish ${[dkim.recordType, dkim.host].filter(Boolean).join(" ")} → ${dkim.value}`);
    expect(err.message).toContain("raise waitForVerification.timeoutSeconds");
    expect((await wire(made.id)).verified_spf).toBe(true); // the other type did verify
    await stack.engine.destroy("Domain", "stuck");
  });

  it("records a domain whose create failed after it was made, and finishes it on the next up", async () => {
    const inputs = { name: "partial", domainAddress: "partial.example", waitForVerification: { types: ["ownership"] } };
    await stack.control.faults([{ method: "POST", path: "^/v3/domains/[^/]+/verify$", kind: "status", status: 400, times: 1 }]);
    const err = await stack.engine.up("Domain", "partial", inputs).catch((e) => e);
    await stack.control.clearFaults();
    const made = (await domains()).filter((d) => d.domain_address === "partial.example");
    expect(made).toHaveLength(1);
    expect(err.message).toContain(`domain partial.example was created (${made[0].id}) but then:`);
    expect(stack.engine.get("Domain", "partial")?.id).toBe(made[0].id);
    const next = await stack.engine.up("Domain", "partial", inputs);
    expect(next).toMatchObject({ op: "update", id: made[0].id });
    expect(next.outputs.verifiedOwnership).toBe(true);
    expect((await domains()).filter((d) => d.domain_address === "partial.example")).toHaveLength(1);
    await stack.engine.destroy("Domain", "partial");
  });

  it("adopts an existing domain by id and by address", async () => {
    const pre = await stack.control.registerDomain("adopt-id.example");
    const byId = await stack.engine.up("Domain", "adopt-id", { name: "Adopted", domainAddress: "adopt-id.example", adopt: pre.id });
    expect(byId).toMatchObject({ op: "create", id: pre.id });
    expect(byId.outputs).toMatchObject({ name: "Adopted", verifiedMx: true });
    expect(byId.outputs.dnsRecords).toHaveLength(5);
    expect((await wire(pre.id)).name).toBe("Adopted");
    expect((await stack.engine.up("Domain", "adopt-id", { name: "Adopted", domainAddress: "adopt-id.example", adopt: pre.id })).op).toBe("same");

    const pre2 = await stack.control.registerDomain("adopt-true.example");
    const byAddress = await stack.engine.up("Domain", "adopt-true", { name: "found", domainAddress: "ADOPT-TRUE.example", adopt: true });
    expect(byAddress.id).toBe(pre2.id);
    expect((await domains()).filter((d) => d.domain_address === "adopt-true.example")).toHaveLength(1);

    const missing = await stack.engine.up("Domain", "adopt-missing", { name: "x", domainAddress: "nobody.example", adopt: true }).catch((e) => e);
    expect(missing.message).toContain("adopt: no existing Nylas Domain with domainAddress nobody.example; remove adopt to create one");
    const wrong = await stack.engine.up("Domain", "adopt-wrong", { name: "x", domainAddress: "other.example", adopt: pre2.id }).catch((e) => e);
    expect(wrong.message).toContain("a domain's address cannot be changed");
    await stack.engine.destroy("Domain", "adopt-id");
    await stack.engine.destroy("Domain", "adopt-true");
  });

  it("never puts the domains API key or the service-account key in state or in the serialized provider", async () => {
    await stack.engine.up("Domain", "secrets", { name: secret("secrets"), domainAddress: "secrets.example" });
    const pem = stack.emulator.serviceAccount.privateKeyPem;
    const keyBody = pem.split("\n").filter((l) => l && !l.startsWith("-----"));
    const probes = [stack.emulator.iamAdminKey, pem, ...keyBody.slice(1, 4)]; // the IAM key, the whole PEM and distinctive lines of it
    const provider = await stack.engine.providerText("Domain");
    for (const p of probes) {
      expect(stack.engine.stateJson()).not.toContain(p);
      expect(provider).not.toContain(p);
      expect(hostOutput()).not.toContain(p);
    }
    await stack.engine.destroy("Domain", "secrets");
  });

  it("refuses bad input in check with zero API calls and one clear message each", async () => {
    await stack.control.clearRequests();
    const failures = async (inputs: Record<string, unknown>) =>
      ((await stack.engine.up("Domain", "bad", inputs).catch((e) => e)) as CheckFailedError).failures;
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
  const stack = useStack({
    config: { "nylas:serviceAccount": "", "nylas:domainsApiKey": "" },
    env: { NYLAS_SERVICE_ACCOUNT: "", NYLAS_SERVICE_ACCOUNT_FILE: "", NYLAS_DOMAINS_API_KEY: "" },
  });

  it("fails with one clear error naming the setting, and never falls back to the API key", async () => {
    const err = await stack.engine.up("Domain", "unsigned", { name: "x", domainAddress: "unsigned.example" }).catch((e) => e);
    expect(err.message).toContain("creating Nylas Domain (domainAddress unsigned.example): Nylas domains need their own credential");
    expect(err.message).toContain("nylas:domainsApiKey");
    expect(err.message).toContain("nylas:serviceAccount");
    expect(err.message).toContain("NYLAS_SERVICE_ACCOUNT");
    expect(await stack.control.requests()).toEqual([]); // nothing was sent, not even with the API key
  });
});

describe("Domain verification details and extra record types (IAM route)", () => {
  const stack = useStack({ config: { "nylas:serviceAccount": "" }, env: { NYLAS_SERVICE_ACCOUNT: "", NYLAS_SERVICE_ACCOUNT_FILE: "" } });
  let engine: Engine;
  beforeAll(() => {
    engine = stack.engine;
  });
  const wire = async (id: string) => (await stack.domainsApi("GET", `/v3/domains/${id}`)).body.data;

  it("lists dmarc and arc records when asked, reports what Nylas said per type, and waits for them", async () => {
    const inputs = { name: "Details", domainAddress: "details.example", extraVerificationTypes: ["arc", "dmarc", "arc"] };
    const made = await engine.up("Domain", "details", inputs);
    expect(made.outputs.extraVerificationTypes).toEqual(["dmarc", "arc"]);
    expect((made.outputs.dnsRecords as any[]).map((r) => r.type)).toEqual(["ownership", "mx", "spf", "dkim", "feedback", "dmarc", "arc"]);
    const details = (made.outputs.verificationDetails as any) as Record<string, any>;
    expect(Object.keys(details).sort()).toEqual(["arc", "dkim", "dmarc", "feedback", "mx", "ownership", "spf"]);
    for (const d of Object.values(details) as any[]) {
      expect(d.message).toMatch(/^Publish a /);
      expect(d.expiresAt).toBeGreaterThan(d.createdAt);
    }
    await stack.control.clearRequests();
    expect((await engine.up("Domain", "details", inputs)).op).toBe("same");
    expect(await stack.control.requests()).toEqual([]);
    // Refresh keeps what Nylas said and asks nothing but the domain itself.
    expect((await engine.refresh("Domain", "details")).op).toBe("same");
    expect((await stack.control.requests()).map((q) => `${q.method} ${q.path}`)).toEqual([`GET /v3/domains/${made.id}`]);

    // Waiting for dmarc: the verify answer becomes its detail.
    const waited = await engine.up("Domain", "details", { ...inputs, waitForVerification: { types: ["dmarc"], intervalSeconds: 1 } });
    expect(waited.outputs.verifiedDmarc).toBe(true);
    expect((waited.outputs.verificationDetails as any).dmarc).toMatchObject({ message: "dmarc record verified" });
    if (stack.profile === "default") expect((waited.outputs.verificationDetails as any).dmarc.status).toBe("done");
    expect((await wire(made.id)).verified_dmarc).toBe(true);

    // Dropping the extra types drops their records.
    const fewer = await engine.up("Domain", "details", { name: "Details", domainAddress: "details.example" });
    expect((fewer.outputs.dnsRecords as any[]).map((r) => r.type)).toEqual(["ownership", "mx", "spf", "dkim", "feedback"]);
    await engine.destroy("Domain", "details");
  });

  it("reads a domain recorded by an earlier version (no verificationDetails) without a diff", async () => {
    const made = await engine.up("Domain", "legacy", { name: "Legacy", domainAddress: "legacy-domain.example" });
    const s = engine.get("Domain", "legacy")!;
    const { verificationDetails: _v, ...earlier } = s.outputs;
    engine.state.set(s.urn, { ...s, outputs: earlier });
    await stack.control.clearRequests();
    expect((await engine.preview("Domain", "legacy", { name: "Legacy", domainAddress: "legacy-domain.example" })).op).toBe("same");
    expect((await engine.refresh("Domain", "legacy")).op).toBe("same");
    expect((await stack.control.requests()).map((q) => `${q.method} ${q.path}`)).toEqual([`GET /v3/domains/${made.id}`]);
    await engine.destroy("Domain", "legacy");
  });

  it("refuses an extra verification type that is not dmarc or arc", async () => {
    const err = (await engine.up("Domain", "bad-extra", { name: "x", domainAddress: "x.example", extraVerificationTypes: ["spf"] }).catch((e) => e)) as CheckFailedError;
    expect(err.failures).toEqual([{ property: "extraVerificationTypes[0]", reason: 'extraVerificationTypes[0] = "spf": must be one of "dmarc", "arc"' }]);
  });
});
