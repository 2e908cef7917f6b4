import type { RunningEmulator } from "../../emulator";
import type { EmulatorControl } from "../../emulator/control-client";
import type { WebhookReceiver } from "../../emulator/receiver";
import type { FrontDoor, Op, ResourceState, StepResult } from "../../provider/offline/engine";
import type { Props } from "../../provider/offline/host";
import type { Api, VarianceProfile } from "./stack";

/**
 * The acceptance matrix every resource is held to, as a table of named steps. Each step runs as its
 * own test, in order, sharing the matrix's state; a step that fails does not hide the rest — only the
 * steps that need it are skipped, each saying which step it waited for.
 *
 * A matrix is data: it takes the engine (and the emulator behind it) as a parameter, so the same tables
 * run through the offline engine here and through any other front door that offers the same operations.
 */

/** What a matrix needs of an engine: `pulumi up` / `preview` / `refresh` / `destroy` of one resource. */
export interface LifecycleEngine {
  up(type: string, name: string, inputs: Props): Promise<StepResult>;
  preview(type: string, name: string, inputs: Props): Promise<{ op: Op; replaces: string[] }>;
  refresh(type: string, name: string): Promise<{ op: "same" | "update" | "delete"; outputs?: Props; inputs?: Props }>;
  destroy(type: string, name: string): Promise<void>;
  get(type: string, name: string): ResourceState | undefined;
  /** The provider's Delete for a resource as `state` records it, leaving the engine's state alone. */
  deleteResource(state: ResourceState): Promise<void>;
  /** Which front door the resource is served through (what a step may assert differs in state's shape only). */
  readonly frontDoor?: FrontDoor;
}

/** Where a matrix runs: an engine in front of the provider, and the emulator behind it. */
export interface MatrixWorld {
  engine: LifecycleEngine;
  emulator: RunningEmulator;
  control: EmulatorControl;
  /** Which variance profile the emulator answers the provider with. */
  profile: VarianceProfile;
  api: Api;
  /** Manage Domains on /v3/domains, with the IAM admin key. */
  domainsApi: Api;
  /** For resources that need a reachable URL (webhooks). */
  receiver: WebhookReceiver;
}

/** State every matrix keeps: the inputs the stack declares now (each successful `up` sets them). */
export interface MatrixState {
  declared: Props;
}

/** What a step sees: the world, the shared state, and the operations on the matrix's resource. */
export interface StepContext<S extends MatrixState> extends MatrixWorld {
  state: S;
  type: string;
  name: string;
  /** `up` of the resource; on success the inputs become `state.declared`. */
  up(inputs: Props): Promise<StepResult>;
  preview(inputs: Props): Promise<{ op: Op; replaces: string[] }>;
  refresh(): ReturnType<LifecycleEngine["refresh"]>;
  destroy(): Promise<void>;
  /** The resource's state; throws when it has none. */
  current(): ResourceState;
}

export interface MatrixStep<S extends MatrixState> {
  name: string;
  /** Steps this one relies on; default: the step before it. `[]` for none. */
  needs?: string[];
  run(t: StepContext<S>): Promise<void>;
}

export interface Matrix<S extends MatrixState> {
  /** The resource type (`nylas:<type>`) and its name in the stack. */
  type: string;
  name: string;
  /** Fresh shared state for one run. */
  state(): S;
  steps: MatrixStep<S>[];
}

/** A matrix, checked: step names unique, every `needs` names an earlier step. */
export function matrix<S extends MatrixState>(m: Matrix<S>): Matrix<S> {
  const seen = new Set<string>();
  for (const s of m.steps) {
    if (seen.has(s.name)) throw new Error(`matrix ${m.type}: two steps are named "${s.name}"`);
    for (const n of s.needs ?? []) if (!seen.has(n)) throw new Error(`matrix ${m.type}: step "${s.name}" needs "${n}", which is not an earlier step`);
    seen.add(s.name);
  }
  return m;
}

