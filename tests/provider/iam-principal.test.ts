import { outputContaining } from "../harness/output";
import { useStack } from "../harness/stack";
import { expectCheckCases } from "../harness/check";
import { expectDestroyedTwice, expectRecreatedAfterOutOfBandDelete } from "../harness/matrix";
import { recordRegistrations } from "../harness/mocks";

describe("IamPrincipal through the provider host", () => {
  const stack = useStack();
  let alice: string;
  let bob: string;
  let organizationId: string;
  beforeAll(async () => {
    await stack.api("POST", "/v3/connectors", { name: "nylas", provider: "nylas" });
    const grant = async (email: string) => (await stack.api("POST", "/v3/connect/custom", { provider: "nylas", settings: { email } })).body.data.id as string;
    alice = await grant("alice@agents.example.com");
    bob = await grant("bob@agents.example.com");
    organizationId = (await stack.control.state()).organization_id;
  });

  const principal = async (id: string) => (await stack.iamApi("GET", `/v3/iam/principals/${id}`)).body.data;
  const principals = async () => (await stack.control.state()).principals as any[];
  const paths = async () => (await stack.control.requests()).map((r) => `${r.method} ${r.path}`);
  /** A PATCH whose answer is sparse (harsh profile, variance I13) is read back with one GET. */
  const patched = (id: string) => [`PATCH /v3/iam/principals/${id}`, ...(stack.profile === "harsh" ? [`GET /v3/iam/principals/${id}`] : [])];
  const strip = ({ __provider, ...rest }: Record<string, unknown>) => rest;

  it("runs the acceptance matrix: create, no-op, update, rebind in place, refresh, drift, out-of-band delete, adopt, delete twice", async () => {
    const inputs = {
      name: "  support reader ",
      binding: { type: "grant", id: alice },
      roles: ["role_system_messages_reader"],
      directPermissions: ["messages.send", "folders.read", "messages.send"],
    };
    const made = await stack.engine.up("IamPrincipal", "matrix", inputs);
    expect(made.op).toBe("create");
    expect(strip(made.outputs)).toEqual({
      name: "support reader",
      description: "",
      status: "active",
      binding: { type: "grant", id: alice },
      roles: ["role_system_messages_reader"],
      directPermissions: ["folders.read", "messages.send"],
      organizationId,
      createdAt: expect.any(Number),
    });
    expect(await principal(made.id)).toMatchObject({
      name: "support reader",
      resource_binding: { type: "grant", id: alice },
      roles: ["role_system_messages_reader"],
      direct_permissions: ["folders.read", "messages.send"],
    });

    // Same inputs written differently (order, duplicates, spaces): no diff and no API call.
    await stack.control.clearRequests();
    expect((await stack.engine.up("IamPrincipal", "matrix", { ...inputs, name: "support reader", directPermissions: ["folders.read", "messages.send"] })).op).toBe("same");
    expect(await stack.control.requests()).toEqual([]);

    // In place: one PATCH with only what changed; the arrays whole (they replace the set).
    await stack.control.clearRequests();
    const changed = { ...inputs, description: "reads support mail", directPermissions: ["folders.read"] };
    const updated = await stack.engine.up("IamPrincipal", "matrix", changed);
    expect(updated).toMatchObject({ op: "update", id: made.id });
    expect(await paths()).toEqual(patched(made.id));
    expect(await principal(made.id)).toMatchObject({ description: "reads support mail", direct_permissions: ["folders.read"], roles: ["role_system_messages_reader"] });
    expect(updated.outputs).toMatchObject({ description: "reads support mail", directPermissions: ["folders.read"], roles: ["role_system_messages_reader"] });

    // Nothing about a principal replaces it: the binding changes in place too.
    const rebound = await stack.engine.up("IamPrincipal", "matrix", { ...changed, binding: { type: "grant", id: bob } });
    expect(rebound).toMatchObject({ op: "update", id: made.id, replaces: [] });
    expect((await principal(made.id)).resource_binding).toEqual({ type: "grant", id: bob });
    // Removing roles / directPermissions / description takes them away ([] and "" clear at Nylas).
    const bare = { name: "support reader", binding: { type: "grant", id: bob } };
    expect((await stack.engine.up("IamPrincipal", "matrix", bare)).outputs).toMatchObject({ roles: [], directPermissions: [], description: "" });
    expect(await principal(made.id)).toMatchObject({ roles: [], direct_permissions: [], description: "" });
    const current = { ...changed, binding: { type: "grant", id: bob } };
    await stack.engine.up("IamPrincipal", "matrix", current);

    expect((await stack.engine.refresh("IamPrincipal", "matrix")).op).toBe("same");

    // A colleague widens it in the Dashboard: refresh shows exactly that, up takes it back.
    const before = stack.engine.get("IamPrincipal", "matrix")!.outputs;
    await stack.iamApi("PATCH", `/v3/iam/principals/${made.id}`, { direct_permissions: ["folders.read", "messages.delete", "drafts.send"] });
    const drift = await stack.engine.refresh("IamPrincipal", "matrix");
    expect(drift.op).toBe("update");
    expect(drift.outputs).toEqual({ ...before, directPermissions: ["drafts.send", "folders.read", "messages.delete"] });
    await stack.control.clearRequests();
    expect((await stack.engine.up("IamPrincipal", "matrix", current)).op).toBe("update");
    expect(await paths()).toEqual(patched(made.id));
    expect((await principal(made.id)).direct_permissions).toEqual(["folders.read"]);

    // Disabled by hand: refresh sees it, up re-enables.
    await stack.iamApi("PATCH", `/v3/iam/principals/${made.id}`, { status: "disabled" });
    expect((await stack.engine.refresh("IamPrincipal", "matrix")).outputs).toMatchObject({ status: "disabled" });
    expect((await stack.engine.up("IamPrincipal", "matrix", current)).outputs).toMatchObject({ status: "active" });

    await expectRecreatedAfterOutOfBandDelete(stack.engine, "IamPrincipal", "matrix", current, (id) => stack.iamApi("DELETE", `/v3/iam/principals/${id}`));
    await expectDestroyedTwice(stack.engine, "IamPrincipal", "matrix", async (id) => (await principals()).some((p) => p.id === id));
  });

  it("an Organization binding without its id: Nylas fills it in, and whether it shows it (variance I7) makes no diff", async () => {
    const inputs = { name: "domains admin", binding: { type: "organization" }, directPermissions: ["domains.read", "domains.update"] };
    const made = await stack.engine.up("IamPrincipal", "org", inputs);
    expect(made.outputs).toMatchObject({ binding: { type: "organization" }, organizationId });
    expect((await principals()).find((p) => p.id === made.id).resource_binding).toEqual({ type: "organization", id: organizationId });
    await stack.control.clearRequests();
    expect((await stack.engine.up("IamPrincipal", "org", inputs)).op).toBe("same");
    expect((await stack.engine.refresh("IamPrincipal", "org")).op).toBe("same");
    // Declared with the id, it is compared with the id.
    const withId = { ...inputs, binding: { type: "organization", id: organizationId } };
    expect((await stack.engine.up("IamPrincipal", "org", withId)).outputs).toMatchObject({ binding: { type: "organization", id: organizationId } });
    expect((await stack.engine.refresh("IamPrincipal", "org")).op).toBe("same");
    expect((await stack.engine.up("IamPrincipal", "org", withId)).op).toBe("same");
    await stack.engine.destroy("IamPrincipal", "org");
  });

  it("adopts an existing principal by id and by name on its binding, and says when there is none", async () => {
    const raw = (await stack.iamApi("POST", "/v3/iam/principals", { name: "handmade", resource_binding: { type: "grant", id: alice }, roles: ["role_system_messages_reader"] })).body.data;
    await stack.control.clearRequests();
    const byId = await stack.engine.up("IamPrincipal", "adopt-id", { name: "handmade", binding: { type: "grant", id: alice }, directPermissions: ["messages.read"], adopt: raw.id });
    expect(byId).toMatchObject({ op: "create", id: raw.id });
    expect(await paths()).toEqual([`GET /v3/iam/principals/${raw.id}`, ...patched(raw.id)]);
    // Declared is exact: the role it had is taken away, the permission given.
    expect(await principal(raw.id)).toMatchObject({ roles: [], direct_permissions: ["messages.read"] });
    expect((await stack.engine.up("IamPrincipal", "adopt-id", { name: "handmade", binding: { type: "grant", id: alice }, directPermissions: ["messages.read"], adopt: raw.id })).op).toBe("same");

    const raw2 = (await stack.iamApi("POST", "/v3/iam/principals", { name: "by name", resource_binding: { type: "grant", id: bob } })).body.data;
    const byName = await stack.engine.up("IamPrincipal", "adopt-name", { name: "by name", binding: { type: "grant", id: bob }, adopt: true });
    expect(byName.id).toBe(raw2.id);
    expect((await principals()).filter((p) => p.name === "by name")).toHaveLength(1);

    const missing = await stack.engine.up("IamPrincipal", "adopt-missing", { name: "nobody", binding: { type: "grant", id: bob }, adopt: true }).catch((e) => e);
    expect(missing.message).toContain(`adopt: no existing Nylas IamPrincipal with name "nobody" on grant ${bob}; remove adopt to create one`);
    await stack.engine.destroy("IamPrincipal", "adopt-id");
    await stack.engine.destroy("IamPrincipal", "adopt-name");
  });

  it("a principal Nylas refuses (unknown role, binding to nothing) is one clear error, and nothing is recorded", async () => {
    const err = await stack.engine.up("IamPrincipal", "refused", { name: "x", binding: { type: "grant", id: "no-such-grant" }, roles: ["role_system_messages_reader"] }).catch((e) => e);
    expect(err.message).toMatch(/^creating Nylas IamPrincipal \(name "x" on grant no-such-grant\): 400 .*no-such-grant/);
    expect(stack.engine.get("IamPrincipal", "refused")).toBeUndefined();
    const role = await stack.engine.up("IamPrincipal", "refused", { name: "x", binding: { type: "grant", id: alice }, roles: ["role_custom_nope"] }).catch((e) => e);
    expect(role.message).toMatch(/400 .*role_custom_nope/);
    expect((await principals()).filter((p) => p.name === "x")).toEqual([]);
  });

  it("warns about permissions outside the reference or that do not apply at the binding, with zero API calls", async () => {
    await stack.control.clearRequests();
    const mark = stack.engine.host.output.length;
    const p = await stack.engine.preview("IamPrincipal", "warned", {
      name: "w",
      binding: { type: "grant", id: alice },
      roles: ["role_system_iam_admin"],
      directPermissions: ["messages.read", "domains.read", "telepathy.read"],
    });
    expect(p.op).toBe("create");
    const out = await outputContaining(stack.engine, mark, "grants nothing");
    expect(out).toContain('warning: Nylas IamPrincipal: directPermissions "telepathy.read": not in the Nylas reference; sending anyway (Nylas refuses ids it does not know)');
    expect(out).toContain('warning: Nylas IamPrincipal: directPermissions "domains.read" does not apply at a grant binding: Nylas stores it but ignores it (Domains and IAM need an Organization binding)');
    expect(out).toContain('warning: Nylas IamPrincipal: roles "role_system_iam_admin" applies only at an Organization binding; at a grant binding it grants nothing');
    expect(await stack.control.requests()).toEqual([]);
  });

  it("refuses bad input in check with zero API calls and one clear message per bad field", async () => {
    await stack.control.clearRequests();
    const ok = { name: "n", binding: { type: "grant", id: "g" } };
    const cases: Array<[Record<string, unknown>, { property: string; reason: string }[]]> = [
      [{ ...ok, name: "" }, [{ property: "name", reason: 'name = "": must not be empty' }]],
      [{ ...ok, name: "x".repeat(129) }, [{ property: "name", reason: `name = "${"x".repeat(76)}…: must be at most 128 characters` }]],
      [{ ...ok, binding: { type: "team", id: "g" } }, [{ property: "binding.type", reason: 'binding.type = "team": must be one of "organization", "application", "workspace", "grant"' }]],
      [{ ...ok, binding: { type: "grant" } }, [{ property: "binding.id", reason: "binding.id = missing: is required for a grant binding: the id of the grant" }]],
      [
        { ...ok, binding: { type: "grant", grantId: "g" } },
        [
          { property: "binding.grantId", reason: "binding.grantId: unknown property; allowed: type, id" },
          { property: "binding.id", reason: "binding.id = missing: is required for a grant binding: the id of the grant" },
        ],
      ],
      [{ ...ok, binding: "grant" }, [{ property: "binding", reason: 'binding = "grant": must be an object {type, id}, like {type: "grant", id: grantId}' }]],
      [{ ...ok, status: "paused" }, [{ property: "status", reason: 'status = "paused": must be one of "active", "disabled"' }]],
      [{ ...ok, roles: ["messages_reader"] }, [{ property: "roles[0]", reason: 'roles[0] = "messages_reader": must be a role id like "role_system_messages_reader" (system roles) or the role_… id of a custom role from the Dashboard' }]],
      [{ ...ok, directPermissions: ["messages:read"] }, [{ property: "directPermissions[0]", reason: 'directPermissions[0] = "messages:read": must be a permission id like "messages.read" (resource.action, lower-case); did you mean "messages.read"?' }]],
      [{ ...ok, directPermissions: ["message.read"] }, [{ property: "directPermissions[0]", reason: 'directPermissions[0] = "message.read": is not a Nylas permission; did you mean "messages.read"?' }]],
      [{ ...ok, directPermissions: Array.from({ length: 101 }, (_, i) => `custom.p${"abcdefghijklmnopqrstuvwxyz"[i % 26]}${"abcdefghijklmnopqrstuvwxyz"[Math.floor(i / 26)]}`) }, [{ property: "directPermissions", reason: expect.stringMatching(/^directPermissions = \[.*: must hold at most 100 distinct permission ids$/) as unknown as string }]],
      [{ ...ok, description: "d".repeat(1025) }, [{ property: "description", reason: `description = "${"d".repeat(76)}…: must be at most 1024 characters` }]],
      [{ ...ok, permissions: ["messages.read"] }, [{ property: "permissions", reason: "permissions: unknown property; allowed: name, description, status, binding, roles, directPermissions" }]],
    ];
    await expectCheckCases(stack, "IamPrincipal", cases);
  });
});

describe("IamPrincipal without the IAM API key", () => {
  const stack = useStack({ config: { "nylas:iamApiKey": "" }, env: { NYLAS_IAM_API_KEY: "" } });

  it("fails with one clear error naming the setting, and never falls back to the application key", async () => {
    const err = await stack.engine.up("IamPrincipal", "keyless", { name: "x", binding: { type: "organization" } }).catch((e) => e);
    expect(err.message).toContain('creating Nylas IamPrincipal (name "x" on organization): no Nylas IAM API key');
    expect(err.message).toContain("`pulumi config set --secret nylas:iamApiKey <key>` or NYLAS_IAM_API_KEY");
    expect(err.message).toContain("the application API key cannot manage IAM");
    expect(await stack.control.requests()).toEqual([]); // nothing was sent, not even with the API key
    expect(stack.engine.get("IamPrincipal", "keyless")).toBeUndefined();
  });
});

describe("the IamPrincipal class (Pulumi mocks)", () => {
  it("registers the fixed type token", async () => {
    const { requests } = await recordRegistrations();
    const { IamPrincipal } = await import("../../provider/resources/iam-principal");
    const p = new IamPrincipal("p", { name: "p", binding: { type: "grant", id: "g" } });
    await new Promise((r) => p.urn.apply(r));
    expect(requests.map((r) => r.getType())).toEqual(["pulumi-nodejs:dynamic/nylas:IamPrincipal"]);
    expect(requests[0].getAdditionalsecretoutputsList()).toEqual([]);
  });
});
