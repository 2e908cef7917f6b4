import { randomBytes, randomInt, randomUUID } from "node:crypto";
import { definitions } from "../registry";
import {
  HostError,
  ProviderHost,
  SECRET_SIG,
  SECRET_VALUE,
  type AutonamingRequest,
  type DiffResult,
  type HostOptions,
  type PropertyDiffKind,
  type Props,
  type ProviderConnection,
} from "./host";
import { PluginHost, type ProviderConfig } from "./plugin-host";

/**
 * A minimal stand-in for the Pulumi engine on top of a provider process: it keeps state (inputs,
 * outputs, secretness) per URN and runs the engine's step logic — Check, then Diff for existing
 * resources, then Create / Update / replace (honouring deleteBeforeReplace), Read for refresh, Delete
 * for destroy, Read-by-id then Check for import. Two front doors, one set of steps:
 *
 * - `dynamic` (default): the dynamic-provider host inside @pulumi/pulumi; `__provider` is produced by
 *   Pulumi's own closure serializer, exactly as `dynamic.Resource` does; the host refuses secrets, so
 *   the engine strips them from the wire and re-marks outputs as additionalSecretOutputs would.
 * - `plugin`: the native plugin (provider/plugin/), started as the Node.js language host starts it;
 *   secrets travel wrapped both ways and the plugin marks its own secret outputs; explicit providers
 *   ({@link Engine.addProvider}) each get their own plugin process, as the engine gives them.
 */

export type FrontDoor = "dynamic" | "plugin";

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
  /** The explicit provider it belongs to (plugin door); absent: the default provider. */
  provider?: string;
}

export type Op = "create" | "update" | "replace" | "same";

export interface StepResult {
  op: Op;
  id: string;
  outputs: Props;
  replaces: string[];
  /** What the provider's Diff said, for updates and replaces (the plugin's has a detailed diff). */
  diff?: DiffResult;
}

export interface ImportResult {
  id: string;
  inputs: Props;
  outputs: Props;
  /** What Check said about the imported inputs (the engine warns about these; none is the goal). */
  failures: { property: string; reason: string }[];
}

export class CheckFailedError extends Error {
  constructor(readonly failures: { property: string; reason: string }[]) {
    super(failures.map((f) => f.reason).join("\n"));
  }
}

export interface EngineOptions extends HostOptions {
  /**
   * Stack config. The dynamic door receives it as is (`nylas:apiKey`); the plugin door as its default
   * provider's configuration, by plain name (`nylas:apiKey` and `nylas-agents:apiKey` both become `apiKey`).
   */
  config?: Record<string, string | { secret: string }>;
  stack?: string;
  /**
   * @default `NYLAS_OFFLINE_FRONT_DOOR` from the environment, else "dynamic" — so a test table written
   * against the dynamic resources runs unchanged through the plugin (tests/plugin/through-plugin.ts).
   */
  frontDoor?: FrontDoor;
  /** Plugin door: the plugin directory. @default this checkout's provider/plugin */
  pluginDir?: string;
  /** Stack config `pulumi:autonaming`; unset is the engine's default (no request sent). */
  autonaming?: AutonamingConfig;
}

/**
 * Stack config `pulumi:autonaming` as the engine turns it into a Check request (pkg/cmd/pulumi/autonaming,
 * pkg/resource/autonaming/strategy.go): `default` sends none (the provider's own default), `verbatim`
 * enforces the logical name, `disabled` disables, and a `pattern` — `${name}`, `${stack}`, `${project}`,
 * `${hex(n)}`, `${alphanum(n)}`, `${string(n)}`, `${num(n)}`, `${uuid}` — is proposed (or enforced), its
 * random parts drawn afresh for every step as the engine's seed is. Only the request reaches a provider
 * that says `supportsAutonamingConfiguration`. Per-provider and per-resource sections are not modelled.
 */
export type AutonamingConfig = { mode: "default" | "verbatim" | "disabled" } | { pattern: string; enforce?: boolean };

/** Explicit provider resources in state (plugin door). */
interface ProviderState {
  urn: string;
  id: string;
  inputs: Props;
  secretInputs: string[];
}