type Outcome = "passed" | "failed" | "skipped";

/** Runs each step of `m` as its own test (in a `describe` named after the matrix) against `world()`. */
export function runMatrix<S extends MatrixState>(m: Matrix<S>, world: () => MatrixWorld): void {
  describe(`${m.type} acceptance matrix`, () => {
    const outcomes = new Map<string, Outcome>();
    let state: S;
    beforeAll(() => {
      state = m.state();
    });
    m.steps.forEach((step, i) => {
      const needs = step.needs ?? (i > 0 ? [m.steps[i - 1].name] : []);
      it(step.name, async () => {
        const blocked = needs.find((n) => outcomes.get(n) !== "passed");
        if (blocked !== undefined) {
          outcomes.set(step.name, "skipped");
          const o = outcomes.get(blocked);
          const why = o === undefined ? "did not run" : o === "failed" ? "failed" : "was skipped";
          throw new Error(`skipped: this step needs "${blocked}", which ${why}`);
        }
        try {
          await step.run(contextFor(m, world(), state));
          outcomes.set(step.name, "passed");
        } catch (e) {
          outcomes.set(step.name, "failed");
          throw e;
        }
      });
    });
  });
}

function contextFor<S extends MatrixState>(m: Matrix<S>, w: MatrixWorld, state: S): StepContext<S> {
  const { engine } = w;
  return {
    engine,
    emulator: w.emulator,
    control: w.control,
    profile: w.profile,
    api: w.api,
    domainsApi: w.domainsApi,
    get receiver() {
      return w.receiver;
    },
    state,
    type: m.type,
    name: m.name,
    async up(inputs) {
      const r = await engine.up(m.type, m.name, inputs);
      state.declared = inputs;
      return r;
    },
    preview: (inputs) => engine.preview(m.type, m.name, inputs),
    refresh: () => engine.refresh(m.type, m.name),
    destroy: () => engine.destroy(m.type, m.name),
    current() {
      const s = engine.get(m.type, m.name);
      if (!s) throw new Error(`${m.type} ${m.name} is not in the stack's state`);
      return s;
    },
  };
}

// ------------------------------------------------------------------------- steps every matrix ends with

export interface ClosingOptions<S extends MatrixState> {
  /** Deletes the object outside Pulumi (what a colleague does in the dashboard). */
  deleteOutOfBand(t: StepContext<S>, id: string): Promise<unknown>;
  /** Whether Nylas still has the object. */
  exists(t: StepContext<S>, id: string): Promise<boolean>;
  /** Further checks on the recreated object. */
  recreated?(t: StepContext<S>, again: StepResult, oldId: string): Promise<void>;
  /** The step the closing steps rely on; default "create". */
  after?: string;
}

/**
 * Deleted outside Pulumi: refresh drops it from state and the next `up` creates it again; then
 * `destroy` removes it at Nylas, and deleting it again (a 404) still succeeds.
 */
export function closingSteps<S extends MatrixState>(o: ClosingOptions<S>): MatrixStep<S>[] {
  const after = o.after ?? "create";
  return [
    {
      name: "deleted outside Pulumi: refresh drops it, the next up creates it again",
      needs: [after],
      async run(t) {
        const oldId = t.current().id;
        await o.deleteOutOfBand(t, oldId);
        expect((await t.refresh()).op).toBe("delete");
        expect(t.engine.get(t.type, t.name)).toBeUndefined();
        const again = await t.up(t.state.declared);
        expect(again.op).toBe("create");
        expect(again.id).not.toBe(oldId);
        await o.recreated?.(t, again, oldId);
      },
    },
    {
      name: "destroy deletes it at Nylas, and deleting it again succeeds",
      needs: [after],
      async run(t) {
        // An earlier failed step may have left nothing in state: destroy needs something to delete.
        if (!t.engine.get(t.type, t.name)) await t.up(t.state.declared);
        const state = t.current();
        await t.destroy();
        expect(t.engine.get(t.type, t.name)).toBeUndefined();
        expect(await o.exists(t, state.id)).toBe(false);
        await expect(t.engine.deleteResource(state)).resolves.toBeUndefined();
      },
    },
  ];
}

