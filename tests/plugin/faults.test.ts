import { useStack, type FaultRule } from "../harness/stack";
import { lostAnswerTable } from "../hardening/lost-answers";

/**
 * The fault suite's table of lost create answers (tests/hardening/lost-answers.ts, the table itself)
 * through the native plugin, one plugin process for the file: every resource type, under the harshest
 * way of the table — a 503, then a create committed whose answer is cut, a lookup that fails once and an
 * adopting update cut once — ends with exactly one object, adopted with a warning over the engine's Log,
 * and no diff after. The ways that differ only in how the client meets them (a 504, a timeout) and the
 * rest of the fault suite (429 storms, timeouts, deadlines, restarts) are the client's and the
 * lifecycle's, which both doors share: they run on the dynamic-provider host only, to keep the suite fast.
 */
describe("lost create answers through the native plugin", () => {
  const stack = useStack({ frontDoor: "plugin", receiver: true });
  let folderGrant = "";
  beforeAll(async () => {
    await stack.api("POST", "/v3/connectors", { name: "nylas", provider: "nylas" });
    folderGrant = (await stack.api("POST", "/v3/connect/custom", { provider: "nylas", settings: { email: "fault-folders@agents.example.com" } })).body.data.id;
  });
  afterEach(() => stack.control.clearFaults());

  it("runs through the plugin", () => expect(stack.engine.frontDoor).toBe("plugin"));

  lostAnswerTable(
    {
      stack,
      engine: () => stack.engine,
      timeouts: () => {
        throw new Error("the plugin runs no way of the table that needs short timeouts");
      },
      folderGrant: () => folderGrant,
      faults: async (rules: FaultRule[]) => {
        await stack.control.clearRequests();
        await stack.control.faults(rules);
      },
    },
    ["503, then reset after commit, a failing lookup and a cut update"],
  );
});