export interface UpOptions {
  /** The `__provider` the program itself serialized (dynamic door; the program runner passes it through). */
  providerText?: string;
  /** An explicit provider added with {@link Engine.addProvider} (plugin door). */
  provider?: string;
}

export class Engine {
  readonly state = new Map<string, ResourceState>();
  private readonly providerTexts = new Map<string, Promise<string>>();
  private readonly explicit = new Map<string, { host: PluginHost; state: ProviderState }>();
  /** URNs in first-recorded order (a Set: `record` runs per step, and an array scan made it O(N²)). */
  private order = new Set<string>();
  /** Stack config `pulumi:autonaming` for the next steps (set it between runs, as `pulumi config set` does). */
  autonaming: AutonamingConfig | undefined;

  private constructor(
    /** The default provider's process. */
    readonly host: ProviderConnection,
    readonly frontDoor: FrontDoor,
    private readonly stack: string,
    private readonly project: string,
    private readonly opts: EngineOptions,
  ) {
    this.autonaming = opts.autonaming;
  }

  static async start(opts: EngineOptions = {}): Promise<Engine> {
    const project = opts.project ?? "nylas-agents-test";
    const stack = opts.stack ?? "test";
    const frontDoor = opts.frontDoor ?? (process.env.NYLAS_OFFLINE_FRONT_DOOR === "plugin" ? "plugin" : "dynamic");
    if (frontDoor === "plugin") {
      const host = await PluginHost.start({ ...opts, project });
      try {
        await host.configure(pluginConfig(opts.config ?? {}), { urn: host.providerUrn(stack, project, "default") });
      } catch (e) {
        await host.stop();
        throw e;
      }
      return new Engine(host, "plugin", stack, project, opts);
    }
    const host = await ProviderHost.start({ ...opts, project });
    await host.configure(opts.config ?? {});
    return new Engine(host, "dynamic", stack, project, opts);
  }

  async stop(): Promise<void> {
    await Promise.all([this.host.stop(), ...[...this.explicit.values()].map((p) => p.host.stop())]);
  }

  /**
   * An explicit provider (`new nylas_agents.Provider(name, config)`): its own plugin process, checked
   * and configured with `config` (plain names), as the engine registers a provider resource.
   */
  async addProvider(name: string, config: ProviderConfig): Promise<PluginHost> {
    if (this.frontDoor !== "plugin") throw new Error("explicit providers exist only for the plugin: dynamic resources all share one provider");
    if (this.explicit.has(name)) throw new Error(`provider ${name} already exists`);
    const host = await PluginHost.start({ ...this.opts, project: this.project });
    const urn = host.providerUrn(this.stack, this.project, name);
    try {
      await host.configure(config, { urn });
    } catch (e) {
      await host.stop();
      throw e;
    }
    const inputs: Props = {};
    const secretInputs: string[] = [];
    for (const [k, v] of Object.entries(config)) {
      inputs[k] = typeof v === "string" ? v : v.secret;
      if (typeof v !== "string") secretInputs.push(k);
    }
    this.explicit.set(name, { host, state: { urn, id: randomUUID(), inputs, secretInputs } });
    return host;
  }

  /** The provider process of an explicit provider, or the default one. */
  provider(name?: string): ProviderConnection {
    if (name === undefined) return this.host;
    const p = this.explicit.get(name);
    if (!p) throw new Error(`no provider ${name} (addProvider first)`);
    return p.host;
  }

  urn(type: string, name: string): string {
    return `urn:pulumi:${this.stack}::${this.project}::${this.host.token(type)}::${name}`;
  }

  /** `__provider` as `dynamic.Resource` stores it: Pulumi's closure serialization of the provider object. */
  providerText(type: string): Promise<string> {
    let p = this.providerTexts.get(type);
    if (!p) {
      // Loaded lazily: the closure serializer pulls in much of @pulumi/pulumi.
      const { serializeFunction } = require("@pulumi/pulumi/runtime/closure/serializeClosure");
      const { serializedProviderFor } = require("../../provider/resources/base");
      const provider = serializedProviderFor(type);
      p = serializeFunction(() => provider, { allowSecrets: true }).then((sf: { text: string }) => sf.text);
      this.providerTexts.set(type, p!);
    }
    return p!;
  }

