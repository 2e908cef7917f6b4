import type { Engine, StepResult } from "../../provider/offline/engine";
import type { Props } from "../../provider/offline/host";

/**
 * The closing steps of the acceptance matrix every resource is held to, written once.
 */

/** Deleted outside Pulumi: refresh drops it from state, and the next `up` creates it again. */
export async function expectRecreatedAfterOutOfBandDelete(
  engine: Engine,
  type: string,
  name: string,
  inputs: Props,
  deleteOutOfBand: (id: string) => Promise<unknown>,
): Promise<StepResult> {
  const oldId = engine.get(type, name)!.id;
  await deleteOutOfBand(oldId);
  expect((await engine.refresh(type, name)).op).toBe("delete");
  const again = await engine.up(type, name, inputs);
  expect(again.op).toBe("create");
  expect(again.id).not.toBe(oldId);
  return again;
}

/** `destroy` removes it at Nylas, and deleting it again (a 404) still succeeds. */
export async function expectDestroyedTwice(engine: Engine, type: string, name: string, exists: (id: string) => Promise<boolean>): Promise<void> {
  const state = engine.get(type, name)!;
  await engine.destroy(type, name);
  expect(await exists(state.id)).toBe(false);
  await expect(engine.host.delete(state.urn, state.id, state.outputs)).resolves.toBeUndefined();
}
