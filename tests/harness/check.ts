import { CheckFailedError, type Engine } from "../../provider/offline/engine";
import type { EmulatorControl } from "../../emulator/control-client";

/** What the provider's check says about one bad input: the field and why. */
export interface CheckFailure {
  property: string;
  reason: string;
}

/** Where a check is tried: the engine in front of the provider and the emulator's control (to count API calls). */
export interface CheckWorld {
  engine: Engine;
  control: EmulatorControl;
}

/** Runs `inputs` for resource `name` of `type` through check and returns the failures (which must exist), with zero API calls. */
export async function checkFailures(world: CheckWorld, type: string, inputs: Record<string, unknown>, name = "bad"): Promise<CheckFailure[]> {
  await world.control.clearRequests();
  const err = await world.engine.up(type, name, inputs).then(() => undefined, (e) => e);
  expect(err).toBeInstanceOf(CheckFailedError);
  expect(await world.control.requests()).toEqual([]); // refused before any API call
  return (err as CheckFailedError).failures;
}

/** Each case's inputs are refused in check with exactly its failures; none of them made an API call since the caller last cleared the log. */
export async function expectCheckCases(world: CheckWorld, type: string, cases: Array<[Record<string, unknown>, CheckFailure[]]>): Promise<void> {
  for (const [inputs, failures] of cases) {
    const err = await world.engine.up(type, "bad", inputs).catch((e) => e);
    expect(err).toBeInstanceOf(CheckFailedError);
    expect(err.failures).toEqual(failures);
  }
  expect(await world.control.requests()).toEqual([]);
}