  /** Check + Diff only, as `pulumi preview` does. */
  async preview(type: string, name: string, inputs: Props, opts: UpOptions = {}): Promise<{ op: Op; replaces: string[] }> {
    const d = await this.diff(type, name, inputs, opts);
    if (!d) return { op: "create", replaces: [] };
    if (d.changes === "none") return { op: "same", replaces: [] };
    return { op: d.replaces.length ? "replace" : "update", replaces: d.replaces };
  }

  /** What the provider's Diff says about `inputs` against the state (after Check), as `pulumi preview --diff` shows it; undefined for a new resource. */
  async diff(type: string, name: string, inputs: Props, opts: UpOptions = {}): Promise<DiffResult | undefined> {
    const urn = this.urn(type, name);
    const host = this.provider(opts.provider ?? this.state.get(urn)?.provider);
    const { news, old, secretInputs } = await this.prepare(type, name, urn, inputs);
    const checked = await this.checkOrThrow(host, urn, name, old, news, secretInputs);
    return old ? this.diffOf(host, old, checked) : undefined;
  }

  /**
   * One resource through `pulumi up`. `opts.providerText` is the `__provider` the program itself
   * serialized (the program runner passes it through); by default the engine serializes its own.
   */
  async up(type: string, name: string, inputs: Props, opts: UpOptions = {}): Promise<StepResult> {
    const urn = this.urn(type, name);
    const host = this.provider(opts.provider);
    const { news, old, secretInputs } = await this.prepare(type, name, urn, inputs, opts.providerText);
    const checked = await this.checkOrThrow(host, urn, name, old, news, secretInputs);
    const base = { urn, type, name, provider: opts.provider };
    if (!old) {
      const made = await this.createRecorded(host, base, checked);
      return { op: "create", id: made.id, outputs: made.outputs, replaces: [] };
    }
    const d = await this.diffOf(host, old, checked);
    if (d.changes === "none") {
      this.record({ ...old, inputs: checked.plain, secretInputs: checked.secrets });
      return { op: "same", id: old.id, outputs: old.outputs, replaces: [], diff: d };
    }
    if (d.replaces.length === 0) {
      const { outputs } = await host.update(urn, old.id, this.wire(old.outputs, old.secretOutputs), this.wire(checked.plain, checked.secrets));
      const outs = this.fromWire(outputs);
      this.record({ ...old, inputs: checked.plain, secretInputs: checked.secrets, outputs: outs.plain, secretOutputs: outs.secrets });
      return { op: "update", id: old.id, outputs: outs.plain, replaces: [], diff: d };
    }
    if (d.deleteBeforeReplace) {
      await host.delete(urn, old.id, this.wire(old.outputs, old.secretOutputs));
      this.state.delete(urn);
      const made = await this.createRecorded(host, base, checked);
      return { op: "replace", id: made.id, outputs: made.outputs, replaces: d.replaces, diff: d };
    }
    const made = await this.createRecorded(host, base, checked);
    await host.delete(urn, old.id, this.wire(old.outputs, old.secretOutputs));
    return { op: "replace", id: made.id, outputs: made.outputs, replaces: d.replaces, diff: d };
  }

  /** `pulumi refresh` of one resource: Read, then drop it from state if the provider says it is gone. */
  async refresh(type: string, name: string): Promise<{ op: "same" | "update" | "delete"; outputs?: Props; inputs?: Props }> {
    const urn = this.urn(type, name);
    const old = this.mustGet(urn);
    const host = this.provider(old.provider);
    const r = await host.read(urn, old.id, this.wire(old.outputs, old.secretOutputs), this.wire(old.inputs, old.secretInputs));
    if (!r.id) {
      this.state.delete(urn);
      return { op: "delete" };
    }
    const outs = this.fromWire(r.outputs);
    const ins = r.inputs ? this.fromWire(r.inputs) : undefined;
    const same = JSON.stringify(sortKeys(outs.plain)) === JSON.stringify(sortKeys(old.outputs));
    this.record({
      ...old,
      outputs: outs.plain,
      secretOutputs: this.host.acceptsSecrets ? outs.secrets : old.secretOutputs,
      inputs: ins?.plain ?? old.inputs,
      secretInputs: this.host.acceptsSecrets && ins ? ins.secrets : old.secretInputs,
    });
    return { op: same ? "same" : "update", outputs: outs.plain, inputs: ins?.plain };
  }

