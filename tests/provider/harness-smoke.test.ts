import { CheckFailedError, Engine } from "../../provider/offline/engine";

describe("the real dynamic-provider host", () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await Engine.start({ config: { "nylas:apiKey": { secret: "nyk_test_key" }, "nylas:apiUri": "http://127.0.0.1:9" } });
  });
  afterAll(() => engine.stop());

  it("loads the serialized provider by package name and validates in check", async () => {
    const text = await engine.providerText("Policy");
    expect(text).toContain('require("pulumi-nylas-agents/dist/provider/runtime")');
    expect(text).not.toContain("nyk_test_key");
    const err = await engine.preview("Policy", "p", { name: "p", spamDetection: { spamSensitivity: 9 } }).catch((e) => e);
    expect(err).toBeInstanceOf(CheckFailedError);
    expect((err as CheckFailedError).failures).toEqual([
      { property: "spamDetection.spamSensitivity", reason: "spamDetection.spamSensitivity = 9: must be from 0.1 to 5.0 (higher flags more mail as spam)" },
    ]);
  });
});
