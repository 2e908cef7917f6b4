/** The emulator's command line (node:util parseArgs): every flag maps to one EmulatorOptions field. */
import { parseCommandLine } from "../../emulator/cli";

test("defaults: port 4780, control off, everything else left to startEmulator", () => {
  expect(parseCommandLine([])).toEqual({
    help: undefined,
    port: 4780,
    host: undefined,
    dataDir: undefined,
    apiKey: undefined,
    domains: undefined,
    control: false,
    smtp: undefined,
    rateLimitPerSecond: undefined,
    webhookChallenge: undefined,
    fsync: undefined,
    inbox: undefined,
    quiet: undefined,
  });
});

test("every flag, with --flag=value and repeated/comma-separated domains", () => {
  expect(
    parseCommandLine([
      "--port=0",
      "--host", "0.0.0.0",
      "--data", ".nylas",
      "--api-key", "k",
      "--domain", "a.example,b.example",
      "--domain=c.example",
      "--control",
      "--smtp-port", "2525",
      "--rate-limit", "7.5",
      "--no-webhook-challenge",
      "--no-fsync",
      "--no-inbox",
      "--quiet",
    ]),
  ).toEqual({
    help: undefined,
    port: 0,
    host: "0.0.0.0",
    dataDir: ".nylas",
    apiKey: "k",
    domains: ["a.example", "b.example", "c.example"],
    control: true,
    smtp: { port: 2525 },
    rateLimitPerSecond: 7.5,
    webhookChallenge: false,
    fsync: false,
    inbox: false,
    quiet: true,
  });
});

test("bad command lines are refused with one line naming the flag", () => {
  const fails = (argv: string[]) => {
    try {
      parseCommandLine(argv);
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error(`accepted ${argv.join(" ")}`);
  };
  expect(fails(["--port", "http"])).toBe('--port must be an integer 0-65535, got "http"');
  expect(fails(["--port", "70000"])).toBe('--port must be an integer 0-65535, got "70000"');
  expect(fails(["--smtp-port", ""])).toBe('--smtp-port must be an integer 0-65535, got ""');
  expect(fails(["--rate-limit", "0"])).toBe('--rate-limit must be a positive number, got "0"');
  expect(fails(["--fsync"])).toMatch(/Unknown option '--fsync'/);
  expect(fails(["--port"])).toMatch(/--port.*argument missing/);
  expect(fails(["stray"])).toMatch(/Unexpected argument 'stray'/);
});