  /**
   * `pulumi import <type> <name> <id>` (engine ImportStep): Read with the id only; no properties back
   * means "does not exist", no inputs "the provider does not support importing"; then Check the
   * returned inputs (the engine only warns about failures, returned here). The resource is in state
   * afterwards, as the imported inputs.
   */
  async import(type: string, name: string, id: string, opts: { provider?: string } = {}): Promise<ImportResult> {
    const urn = this.urn(type, name);
    if (this.state.has(urn)) throw new Error(`resource '${urn}' already exists`);
    const host = this.provider(opts.provider);
    const r = await host.read(urn, id, {}, undefined);
    if (!r.exists) throw new Error(`resource '${id}' does not exist`);
    if (!r.inputs) throw new Error(`provider does not support importing resources (${host.token(type)})`);
    const outs = this.fromWire(r.outputs);
    const ins = this.fromWire(r.inputs);
    const checked = await host.check(urn, r.inputs, r.inputs);
    this.record({ urn, type, name, id: r.id || id, inputs: ins.plain, outputs: outs.plain, secretInputs: ins.secrets, secretOutputs: outs.secrets, provider: opts.provider });
    return { id: r.id || id, inputs: ins.plain, outputs: outs.plain, failures: checked.failures };
  }

  async destroy(type: string, name: string): Promise<void> {
    const urn = this.urn(type, name);
    const old = this.mustGet(urn);
    await this.provider(old.provider).delete(urn, old.id, this.wire(old.outputs, old.secretOutputs));
    this.state.delete(urn);
  }

