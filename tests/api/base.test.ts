import { isGone, makePath } from "../../provider/api";
import { NylasNotFoundError, NylasValidationError } from "../../provider/client";
import { fakeNylas, notFound, ok, webhookGone, type FakeNylas } from "../harness/fake-nylas";

/** The shared base of provider/api: typed paths, "gone" in every form, whole objects from sparse answers. */

let nylas: FakeNylas | undefined;
afterEach(async () => {
  await nylas?.close();
  nylas = undefined;
});

const policy = { id: "p1", name: "agents", limits: { limit_count_daily_email_sent: 50 }, spam_detection: { spam_sensitivity: 1 }, created_at: 1700000000 };

describe("typed paths", () => {
  it("fills and URL-encodes placeholders", () => {
    expect(makePath("/v3/grants/{id}/folders/{folder}", { id: "a b", folder: "Inbox#1" })).toBe("/v3/grants/a%20b/folders/Inbox%231");
    expect(makePath("/v3/domains/{id}", { id: "agents.example.com" })).toBe("/v3/domains/agents.example.com");
  });

  it("makes a wrong or missing placeholder a compile error", () => {
    // Each line below must fail to type-check; an unneeded @ts-expect-error would itself fail the build.
    // @ts-expect-error — `{ruleId}` is not a placeholder of this path
    expect(() => makePath("/v3/rules/{id}", { ruleId: "r1" })).toThrow("no value for {id}");
    // @ts-expect-error — `{id}` is missing
    expect(() => makePath("/v3/lists/{id}/items", {})).toThrow("no value for {id}");
    expect(makePath("/v3/policies", {})).toBe("/v3/policies");
  });
});

describe("gone, decided in one place", () => {
  const validation = (message: string) => new NylasValidationError(400, "70000", message, "r", "PUT", "/v3/webhooks/w1");

  it("is a 404 anywhere, and a 400 'record not found' only where Nylas documents it (webhooks)", () => {
    expect(isGone(new NylasNotFoundError(404, "not_found_error", "", "r", "GET", "/v3/policies/p"))).toBe(true);
    expect(isGone(validation("destination.id.not.found : record not found"), "404 or 400 not found")).toBe(true);
    expect(isGone(validation("destination.id.not.found : record not found"))).toBe(false);
    expect(isGone(validation("unable.verify.webhook_url : status is not ok, got 404"), "404 or 400 not found")).toBe(false);
    expect(isGone(validation("application_id.required"), "404 or 400 not found")).toBe(false);
  });

  it("a webhook answering 400 'record not found': get → undefined, remove → success, update → NotFound", async () => {
    nylas = fakeNylas({ "GET /v3/webhooks/w1": webhookGone, "DELETE /v3/webhooks/w1": webhookGone, "PUT /v3/webhooks/w1": webhookGone });
    await expect(nylas.api.webhooks.get("w1")).resolves.toBeUndefined();
    await expect(nylas.api.webhooks.remove("w1")).resolves.toBeUndefined();
    const err = await nylas.api.webhooks.update("w1", { description: "x" }).catch((e) => e);
    expect(err).toBeInstanceOf(NylasNotFoundError);
    expect(err.message).toContain("record not found");
    // Gone is final: nothing was retried.
    expect(nylas.calls()).toEqual(["GET /v3/webhooks/w1", "DELETE /v3/webhooks/w1", "PUT /v3/webhooks/w1"]);
  });

  it("a 404 on a policy: get → undefined, remove → success; a 400 on a policy is an error, not gone", async () => {
    nylas = fakeNylas({
      "GET /v3/policies/gone": notFound,
      "DELETE /v3/policies/gone": notFound,
      "DELETE /v3/policies/p1": { status: 400, body: { error: { type: "invalid_request_error", message: "policy not found in plan" } } },
    });
    await expect(nylas.api.policies.get("gone")).resolves.toBeUndefined();
    await expect(nylas.api.policies.remove("gone")).resolves.toBeUndefined();
    await expect(nylas.api.policies.remove("p1")).rejects.toBeInstanceOf(NylasValidationError);
  });

  it("accepts a DELETE answered 204 with no body", async () => {
    nylas = fakeNylas({ "DELETE /v3/rules/r1": { status: 204 } });
    await expect(nylas.api.rules.remove("r1")).resolves.toBeUndefined();
  });
});

