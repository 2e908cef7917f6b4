import { HostError, ProviderHost, SECRET_SIG, type HostOptions, type Props } from "./host";

/**
 * A minimal stand-in for the Pulumi engine on top of {@link ProviderHost}: it keeps state (inputs,
 * outputs, secretness) per URN and runs the engine's step logic — Check, then Diff for existing
 * resources, then Create / Update / replace (honouring deleteBeforeReplace), Read for refresh, Delete
 * for destroy. `__provider` is produced by Pulumi's own closure serializer, exactly as
 * `dynamic.Resource` does, so the tests exercise the serialized provider users get.
 */

/** Marks an input as secret, like `pulumi.secret(...)` or `config.requireSecret(...)`. */
export class Secret<T = unknown> {
  constructor(readonly value: T) {}
}
export const secret = <T>(v: T) => new Secret(v);

export interface ResourceState {
  urn: string;
  type: string;
  name: string;
  id: string;
  inputs: Props;
  outputs: Props;
  secretInputs: string[];
  secretOutputs: string[];
}

export type Op = "create" | "update" | "replace" | "same";

export interface StepResult {
  op: Op;
  id: string;
  outputs: Props;
  replaces: string[];
}

export class CheckFailedError extends Error {
  constructor(readonly failures: { property: string; reason: string }[]) {
    super(failures.map((f) => f.reason).join("\n"));
  }
}

export interface EngineOptions extends HostOptions {
  config?: Record<string, string | { secret: string }>;
  stack?: string;
}

/** Classes declare these through additionalSecretOutputs; the engine applies them. */
const SECRET_OUTPUTS: Record<string, string[]> = {
  Webhook: ["webhookSecret"],
  AgentAccount: ["appPasswordHash"],
  IamCredential: ["apiKey"],
};

export class Engine {
  readonly state = new Map<string, ResourceState>();
  private readonly providers = new Map<string, Promise<string>>();
  /** URNs in first-recorded order (a Set: `record` runs per step, and an array scan made it O(N²)). */
  private order = new Set<string>();

  private constructor(readonly host: ProviderHost, private readonly stack: string, private readonly project: string) {}

  static async start(opts: EngineOptions = {}): Promise<Engine> {
    const project = opts.project ?? "nylas-agents-test";
    const host = await ProviderHost.start({ ...opts, project });
    await host.configure(opts.config ?? {});
    return new Engine(host, opts.stack ?? "test", project);
  }

  async stop(): Promise<void> {
    await this.host.stop();
  }

  urn(type: string, name: string): string {
    return `urn:pulumi:${this.stack}::${this.project}::pulumi-nodejs:dynamic/nylas:${type}::${name}`;
  }

  /** `__provider` as `dynamic.Resource` stores it: Pulumi's closure serialization of the provider object. */
  providerText(type: string): Promise<string> {
    let p = this.providers.get(type);
    if (!p) {
      // Loaded lazily: the closure serializer pulls in much of @pulumi/pulumi.
      const { serializeFunction } = require("@pulumi/pulumi/runtime/closure/serializeClosure");
      const { serializedProviderFor } = require("../../provider/resources/base");
      const provider = serializedProviderFor(type);
      p = serializeFunction(() => provider, { allowSecrets: true }).then((sf: { text: string }) => sf.text);
      this.providers.set(type, p!);
    }
    return p!;
  }

  /** Check + Diff only, as `pulumi preview` does. */
  async preview(type: string, name: string, inputs: Props): Promise<{ op: Op; replaces: string[] }> {
    const urn = this.urn(type, name);
    const { news, old } = await this.prepare(type, urn, inputs);
    const checked = await this.checkOrThrow(urn, old?.inputs ?? {}, news);
    if (!old) return { op: "create", replaces: [] };
    const d = await this.host.diff(urn, old.id, old.outputs, checked);
    if (d.changes === "none") return { op: "same", replaces: [] };
    return { op: d.replaces.length ? "replace" : "update", replaces: d.replaces };
  }

  /**
   * One resource through `pulumi up`. `opts.providerText` is the `__provider` the program itself
   * serialized (the program runner passes it through); by default the engine serializes its own.
   */
  async up(type: string, name: string, inputs: Props, opts: { providerText?: string } = {}): Promise<StepResult> {
    const urn = this.urn(type, name);
    const { news, old, secretInputs } = await this.prepare(type, urn, inputs, opts.providerText);
    const checked = await this.checkOrThrow(urn, old?.inputs ?? {}, news);
    if (!old) {
      const made = await this.createRecorded(type, name, urn, checked, secretInputs);
      return { op: "create", id: made.id, outputs: made.outputs, replaces: [] };
    }
    const d = await this.host.diff(urn, old.id, old.outputs, checked);
    if (d.changes === "none") {
      this.record({ ...old, inputs: checked, secretInputs });
      return { op: "same", id: old.id, outputs: old.outputs, replaces: [] };
    }
    if (d.replaces.length === 0) {
      const { outputs } = await this.host.update(urn, old.id, old.outputs, checked);
      this.record({ ...old, inputs: checked, outputs, secretInputs });
      return { op: "update", id: old.id, outputs, replaces: [] };
    }
    if (d.deleteBeforeReplace) {
      await this.host.delete(urn, old.id, old.outputs);
      this.state.delete(urn);
      const made = await this.createRecorded(type, name, urn, checked, secretInputs);
      return { op: "replace", id: made.id, outputs: made.outputs, replaces: d.replaces };
    }
    const made = await this.createRecorded(type, name, urn, checked, secretInputs);
    await this.host.delete(urn, old.id, old.outputs);
    return { op: "replace", id: made.id, outputs: made.outputs, replaces: d.replaces };
  }

