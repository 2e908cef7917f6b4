import { settingsFrom } from "../../provider/settings";

const cfg = (m: Record<string, string>) => (k: string) => m[k];

describe("provider settings", () => {
  it("prefers stack config, falls back to environment variables", () => {
    const env = { NYLAS_API_KEY: "from-env", NYLAS_REGION: "eu", NYLAS_REQUESTS_PER_SECOND: "25" };
    expect(settingsFrom(cfg({ "nylas:apiKey": "from-config" }), env)).toMatchObject({ apiKey: "from-config", region: "eu", requestsPerSecond: 25 });
    expect(settingsFrom(cfg({}), env).apiKey).toBe("from-env");
    expect(settingsFrom(cfg({ "nylas:apiKey": "  " }), env).apiKey).toBe("from-env");
  });

  it("rejects a bad region or number with the key in the message", () => {
    expect(() => settingsFrom(cfg({ "nylas:region": "ap" }), {})).toThrow('nylas:region must be "us" or "eu", got "ap"');
    expect(() => settingsFrom(cfg({ "nylas:maxAttempts": "0" }), {})).toThrow('nylas:maxAttempts must be a number ≥ 1, got "0"');
  });

  it("reads service-account credentials without ever echoing them", () => {
    const sa = settingsFrom(cfg({ "nylas:serviceAccount": JSON.stringify({ private_key_id: "kid", private_key: "PEM" }) }), {});
    expect(sa.serviceAccount).toEqual({ privateKeyId: "kid", privateKeyPem: "PEM" });
    let message = "";
    try {
      settingsFrom(cfg({ "nylas:serviceAccount": "{not json SECRET-PEM" }), {});
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain("nylas:serviceAccount is not valid JSON");
    expect(message).not.toContain("SECRET-PEM");
  });
});
