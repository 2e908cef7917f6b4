import { CheckFailedError } from "../../provider/offline/engine";
import { runMatrix } from "../harness/matrix";
import { useStack } from "../harness/stack";
import { policyMatrix } from "./matrices/policy";

describe("Policy through the provider host", () => {
  const stack = useStack();

  runMatrix(policyMatrix, () => stack);

  const policies = async () => (await stack.api("GET", "/v3/policies?limit=200")).body.data as any[];

  it("resets a removed limit block to the plan defaults instead of leaving it", async () => {
    const made = await stack.engine.up("Policy", "reset", { name: "reset", limits: { limitCountDailyEmailSent: 5 } });
    const r = await stack.engine.up("Policy", "reset", { name: "reset" });
    expect(r.op).toBe("update");
    const wire = (await stack.api("GET", `/v3/policies/${made.id}`)).body.data;
    if (stack.profile === "harsh") {
      // Nylas may merge nested objects on PUT (§10 W5): then the limit stays, and the provider says so.
      expect(wire.limits.limit_count_daily_email_sent).toBe(5);
      expect(stack.engine.host.output.join("")).toContain(`Nylas Policy ${made.id} (name "reset"): limits.limitCountDailyEmailSent is no longer declared, but Nylas kept 5`);
    } else {
      expect(wire.limits.limit_count_daily_email_sent).not.toBe(5);
    }
    expect((await stack.engine.up("Policy", "reset", { name: "reset" })).op).toBe("same");
  });

  it("adopts an existing policy by id and by name, reconciling it to the inputs", async () => {
    const raw = (await stack.api("POST", "/v3/policies", { name: "pre-existing", limits: { limit_count_daily_email_sent: 3 } })).body.data;
    const byId = await stack.engine.up("Policy", "adopt-id", { name: "pre-existing", limits: { limitCountDailyEmailSent: 30 }, adopt: raw.id });
    expect(byId.op).toBe("create");
    expect(byId.id).toBe(raw.id);
    expect((await stack.api("GET", `/v3/policies/${raw.id}`)).body.data.limits.limit_count_daily_email_sent).toBe(30);
    expect((await stack.engine.up("Policy", "adopt-id", { name: "pre-existing", limits: { limitCountDailyEmailSent: 30 }, adopt: raw.id })).op).toBe("same");

    const raw2 = (await stack.api("POST", "/v3/policies", { name: "find-me" })).body.data;
    const byName = await stack.engine.up("Policy", "adopt-name", { name: "find-me", adopt: true });
    expect(byName.id).toBe(raw2.id);
    expect((await policies()).filter((p) => p.name === "find-me")).toHaveLength(1);

    const missing = await stack.engine.up("Policy", "adopt-missing", { name: "nobody", adopt: true }).catch((e) => e);
    expect(missing.message).toContain('adopt: no existing Nylas Policy with name "nobody"; remove adopt to create one');
  });

  it("refuses bad input in check with zero API calls and one clear message", async () => {
    await stack.control.clearRequests();
    const err = await stack.engine
      .up("Policy", "bad", { name: "bad", limits: { limitInboxRetentionPeriod: 10, limitSpamRetentionPeriod: 30 } })
      .catch((e) => e);
    expect(err).toBeInstanceOf(CheckFailedError);
    expect(err.failures).toEqual([
      {
        property: "limits.limitSpamRetentionPeriod",
        reason: "limits.limitSpamRetentionPeriod = 30: limitInboxRetentionPeriod must be greater than limitSpamRetentionPeriod",
      },
    ]);
    expect(await stack.control.requests()).toEqual([]);
  });
});