  /** `pulumi refresh` of one resource: Read, then drop it from state if the provider says it is gone. */
  async refresh(type: string, name: string): Promise<{ op: "same" | "update" | "delete"; outputs?: Props; inputs?: Props }> {
    const urn = this.urn(type, name);
    const old = this.mustGet(urn);
    const r = await this.host.read(urn, old.id, old.outputs, old.inputs);
    if (!r.id) {
      this.state.delete(urn);
      return { op: "delete" };
    }
    const same = JSON.stringify(sortKeys(r.outputs)) === JSON.stringify(sortKeys(old.outputs));
    this.record({ ...old, outputs: r.outputs, inputs: r.inputs ?? old.inputs });
    return { op: same ? "same" : "update", outputs: r.outputs, inputs: r.inputs };
  }

  async destroy(type: string, name: string): Promise<void> {
    const urn = this.urn(type, name);
    const old = this.mustGet(urn);
    await this.host.delete(urn, old.id, old.outputs);
    this.state.delete(urn);
  }

  /** Destroys everything, newest first (dependents before what they depend on). */
  async destroyAll(): Promise<void> {
    for (const urn of [...this.order].reverse()) {
      const s = this.state.get(urn);
      if (s) await this.destroy(s.type, s.name);
    }
  }

  get(type: string, name: string): ResourceState | undefined {
    return this.state.get(this.urn(type, name));
  }

  /**
   * The state as Pulumi would write it: secret values replaced by the secret envelope with ciphertext
   * (here a fixed placeholder, since only plaintext matters to the tests).
   */
  stateJson(): string {
    const resources = [...this.state.values()].map((s) => ({
      urn: s.urn,
      id: s.id,
      type: `pulumi-nodejs:dynamic/nylas:${s.type}`,
      inputs: maskSecrets(s.inputs, s.secretInputs),
      outputs: maskSecrets(s.outputs, s.secretOutputs),
    }));
    return JSON.stringify({ resources }, null, 2);
  }

  /** Every resource in state, oldest first (the order `destroyAll` reverses): for persisting state. */
  snapshot(): ResourceState[] {
    return [...this.order].flatMap((urn) => this.state.get(urn) ?? []);
  }

  /** Loads state saved by {@link snapshot} (a later run of the same stack). */
  restore(states: ResourceState[]): void {
    for (const s of states) this.record(s);
  }

  private async prepare(type: string, urn: string, inputs: Props, providerText?: string) {
    const secretInputs: string[] = [];
    const plain: Props = {};
    for (const [k, v] of Object.entries(inputs)) {
      if (v === undefined) continue;
      if (hasSecret(v)) secretInputs.push(k);
      plain[k] = unwrap(v);
    }
    const news = { ...plain, __provider: providerText ?? (await this.providerText(type)) };
    return { news, old: this.state.get(urn), secretInputs };
  }

  private async checkOrThrow(urn: string, olds: Props, news: Props): Promise<Props> {
    const r = await this.host.check(urn, olds, news);
    if (r.failures.length) throw new CheckFailedError(r.failures);
    return r.inputs;
  }

  private async createRecorded(type: string, name: string, urn: string, checked: Props, secretInputs: string[]) {
    const base = { urn, type, name, inputs: checked, secretInputs, secretOutputs: secretOutputsOf(type, secretInputs) };
    try {
      const { id, outputs } = await this.host.create(urn, checked);
      this.record({ ...base, id, outputs });
      return { id, outputs };
    } catch (e) {
      // A partial create: the object exists; the engine records it so the next `up` can finish it.
      if (e instanceof HostError && e.partial?.id) this.record({ ...base, id: e.partial.id, outputs: e.partial.properties });
      throw e;
    }
  }

  private record(s: ResourceState): void {
    this.order.add(s.urn);
    // Secret outputs the program declared (additionalSecretOutputs, recorded by the program runner) stay secret.
    this.state.set(s.urn, { ...s, secretOutputs: [...new Set([...(s.secretOutputs ?? []), ...secretOutputsOf(s.type, s.secretInputs)])] });
  }

  private mustGet(urn: string): ResourceState {
    const s = this.state.get(urn);
    if (!s) throw new Error(`no state for ${urn}`);
    return s;
  }
}

/** The engine marks an output secret when declared so, or when the input of the same name was secret. */
function secretOutputsOf(type: string, secretInputs: string[]): string[] {
  return [...new Set([...(SECRET_OUTPUTS[type] ?? []), ...secretInputs])];
}

function hasSecret(v: unknown): boolean {
  if (v instanceof Secret) return true;
  if (Array.isArray(v)) return v.some(hasSecret);
  if (v && typeof v === "object") return Object.values(v).some(hasSecret);
  return false;
}

function unwrap(v: unknown): unknown {
  if (v instanceof Secret) return unwrap(v.value);
  if (Array.isArray(v)) return v.map(unwrap);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrap(x)]));
  return v;
}

function maskSecrets(p: Props, keys: string[]): Props {
  const out: Props = {};
  for (const [k, v] of Object.entries(p)) {
    out[k] = keys.includes(k) ? { [SECRET_SIG]: "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:encrypted" } : v;
  }
  return out;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Props)[k])]));
  return v;
}