describe("write answers", () => {
  it("takes a whole answer with its id as is: no read-back", async () => {
    nylas = fakeNylas({ "PUT /v3/policies/p1": ok({ ...policy, name: "renamed" }) });
    expect(await nylas.api.policies.update("p1", { name: "renamed" })).toMatchObject({ id: "p1", name: "renamed", limits: policy.limits });
    expect(nylas.calls()).toEqual(["PUT /v3/policies/p1"]);
  });

  it("reads a sparse answer back with one GET (a policy PUT answering {name, application_id, organization_id, updated_at})", async () => {
    nylas = fakeNylas({
      "PUT /v3/policies/p1": ok({ name: "renamed", application_id: "a", organization_id: "o", updated_at: 1 }),
      "GET /v3/policies/p1": ok({ ...policy, name: "renamed" }),
    });
    const p = await nylas.api.policies.update("p1", { name: "renamed", limits: { limit_count_daily_email_sent: 50 } });
    expect(p).toMatchObject({ id: "p1", name: "renamed", created_at: 1700000000 });
    expect(nylas.calls()).toEqual(["PUT /v3/policies/p1", "GET /v3/policies/p1"]);
  });

  it("reads back an answer that only echoes what was sent: a policy's limits are the plan's, not the request's", async () => {
    const sent = { name: "x", limits: { limit_count_daily_email_sent: 5 } };
    nylas = fakeNylas({
      "PUT /v3/policies/p1": ok({ ...sent, updated_at: 2 }),
      "GET /v3/policies/p1": ok({ ...policy, limits: { limit_count_daily_email_sent: 5, limit_storage_total: -1 } }),
    });
    expect((await nylas.api.policies.update("p1", sent)).limits).toEqual({ limit_count_daily_email_sent: 5, limit_storage_total: -1 });
  });

  it("a rule PUT answering {name, enabled, trigger} (the Nylas CLI's test answer) becomes the whole rule", async () => {
    const rule = { id: "r1", name: "n", enabled: false, trigger: "inbound", priority: 10, match: { operator: "all", conditions: [{ field: "from.tld", operator: "is", value: "xyz" }] }, actions: [{ type: "block" }] };
    nylas = fakeNylas({ "PUT /v3/rules/r1": ok({ name: "n", enabled: false, trigger: "inbound" }), "GET /v3/rules/r1": ok(rule) });
    expect(await nylas.api.rules.update("r1", { name: "n", enabled: false })).toEqual(rule);
  });

  it("refuses a create answer without an id (the object could not be told apart), naming the field", async () => {
    nylas = fakeNylas({ "POST /v3/policies": ok({ name: "x" }) });
    await expect(nylas.api.policies.create({ name: "x" })).rejects.toThrow("data.id: missing, so the policy just created cannot be told apart");
  });
});

describe("natural keys", () => {
  it("finds one by name, none, or refuses several naming their ids", async () => {
    nylas = fakeNylas({ "GET /v3/policies": ok([policy, { ...policy, id: "p2", name: "other" }, { ...policy, id: "p3", name: "other" }]) });
    expect((await nylas.api.policies.findByName("agents"))?.id).toBe("p1");
    expect(await nylas.api.policies.findByName("nobody")).toBeUndefined();
    await expect(nylas.api.policies.findByName("other")).rejects.toThrow('several Nylas policies are named "other" (p2, p3); set adopt to the id of the one to manage');
  });
});