/** The first step of a matrix: `inputs` create the resource (kept as `state.made`) with these outputs; `more` checks the rest. */
export function createStep<S extends MatrixState & { made?: StepResult }>(
  inputs: Props,
  outputs: Props,
  more: (t: StepContext<S>, made: StepResult) => Promise<void> | void = () => undefined,
): MatrixStep<S> {
  return {
    name: "create",
    async run(t) {
      const made = await t.up(inputs);
      t.state.made = made;
      expect(made.op).toBe("create");
      expect(made.outputs).toMatchObject(outputs);
      await more(t, made);
    },
  };
}

/** The no-op step: the same inputs again make no change and — check and diff being local — no API call. */
export function noOpStep<S extends MatrixState>(name = "the same inputs again: no change and no API call", inputs?: (s: S) => Props): MatrixStep<S> {
  return {
    name,
    needs: ["create"],
    async run(t) {
      await t.control.clearRequests();
      expect((await t.up(inputs ? inputs(t.state) : t.state.declared)).op).toBe("same");
      expect(await t.control.requests()).toEqual([]);
    },
  };
}

/** Refresh with nothing changed anywhere: no drift. */
export function refreshStep<S extends MatrixState>(name = "refresh after the update: no drift", needs?: string[]): MatrixStep<S> {
  return {
    name,
    ...(needs ? { needs } : {}),
    async run(t) {
      expect((await t.refresh()).op).toBe("same");
    },
  };
}

export interface DriftOptions<S extends MatrixState> {
  name: string;
  /** The change made outside Pulumi (what a colleague does in the dashboard). */
  edit(t: StepContext<S>, id: string): Promise<unknown>;
  /** The outputs refresh must report as changed (all others stay as they were)… */
  drifted?: Props | ((s: S) => Props);
  /** …or a check of the refreshed outputs, when the change shows in more places. */
  check?(outputs: Props, before: Props): void;
  /** Nylas has the declared values again after the `up`. */
  restored(t: StepContext<S>, id: string, before: Props): Promise<void>;
}

/** Drift made outside Pulumi: refresh shows exactly that, preview and up see an update, and up puts it back. */
export function driftStep<S extends MatrixState>(o: DriftOptions<S>): MatrixStep<S> {
  return {
    name: o.name,
    needs: ["create"],
    async run(t) {
      const { id, outputs: before } = t.current();
      await o.edit(t, id);
      const drift = await t.refresh();
      expect(drift.op).toBe("update");
      if (o.drifted) expect(drift.outputs).toEqual({ ...before, ...(typeof o.drifted === "function" ? o.drifted(t.state) : o.drifted) });
      o.check?.(drift.outputs!, before);
      expect((await t.preview(t.state.declared)).op).toBe("update");
      expect((await t.up(t.state.declared)).op).toBe("update");
      await o.restored(t, id, before);
    },
  };
}

// ------------------------------------------- the closing checks for tests not (yet) written as matrices

/** {@link closingSteps}' first step as one call: deleted outside Pulumi, refresh drops it, `up` recreates it. */
export async function expectRecreatedAfterOutOfBandDelete(
  engine: LifecycleEngine,
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

/** {@link closingSteps}' second step as one call: destroy deletes it at Nylas, and deleting it again succeeds. */
export async function expectDestroyedTwice(engine: LifecycleEngine, type: string, name: string, exists: (id: string) => Promise<boolean>): Promise<void> {
  const state = engine.get(type, name)!;
  await engine.destroy(type, name);
  expect(engine.get(type, name)).toBeUndefined();
  expect(await exists(state.id)).toBe(false);
  await expect(engine.deleteResource(state)).resolves.toBeUndefined();
}
