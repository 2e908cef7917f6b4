import { outputContaining, outputUntilNow } from "../harness/output";
import { useStack } from "../harness/stack";
import { expectCheckCases } from "../harness/check";
import { expectDestroyedTwice, expectRecreatedAfterOutOfBandDelete } from "../harness/matrix";
import { recordRegistrations } from "../harness/mocks";

const DAY = 24 * 3600;
const nowS = () => Math.floor(Date.now() / 1000);
const iso = (s: number) => new Date(s * 1000).toISOString();

describe("IamCredential through the provider host", () => {
  const stack = useStack();
  let alice: string;
  let principalId: string;
  beforeAll(async () => {
    await stack.api("POST", "/v3/connectors", { name: "nylas", provider: "nylas" });
    alice = (await stack.api("POST", "/v3/connect/custom", { provider: "nylas", settings: { email: "alice@agents.example.com" } })).body.data.id;
    const p = await stack.engine.up("IamPrincipal", "agent", { name: "alice agent", binding: { type: "grant", id: alice }, directPermissions: ["messages.read"] });
    principalId = p.id;
  });

  const base = () => `/v3/iam/principals/${principalId}/credentials`;
  const credential = async (id: string) => (await stack.iamApi("GET", `${base()}/${id}`)).body.data;
  const credentials = async () => ((await stack.control.state()).credentials as any[]).filter((c) => c.principal_id === principalId);
  const paths = async () => (await stack.control.requests()).map((r) => `${r.method} ${r.path}`);
  const patched = (id: string) => [`PATCH ${base()}/${id}`, ...(stack.profile === "harsh" ? [`GET ${base()}/${id}`] : [])];
  /** What the agent's runtime gets when it reads its mailbox with `key`. */
  const readsMail = async (key: string) => (await stack.as(key, "GET", `/v3/grants/${alice}/messages`)).status;
  const strip = ({ __provider, ...rest }: Record<string, unknown>) => rest;

  it("runs the acceptance matrix: create, no-op, update, replace, refresh, drift, out-of-band delete, delete twice — the key kept throughout", async () => {
    const expires = nowS() + 90 * DAY;
    const inputs = { principalId, name: " worker key ", expiresAt: iso(expires) };
    const made = await stack.engine.up("IamCredential", "matrix", inputs);
    expect(made.op).toBe("create");
    expect(strip(made.outputs)).toEqual({
      principalId,
      name: "worker key",
      status: "active",
      expiresAt: expires,
      apiKey: expect.any(String),
      createdAt: expect.any(Number),
    });
    const key = made.outputs.apiKey as string;
    expect(await readsMail(key)).toBe(200);
    expect(await credential(made.id)).toMatchObject({ name: "worker key", status: "active", expires_at: expires });
    expect(JSON.stringify(await credential(made.id))).not.toContain(key); // reads never return it

    // The same expiry written as Unix seconds: no diff and no API call.
    await stack.control.clearRequests();
    expect((await stack.engine.up("IamCredential", "matrix", { ...inputs, name: "worker key", expiresAt: expires })).op).toBe("same");
    expect(await stack.control.requests()).toEqual([]);

    // Name and status change in place; the key is kept. Disabled, it stops working; active again, it works.
    await stack.control.clearRequests();
    const disabled = await stack.engine.up("IamCredential", "matrix", { ...inputs, name: "worker key 2", status: "disabled" });
    expect(disabled).toMatchObject({ op: "update", id: made.id });
    expect(await paths()).toEqual(patched(made.id));
    expect(disabled.outputs).toMatchObject({ name: "worker key 2", status: "disabled", apiKey: key });
    expect(await readsMail(key)).toBe(401);
    const current = { ...inputs, name: "worker key 2" };
    expect((await stack.engine.up("IamCredential", "matrix", current)).outputs).toMatchObject({ status: "active", apiKey: key });
    expect(await readsMail(key)).toBe(200);

    // A later expiry cannot be set on a key: a new key replaces it, made before the old one is deleted.
    await stack.control.clearRequests();
    const later = nowS() + 180 * DAY;
    const replaced = await stack.engine.up("IamCredential", "matrix", { ...current, expiresAt: later });
    expect(replaced).toMatchObject({ op: "replace", replaces: ["expiresAt"] });
    expect(replaced.id).not.toBe(made.id);
    const log = await paths();
    expect(log.indexOf(`POST ${base()}`)).toBeGreaterThanOrEqual(0);
    expect(log.indexOf(`POST ${base()}`)).toBeLessThan(log.indexOf(`DELETE ${base()}/${made.id}`));
    const newKey = replaced.outputs.apiKey as string;
    expect(newKey).not.toBe(key);
    expect(await readsMail(newKey)).toBe(200);
    expect(await readsMail(key)).toBe(401);
    expect((await credentials()).map((c) => c.id)).toEqual([replaced.id]);
    const now = { ...current, expiresAt: later };

    const fresh = await stack.engine.refresh("IamCredential", "matrix");
    expect(fresh.op).toBe("same");
    expect(fresh.outputs!.apiKey).toBe(newKey); // kept from the create answer

    // Renamed by hand: refresh shows exactly that, up puts it back, the key unchanged.
    const before = stack.engine.get("IamCredential", "matrix")!.outputs;
    await stack.iamApi("PATCH", `${base()}/${replaced.id}`, { name: "renamed by hand" });
    const drift = await stack.engine.refresh("IamCredential", "matrix");
    expect(drift.op).toBe("update");
    expect(drift.outputs).toEqual({ ...before, name: "renamed by hand" });
    expect((await stack.engine.up("IamCredential", "matrix", now)).outputs).toMatchObject({ name: "worker key 2", apiKey: newKey });
    expect((await credential(replaced.id)).name).toBe("worker key 2");

    // Deleted outside Pulumi: refresh drops it, the next up makes a new key.
    const again = await expectRecreatedAfterOutOfBandDelete(stack.engine, "IamCredential", "matrix", now, (id) => stack.iamApi("DELETE", `${base()}/${id}`));
    expect(await readsMail(again.outputs.apiKey as string)).toBe(200);
    await expectDestroyedTwice(stack.engine, "IamCredential", "matrix", async (id) => (await credentials()).some((c) => c.id === id));
  });

  it("rotates with secretVersion: the new key is made first, both work until the old one is deleted", async () => {
    const inputs = { principalId, name: "rotating", secretVersion: 1 };
    const made = await stack.engine.up("IamCredential", "rotate", inputs);
    const oldKey = made.outputs.apiKey as string;
    // No expiresAt: a year from now, recorded.
    expect(made.outputs.expiresAt).toBeGreaterThanOrEqual(nowS() + 364 * DAY);
    expect(made.outputs.expiresAt).toBeLessThanOrEqual(nowS() + 366 * DAY);
    expect((await stack.engine.up("IamCredential", "rotate", { ...inputs, secretVersion: "1" })).op).toBe("same");

    // Between the create of the new key and the delete of the old one, both authenticate.
    await stack.control.faults([{ method: "DELETE", path: `^${base()}/`, kind: "latency", latencyMs: 1500, times: 1 }]);
    let both: number[] = [];
    const rotating = stack.engine.up("IamCredential", "rotate", { ...inputs, secretVersion: 2 });
    for (let i = 0; i < 100 && both.length === 0; i++) {
      const keys = (await credentials()).length;
      if (keys === 2) both = [await readsMail(oldKey)];
      else await new Promise((r) => setTimeout(r, 20));
    }
    const rotated = await rotating;
    await stack.control.clearFaults();
    expect(both).toEqual([200]);
    expect(rotated).toMatchObject({ op: "replace", replaces: ["secretVersion"] });
    const newKey = rotated.outputs.apiKey as string;
    expect(newKey).not.toBe(oldKey);
    expect([await readsMail(newKey), await readsMail(oldKey)]).toEqual([200, 401]);
    // Removing secretVersion does not rotate.
    expect((await stack.engine.up("IamCredential", "rotate", { principalId, name: "rotating" })).op).toBe("same");
    await stack.engine.destroy("IamCredential", "rotate");
  });

  it("warns at refresh when the key is about to expire, and when it has", async () => {
    const made = await stack.engine.up("IamCredential", "expiring", { principalId, name: "expiring" });
    await stack.control.clearRequests();
    let mark = stack.engine.host.output.length;
    expect((await stack.engine.refresh("IamCredential", "expiring")).op).toBe("same");
    expect(await outputUntilNow(stack.engine, mark)).not.toContain("expire");
    const soon = nowS() + 3 * DAY;
    await stack.control.setCredentialExpiry(made.id, soon);
    mark = stack.engine.host.output.length;
    const r = await stack.engine.refresh("IamCredential", "expiring");
    expect(r.outputs!.expiresAt).toBe(soon);
    const soonWarning = `warning: Nylas IamCredential ${made.id} (name "expiring") expires at ${iso(soon).replace(".000Z", "Z")}, in 3 day(s) — set a later expiresAt to replace it with a new key (made before the old one is deleted)`;
    expect(await outputContaining(stack.engine, mark, soonWarning)).toContain(soonWarning);
    const past = nowS() - 60;
    await stack.control.setCredentialExpiry(made.id, past);
    mark = stack.engine.host.output.length;
    await stack.engine.refresh("IamCredential", "expiring");
    const expired = `expired at ${iso(past).replace(".000Z", "Z")}: it no longer authenticates`;
    expect(await outputContaining(stack.engine, mark, expired)).toContain(expired);
    expect(await readsMail(made.outputs.apiKey as string)).toBe(401);
    await stack.engine.destroy("IamCredential", "expiring");
  });

  it("adopts an existing key by id and by name — its secret cannot be read, so apiKey stays empty, and says so", async () => {
    const expires = nowS() + 30 * DAY;
    const raw = (await stack.iamApi("POST", base(), { name: "handmade", expires_at: expires })).body.data;
    const mark = stack.engine.host.output.length;
    const byId = await stack.engine.up("IamCredential", "adopt-id", { principalId, name: "handmade 2", adopt: raw.id });
    expect(byId).toMatchObject({ op: "create", id: raw.id });
    expect(byId.outputs).toMatchObject({ name: "handmade 2", expiresAt: expires });
    expect(byId.outputs.apiKey).toBeUndefined();
    const empty = `warning: Nylas IamCredential ${raw.id} (name "handmade 2"): Nylas showed its key only when it was made, so apiKey is empty — change secretVersion to replace it with a new key that is kept`;
    expect(await outputContaining(stack.engine, mark, empty)).toContain(empty);
    // An adopted key whose declared expiry differs cannot be made to match: one clear error.
    const other = (await stack.iamApi("POST", base(), { name: "other", expires_at: expires })).body.data;
    const err = await stack.engine.up("IamCredential", "adopt-bad", { principalId, name: "other", expiresAt: expires + DAY, adopt: true }).catch((e) => e);
    expect(err.message).toContain(`IamCredential ${other.id} expires at`);
    expect(err.message).toContain(`declare expiresAt: ${expires}, or remove adopt to make a new key`);
    // Bumping secretVersion replaces the adopted key with one whose apiKey is kept — once adopt is
    // removed: left in place, the replacement would take over the same key again (said at preview).
    const still = await stack.engine.preview("IamCredential", "adopt-id", { principalId, name: "handmade 2", adopt: raw.id, secretVersion: 1 }).catch((e) => e);
    expect(still.message).toContain(`Nylas IamCredential ${raw.id}: secretVersion changed, so it is replaced by a new one — but adopt is set`);
    const replaced = await stack.engine.up("IamCredential", "adopt-id", { principalId, name: "handmade 2", secretVersion: 1 });
    expect(replaced.op).toBe("replace");
    expect(await readsMail(replaced.outputs.apiKey as string)).toBe(200);
    expect((await credentials()).some((c) => c.id === raw.id)).toBe(false);
    await stack.engine.destroy("IamCredential", "adopt-id");
    await stack.iamApi("DELETE", `${base()}/${other.id}`);
  });

  it("a key whose principal was deleted is gone: refresh drops it, destroy succeeds", async () => {
    const p = await stack.engine.up("IamPrincipal", "doomed", { name: "doomed", binding: { type: "grant", id: alice }, directPermissions: ["messages.read"] });
    await stack.engine.up("IamCredential", "orphaned", { principalId: p.id, name: "k" });
    await stack.iamApi("DELETE", `/v3/iam/principals/${p.id}`); // deletes its credentials too
    expect((await stack.engine.refresh("IamCredential", "orphaned")).op).toBe("delete");
    await stack.engine.up("IamCredential", "orphaned-2", { principalId, name: "k2" });
    await stack.engine.destroy("IamPrincipal", "doomed"); // already gone: success
    await stack.engine.destroy("IamCredential", "orphaned-2");
  });

  it("an expiry in the past is refused before a key is made", async () => {
    const mark = stack.engine.host.output.length;
    const err = await stack.engine.up("IamCredential", "past", { principalId, name: "past", expiresAt: "2020-01-01T00:00:00Z" }).catch((e) => e);
    const past = "warning: Nylas IamCredential: expiresAt 2020-01-01T00:00:00Z is in the past";
    expect(await outputContaining(stack.engine, mark, past)).toContain(past);
    expect(err.message).toContain("creating Nylas IamCredential (name \"past\" of principal");
    expect(err.message).toContain("expiresAt 2020-01-01T00:00:00Z is in the past: Nylas makes keys that expire later only — set a later expiresAt");
    expect((await credentials()).filter((c) => c.name === "past")).toEqual([]);
    expect(stack.engine.get("IamCredential", "past")).toBeUndefined();
  });

  it("refuses bad input in check with zero API calls and one clear message per bad field", async () => {
    await stack.control.clearRequests();
    const ok = { principalId: "p", name: "k" };
    const cases: Array<[Record<string, unknown>, { property: string; reason: string }[]]> = [
      [{ name: "k" }, [{ property: "principalId", reason: "principalId = missing: must be the id of a Nylas IAM principal (a string)" }]],
      [{ ...ok, name: "  " }, [{ property: "name", reason: 'name = "  ": must not be empty' }]],
      [{ ...ok, expiresAt: 1799193600000 }, [{ property: "expiresAt", reason: 'expiresAt = 1799193600000: must be Unix seconds (a whole number) or an ISO 8601 time like "2027-06-30T00:00:00Z"; this looks like milliseconds — divide by 1000' }]],
      [{ ...ok, expiresAt: 1799193600.5 }, [{ property: "expiresAt", reason: 'expiresAt = 1799193600.5: must be Unix seconds (a whole number) or an ISO 8601 time like "2027-06-30T00:00:00Z"' }]],
      [{ ...ok, expiresAt: "next year" }, [{ property: "expiresAt", reason: 'expiresAt = "next year": must be Unix seconds (a whole number) or an ISO 8601 time like "2027-06-30T00:00:00Z"' }]],
      [{ ...ok, expiresAt: nowS() + 11 * 365 * DAY }, [{ property: "expiresAt", reason: expect.stringMatching(/^expiresAt = \d+: must be at most 10 years ahead \(\d{4}-.*Z\), as Nylas allows$/) as unknown as string }]],
      [{ ...ok, status: "revoked" }, [{ property: "status", reason: 'status = "revoked": must be one of "active", "disabled"' }]],
      [{ ...ok, secretVersion: true }, [{ property: "secretVersion", reason: "secretVersion = true: must be a string or a number (change it to replace the key with a new one)" }]],
      [{ ...ok, secret: "x" }, [{ property: "secret", reason: "secret: unknown property (did you mean secretVersion?); allowed: principalId, name, expiresAt, status, secretVersion" }]],
    ];
    await expectCheckCases(stack, "IamCredential", cases);
  });
});

describe("the IamCredential class (Pulumi mocks)", () => {
  it("registers the fixed type token and marks apiKey as a secret output", async () => {
    const { requests } = await recordRegistrations(() => ({ apiKey: "k" }));
    const { IamCredential } = await import("../../provider/resources/iam-credential");
    const c = new IamCredential("c", { principalId: "p", name: "k" });
    await new Promise((r) => c.urn.apply(r));
    expect(requests.map((r) => r.getType())).toEqual(["pulumi-nodejs:dynamic/nylas:IamCredential"]);
    expect(requests[0].getAdditionalsecretoutputsList()).toEqual(["apiKey"]);
  });
});