  /** The provider's Delete for a resource as `state` records it, leaving the engine's state alone (e.g. deleting again what is gone). */
  async deleteResource(state: ResourceState): Promise<void> {
    await this.provider(state.provider).delete(state.urn, state.id, this.wire(state.outputs, state.secretOutputs));
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
   * The state as Pulumi would write it: each resource's type token, inputs, outputs and provider
   * reference, the provider resources themselves, and secret values replaced by the secret envelope with
   * ciphertext (here a fixed placeholder, since only plaintext and size matter to the tests).
   */
  stateJson(): string {
    const providers = this.frontDoor === "plugin" ? [this.defaultProviderState(), ...[...this.explicit.values()].map((p) => p.state)] : [];
    const ref = (s: ResourceState) => {
      if (this.frontDoor === "dynamic") return `urn:pulumi:${this.stack}::${this.project}::pulumi:providers:pulumi-nodejs::default::${DEFAULT_PROVIDER_ID}`;
      const p = s.provider ? this.explicit.get(s.provider)!.state : this.defaultProviderState();
      return `${p.urn}::${p.id}`;
    };
    const resources = [
      ...providers.map((p) => ({ urn: p.urn, custom: true, id: p.id, type: p.urn.split("::")[2], inputs: maskSecrets(p.inputs, p.secretInputs), outputs: maskSecrets(p.inputs, p.secretInputs) })),
      ...[...this.state.values()].map((s) => ({
        urn: s.urn,
        custom: true,
        id: s.id,
        type: this.host.token(s.type),
        inputs: maskSecrets(s.inputs, s.secretInputs),
        outputs: maskSecrets(s.outputs, s.secretOutputs),
        provider: ref(s),
      })),
    ];
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

  private defaultProviderState(): ProviderState {
    const inputs: Props = {};
    const secretInputs: string[] = [];
    for (const [k, v] of Object.entries(pluginConfig(this.opts.config ?? {}))) {
      inputs[k] = typeof v === "string" ? v : v.secret;
      if (typeof v !== "string") secretInputs.push(k);
    }
    return { urn: `urn:pulumi:${this.stack}::${this.project}::pulumi:providers:nylas-agents::default`, id: DEFAULT_PROVIDER_ID, inputs, secretInputs };
  }

  /**
   * The program's inputs on the wire: secrets wrapped for the plugin, stripped for the dynamic host; there,
   * named and given `__provider` as the classes do (the program runner passes what the program's classes sent).
   */
  private async prepare(type: string, name: string, urn: string, inputs: Props, providerText?: string) {
    const secretInputs: string[] = [];
    const news: Props = {};
    for (const [k, v] of Object.entries(inputs)) {
      if (v === undefined) continue;
      if (hasSecret(v)) secretInputs.push(k);
      news[k] = this.host.acceptsSecrets ? wrapMarked(v) : unwrap(v);
    }
    if (this.frontDoor === "dynamic") {
      const autoName = definitions[type]?.autoName;
      if (providerText === undefined && autoName && news[autoName] === undefined) news[autoName] = name;
      news.__provider = providerText ?? (await this.providerText(type));
    }
    return { news, old: this.state.get(urn), secretInputs };
  }

  /** Checked inputs, plain, with the keys that are secret (the plugin says; for the dynamic host, the program's). */
  private async checkOrThrow(
    host: ProviderConnection,
    urn: string,
    name: string,
    old: ResourceState | undefined,
    news: Props,
    programSecrets: string[],
  ): Promise<{ plain: Props; secrets: string[] }> {
    const autonaming = host.supportsAutonaming && this.autonaming ? autonamingRequest(this.autonaming, name, this.stack, this.project) : undefined;
    const r = await host.check(urn, old ? this.wire(old.inputs, old.secretInputs) : {}, news, autonaming);
    if (r.failures.length) throw new CheckFailedError(r.failures);
    const checked = this.fromWire(r.inputs);
    return { plain: checked.plain, secrets: [...new Set([...checked.secrets, ...programSecrets])] };
  }

  private diffOf(host: ProviderConnection, old: ResourceState, checked: { plain: Props; secrets: string[] }): Promise<DiffResult> {
    return host.diff(old.urn, old.id, this.wire(old.outputs, old.secretOutputs), this.wire(checked.plain, checked.secrets), {
      oldInputs: this.wire(old.inputs, old.secretInputs),
    });
  }

  private async createRecorded(host: ProviderConnection, base: { urn: string; type: string; name: string; provider?: string }, checked: { plain: Props; secrets: string[] }) {
    const pending = { ...base, inputs: checked.plain, secretInputs: checked.secrets };
    try {
      const { id, outputs } = await host.create(base.urn, this.wire(checked.plain, checked.secrets));
      const outs = this.fromWire(outputs);
      this.record({ ...pending, id, outputs: outs.plain, secretOutputs: outs.secrets });
      return { id, outputs: outs.plain };
    } catch (e) {
      // A partial create: the object exists; the engine records it so the next `up` can finish it.
      if (e instanceof HostError && e.partial?.id) {
        const outs = this.fromWire(e.partial.properties);
        this.record({ ...pending, id: e.partial.id, outputs: outs.plain, secretOutputs: outs.secrets });
      }
      throw e;
    }
  }

  /** Values for the wire: `secrets` wrapped when the provider accepts secrets; plain for the dynamic host. */
  private wire(props: Props, secrets: string[]): Props {
    if (!this.host.acceptsSecrets) return props;
    const out: Props = { ...props };
    for (const k of secrets) if (out[k] !== undefined && !isWireSecret(out[k])) out[k] = { [SECRET_SIG]: SECRET_VALUE, value: out[k] };
    return out;
  }

  /** Plain values and the top-level keys that came back secret. */
  private fromWire(props: Props): { plain: Props; secrets: string[] } {
    const plain: Props = {};
    const secrets: string[] = [];
    for (const [k, v] of Object.entries(props)) {
      if (containsWireSecret(v)) secrets.push(k);
      plain[k] = stripWireSecrets(v);
    }
    return { plain, secrets };
  }

  private record(s: ResourceState): void {
    this.order.add(s.urn);
    // Dynamic door: what the classes declare through additionalSecretOutputs (the program runner also
    // records the program's own), and outputs named like secret inputs, as the engine re-marks them.
    const declared = this.host.acceptsSecrets ? [] : secretOutputsOf(s.type, s.secretInputs);
    this.state.set(s.urn, { ...s, secretOutputs: [...new Set([...(s.secretOutputs ?? []), ...declared])] });
  }

  private mustGet(urn: string): ResourceState {
    const s = this.state.get(urn);
    if (!s) throw new Error(`no state for ${urn}`);
    return s;
  }
}

const DEFAULT_PROVIDER_ID = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** What the engine's Autonamer sends in Check for one resource (`undefined`: no request, the `default` mode). */
export function autonamingRequest(config: AutonamingConfig, name: string, stack: string, project: string): AutonamingRequest | undefined {
  if ("mode" in config) {
    if (config.mode === "verbatim") return { mode: "enforce", proposedName: name };
    if (config.mode === "disabled") return { mode: "disable" };
    return undefined;
  }
  const pick = (n: number, chars: string) => Array.from({ length: n }, () => chars[randomInt(chars.length)]).join("");
  const proposedName = config.pattern
    .replaceAll("${name}", name)
    .replaceAll("${stack}", stack)
    .replaceAll("${project}", project)
    .replace(/\$\{hex\((\d+)\)\}/g, (_m, n) => randomBytes(Math.ceil(Number(n) / 2) + 1).toString("hex").slice(0, Number(n)))
    .replace(/\$\{alphanum\((\d+)\)\}/g, (_m, n) => pick(Number(n), "abcdefghijklmnopqrstuvwxyz0123456789"))
    .replace(/\$\{string\((\d+)\)\}/g, (_m, n) => pick(Number(n), "abcdefghijklmnopqrstuvwxyz"))
    .replace(/\$\{num\((\d+)\)\}/g, (_m, n) => pick(Number(n), "0123456789"))
    .replaceAll("${uuid}", () => randomUUID());
  return { mode: config.enforce ? "enforce" : "propose", proposedName };
}

/** Stack config as the plugin's default provider receives it: the package's keys, by plain name. */
function pluginConfig(config: Record<string, string | { secret: string }>): ProviderConfig {
  const out: ProviderConfig = {};
  for (const [k, v] of Object.entries(config)) {
    const m = /^(?:nylas|nylas-agents):(.+)$/.exec(k);
    out[m ? m[1] : k] = v;
  }
  return out;
}

function isWireSecret(v: unknown): v is { value: unknown } {
  return !!v && typeof v === "object" && (v as Props)[SECRET_SIG] === SECRET_VALUE;
}

function containsWireSecret(v: unknown): boolean {
  if (isWireSecret(v)) return true;
  if (Array.isArray(v)) return v.some(containsWireSecret);
  if (v && typeof v === "object") return Object.values(v).some(containsWireSecret);
  return false;
}

function stripWireSecrets(v: unknown): unknown {
  if (isWireSecret(v)) return stripWireSecrets(v.value);
  if (Array.isArray(v)) return v.map(stripWireSecrets);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, stripWireSecrets(x)]));
  return v;
}

/** {@link Secret} marks as the engine's wire wrappers, where they are (the plugin accepts secrets). */
function wrapMarked(v: unknown): unknown {
  if (v instanceof Secret) return { [SECRET_SIG]: SECRET_VALUE, value: wrapMarked(v.value) };
  if (Array.isArray(v)) return v.map(wrapMarked);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, wrapMarked(x)]));
  return v;
}

export type { DiffResult, PropertyDiffKind };

/**
 * Dynamic door: outputs the class declares secret (additionalSecretOutputs, from the definition, as the
 * classes do), or named like a secret input.
 */
function secretOutputsOf(type: string, secretInputs: string[]): string[] {
  const def = definitions[type];
  return [...new Set([...(def?.secretOutputs ?? []), ...(def?.secretInputs ?? []), ...secretInputs])];
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
