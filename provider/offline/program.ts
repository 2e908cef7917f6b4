import { fork } from "node:child_process";
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { Engine, Secret, type ResourceState } from "./engine";
import { SECRET_SIG, SECRET_VALUE, type Props } from "./host";

/**
 * The program runner: runs a real Pulumi program (a project directory with `index.ts`, or an
 * Automation-API-style program function) without the Pulumi CLI. The program executes against the
 * Node SDK's resource monitor in mock mode, but every `nylas:*` resource registration is forwarded to
 * the engine harness (Check → Diff → Create / Update / replace through the REAL dynamic-provider host,
 * with the `__provider` text the program itself serialized), and the real id and outputs go back to
 * the program. So resources are created in dependency order by real provider code, as with `pulumi up`.
 *
 * State (the engine's per-resource state plus each resource's dependencies) persists in a JSON file
 * between runs, with secret values encrypted (AES-256-GCM; key from a passphrase or a key file beside
 * the state). A second run of the same program is a no-op; a changed program updates or replaces; a
 * resource dropped from the program is deleted; `destroy` deletes everything in reverse dependency order.
 *
 * Each run happens in a fresh child process (programs are modules with side effects at import):
 * {@link runProgram} forks this module's compiled form; `node dist/provider/offline/program.js --help`
 * runs it from a shell.
 *
 * Limits compared with the real engine: no preview, refresh or import; only dynamic `nylas:*`
 * resources (plus components); resource options such as `protect`, `ignoreChanges`, `aliases`,
 * `retainOnDelete`, `replaceOnChanges` and `dependsOn`-driven replacement of dependents are not
 * interpreted; deletes run one at a time; a replaced resource's dependents are not re-diffed against
 * its unknown new id (they simply see the new id in the same run).
 */

const DYNAMIC_PREFIX = "pulumi-nodejs:dynamic/nylas:";

export type ConfigValue = string | { secret: string };

export interface RunProgramOptions {
  /** A project directory (with Pulumi.yaml and index.ts), or a program file. */
  program: string;
  /** Call this export of the program module (with {@link args}); if it returns a function, that is called too. */
  exportName?: string;
  args?: unknown[];
  /** Where state lives between runs (JSON). */
  stateFile: string;
  /** Stack config, `"namespace:key"` → value; `{secret}` values read back as secrets (`requireSecret`). */
  config?: Record<string, ConfigValue>;
  /** Delete everything in the state, newest first; the program is not run. */
  destroy?: boolean;
  /** Default: the `name:` of the nearest Pulumi.yaml, else the directory name. */
  project?: string;
  /** @default "dev" */
  stack?: string;
  /** Encrypts secrets in the state file; default `PULUMI_CONFIG_PASSPHRASE`, else a key file `<stateFile>.key`. */
  passphrase?: string;
  /** Extra environment for the program and the provider host. */
  env?: Record<string, string>;
  /** Every progress line as it is printed. */
  onLine?: (line: string) => void;
}

export type StepOp = "create" | "update" | "replace" | "same" | "delete";

export interface ProgramStep {
  op: StepOp;
  /** `nylas:<Type>` */
  type: string;
  name: string;
  id: string;
}

export interface ProgramRunResult {
  steps: ProgramStep[];
  counts: Record<StepOp, number>;
  /** Stack outputs, plaintext (secrets included: the caller decides what to show). */
  outputs: Record<string, unknown>;
  /** Names of the stack outputs that are secret. */
  secretOutputs: string[];
  /** The resources in state after the run, oldest first. */
  resources: { type: string; name: string; id: string; urn: string }[];
  stateFile: string;
  durationMs: number;
}

/** A failed run: the one-line message, plus what was done before the failure (state is saved). */
export class ProgramRunError extends Error {
  constructor(message: string, readonly result?: ProgramRunResult, readonly details?: string) {
    super(message);
  }
}

// ------------------------------------------------------------------------------------ parent side

/** Runs one `up` (or `destroy`) of a program in a fresh child process. */
export function runProgram(opts: RunProgramOptions): Promise<ProgramRunResult> {
  const { onLine, ...options } = opts;
  const child = fork(compiledSelf(), ["--ipc"], {
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    execArgv: [],
    env: { ...process.env, ...opts.env },
  });
  let buf = "";
  child.stdout!.on("data", (d: Buffer) => {
    buf += d.toString();
    for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
      onLine?.(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
    }
  });
  const stderr: string[] = [];
  child.stderr!.on("data", (d: Buffer) => stderr.push(d.toString()));
  return new Promise((resolve, reject) => {
    let settled = false;
    child.on("message", (m: ChildMessage) => {
      settled = true;
      if (m.kind === "result") resolve(m.result);
      else reject(new ProgramRunError(m.message, m.result, m.details));
    });
    child.on("exit", (code) => {
      if (buf) onLine?.(buf);
      if (!settled) reject(new ProgramRunError(`the program runner exited (${code}) without a result`, undefined, stderr.join("")));
    });
    child.send({ kind: "run", options } satisfies ParentMessage);
  });
}

type ParentMessage = { kind: "run"; options: Omit<RunProgramOptions, "onLine"> };
type ChildMessage =
  | { kind: "result"; result: ProgramRunResult }
  | { kind: "error"; message: string; result?: ProgramRunResult; details?: string };

/** `dist/provider/offline/program.js`, whether this module runs compiled or under ts-jest. */
function compiledSelf(): string {
  if (__filename.endsWith(".js")) return __filename;
  let dir = __dirname;
  while (!existsSync(path.join(dir, "package.json"))) dir = path.dirname(dir);
  const js = path.join(dir, "dist", "provider", "offline", "program.js");
  if (!existsSync(js)) throw new Error(`${js} is missing: run \`npm run build\` first`);
  return js;
}

// ------------------------------------------------------------------------------------- child side

interface SavedResource extends ResourceState {
  dependencies: string[];
}

interface StateFile {
  version: 1;
  project: string;
  stack: string;
  resources: SavedResource[];
}

/** Runs the program in this process. Only call it in a process of its own (see {@link runProgram}). */
export async function executeProgram(opts: Omit<RunProgramOptions, "onLine">, print: (line: string) => void): Promise<ProgramRunResult> {
  const started = Date.now();
  const target = resolveProgram(opts.program);
  const project = opts.project ?? target.project;
  const stack = opts.stack ?? "dev";
  const crypto = new StateCrypto(opts.passphrase ?? process.env.PULUMI_CONFIG_PASSPHRASE, `${opts.stateFile}.key`);
  const saved = loadState(opts.stateFile, crypto);
  if (saved && (saved.project !== project || saved.stack !== stack)) {
    throw new ProgramRunError(`${opts.stateFile} holds stack ${saved.project}/${saved.stack}, not ${project}/${stack}: use another --state file`);
  }

  const config = opts.config ?? {};
  Object.assign(process.env, opts.env ?? {});
  const engine = await Engine.start({ cwd: target.projectDir, project, stack, config, env: opts.env });
  const deps = new Map<string, string[]>();
  for (const r of saved?.resources ?? []) deps.set(r.urn, r.dependencies ?? []);
  engine.restore(saved?.resources ?? []);

  const steps: ProgramStep[] = [];
  const failures: string[] = [];
  const save = () => saveState(opts.stateFile, { version: 1, project, stack, resources: engine.snapshot().map((s) => ({ ...s, dependencies: deps.get(s.urn) ?? [] })) }, crypto);
  const step = (op: StepOp, type: string, name: string, id: string) => {
    steps.push({ op, type: `nylas:${type}`, name, id });
    print(`${SYMBOL[op]} ${op.padEnd(7)} nylas:${type} ${name}${op === "same" ? "" : ` (${id})`}`);
    // Saved after every change, as the engine checkpoints: a killed run leaves nothing unrecorded.
    if (op !== "same") save();
  };

  let outputs: Props = {};
  let secretOutputs: string[] = [];
  try {
    if (opts.destroy) {
      print(`Destroying ${project}/${stack} (${engine.snapshot().length} resources)`);
    } else {
      print(`Updating ${project}/${stack}`);
      const ran = await runUnderMonitor(engine, deps, target, opts, config, project, stack, step, failures);
      outputs = ran.outputs;
      secretOutputs = ran.secretOutputs;
      if (failures.length) throw new ProgramRunError(failures.length === 1 ? failures[0] : `${failures.length} resources failed:\n  ${failures.join("\n  ")}`);
    }
    // What is in state but was not declared by this run goes, dependents first.
    const keep = opts.destroy ? new Set<string>() : new Set(steps.map((s) => engine.urn(s.type.slice("nylas:".length), s.name)));
    await deleteInOrder(engine, deps, (s) => !keep.has(s.urn), (s) => step("delete", s.type, s.name, s.id));
  } catch (e) {
    save();
    await engine.stop();
    const message = e instanceof ProgramRunError ? e.message : oneLine(e);
    throw new ProgramRunError(message, result(), e instanceof Error ? e.stack : undefined);
  }
  save();
  printHostWarnings(engine, print);
  await engine.stop();
  const r = result();
  const parts = (Object.keys(SYMBOL) as StepOp[]).filter((op) => r.counts[op]).map((op) => `${r.counts[op]} ${PAST[op]}`);
  print(`Resources: ${parts.length ? parts.join(", ") : "none"}${r.counts.same === steps.length && !opts.destroy ? " — no changes" : ""} (${(r.durationMs / 1000).toFixed(1)} s)`);
  if (Object.keys(outputs).length) {
    print("Outputs:");
    for (const [k, v] of Object.entries(outputs)) print(`    ${k}: ${secretOutputs.includes(k) ? "[secret]" : JSON.stringify(v)}`);
  }
  return r;

  function result(): ProgramRunResult {
    const counts = { create: 0, update: 0, replace: 0, same: 0, delete: 0 };
    for (const s of steps) counts[s.op]++;
    return {
      steps,
      counts,
      outputs,
      secretOutputs,
      resources: engine.snapshot().map((s) => ({ type: `nylas:${s.type}`, name: s.name, id: s.id, urn: s.urn })),
      stateFile: opts.stateFile,
      durationMs: Date.now() - started,
    };
  }
}

const SYMBOL: Record<StepOp, string> = { create: "+", update: "~", replace: "+-", same: "=", delete: "-" };
const PAST: Record<StepOp, string> = { create: "created", update: "updated", replace: "replaced", same: "unchanged", delete: "deleted" };

interface Target {
  /** The file to require. */
  file: string;
  projectDir: string;
  project: string;
}

/** A directory (Pulumi.yaml `main:` or index.ts) or a file; the project is the nearest Pulumi.yaml's `name:`. */
function resolveProgram(program: string): Target {
  const abs = path.resolve(program);
  if (!existsSync(abs)) throw new ProgramRunError(`program not found: ${abs}`);
  let dir = statSync(abs).isDirectory() ? abs : path.dirname(abs);
  let file = abs;
  for (let d = dir; ; d = path.dirname(d)) {
    const yaml = path.join(d, "Pulumi.yaml");
    if (existsSync(yaml)) {
      const text = readFileSync(yaml, "utf8");
      const name = /^name:\s*["']?([^"'\s#]+)/m.exec(text)?.[1];
      const main = /^main:\s*["']?([^"'\s#]+)/m.exec(text)?.[1];
      if (file === dir && main) file = path.resolve(d, main);
      dir = d;
      if (statSync(file).isDirectory()) file = path.join(file, "index.ts");
      return { file, projectDir: d, project: name ?? path.basename(d) };
    }
    if (path.dirname(d) === d) break;
  }
  if (statSync(file).isDirectory()) file = path.join(file, "index.ts");
  return { file, projectDir: dir, project: path.basename(dir) };
}

/** Runs the program inside a root Stack resource against a mock monitor whose nylas registrations go to the engine. */
async function runUnderMonitor(
  engine: Engine,
  deps: Map<string, string[]>,
  target: Target,
  opts: Omit<RunProgramOptions, "onLine">,
  config: Record<string, ConfigValue>,
  project: string,
  stack: string,
  step: (op: StepOp, type: string, name: string, id: string) => void,
  failures: string[],
): Promise<{ outputs: Props; secretOutputs: string[] }> {
  registerTypeScript();
  const pulumi = require("@pulumi/pulumi");
  // The SDK's mock monitor (internal API): serialization of registrations and responses comes from it.
  const MockMonitor: new (mocks: unknown) => any = require("@pulumi/pulumi/runtime/mocks").MockMonitor;
  const { setMockOptions, waitForRPCs } = require("@pulumi/pulumi/runtime/settings");
  const { getStore } = require("@pulumi/pulumi/runtime/state");
  const { deserializeProperties } = require("@pulumi/pulumi/runtime/rpc");
  const { runInPulumiStack } = require("@pulumi/pulumi/runtime/stack");

  // Stack config, as the language host hands it to the program.
  const plainConfig: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) plainConfig[k] = typeof v === "string" ? v : v.secret;
  pulumi.runtime.setAllConfig(plainConfig, Object.keys(config).filter((k) => typeof config[k] !== "string"));

  /** What the mock's `newResource` does not see: parent, dependencies, additionalSecretOutputs. */
  const meta = new Map<string, { deps: string[]; secretOutputs: string[] }>();
  const monitorToEngineUrn = new Map<string, string>();
  let stackOutputs: Props | undefined;

  // Like the engine after a failed step: operations in flight finish, nothing new starts, the run ends.
  const inflight = new Set<Promise<unknown>>();
  let stopping = false;
  let onFailure!: () => void;
  const failed = new Promise<void>((resolve) => (onFailure = resolve));
  const fail = (e: unknown) => {
    const line = oneLine(e).replace(/^failed to register new resource \S+ \[[^\]]+\]: /, "");
    if (line.includes(SKIPPED) || failures.some((f) => line.includes(f))) return;
    failures.push(line);
    onFailure();
  };
  // A failed registration surfaces as an unhandled rejection of the SDK's; this process exists only for this run.
  process.on("unhandledRejection", fail);
  process.on("uncaughtException", fail);

  const mocks = {
    call(args: { token: string }): never {
      throw new Error(`the program runner does not support provider functions (${args.token})`);
    },
    async newResource(args: { type: string; name: string; inputs: Props; custom?: boolean }): Promise<{ id: string | undefined; state: Props }> {
      if (!args.custom) return { id: undefined, state: args.inputs }; // components and the stack
      if (!args.type.startsWith(DYNAMIC_PREFIX)) throw new Error(`the program runner runs only nylas resources, not ${args.type}`);
      const type = args.type.slice(DYNAMIC_PREFIX.length);
      if (stopping || failures.length) throw new Error(`${r0(type, args.name)} ${SKIPPED}`);
      const m = meta.get(`${args.type}::${args.name}`) ?? { deps: [], secretOutputs: [] };
      const { __provider, ...rest } = args.inputs;
      const inputs: Props = {};
      for (const [k, v] of Object.entries(rest)) if (v !== undefined) inputs[k] = fromWire(v);
      const op = engine.up(type, args.name, inputs, { providerText: String(unwrapSecret(__provider)) });
      inflight.add(op);
      try {
        const r = await op;
        const urn = engine.urn(type, args.name);
        const s = engine.state.get(urn)!;
        s.secretOutputs = [...new Set([...s.secretOutputs, ...m.secretOutputs])];
        deps.set(urn, m.deps.flatMap((d) => monitorToEngineUrn.get(d) ?? []));
        step(r.op, type, args.name, r.id);
        return { id: r.id, state: toWire(r.outputs, s.secretOutputs) };
      } catch (e) {
        const line = `${r0(type, args.name)} failed: ${oneLine(e)}`;
        fail(line);
        throw new Error(line);
      } finally {
        inflight.delete(op);
      }
    },
  };

  class RunnerMonitor extends MockMonitor {
    registerResource(req: any, callback: (err: unknown, resp?: unknown) => void) {
      const urn = this.newUrn(req.getParent(), req.getType(), req.getName());
      if (req.getType().startsWith(DYNAMIC_PREFIX)) monitorToEngineUrn.set(urn, engine.urn(req.getType().slice(DYNAMIC_PREFIX.length), req.getName()));
      meta.set(`${req.getType()}::${req.getName()}`, { deps: req.getDependenciesList(), secretOutputs: req.getAdditionalsecretoutputsList() });
      return super.registerResource(req, callback);
    }
    registerResourceOutputs(req: any, callback: (err: unknown, resp?: unknown) => void) {
      if (req.getUrn().split("::")[2] === "pulumi:pulumi:Stack") stackOutputs = deserializeProperties(req.getOutputs());
      return super.registerResourceOutputs(req, callback);
    }
  }
  setMockOptions(new RunnerMonitor(mocks), project, stack, false);
  const store = getStore();
  Object.assign(store, { supportsSecrets: true, supportsResourceReferences: true, supportsOutputValues: false, supportsDeletedWith: true, supportsAliasSpecs: true });

  const program = (async () => {
    await runInPulumiStack(async () => {
      const mod = require(target.file);
      if (opts.exportName) {
        const fn = mod[opts.exportName];
        if (typeof fn !== "function") throw new Error(`${target.file} does not export a function ${opts.exportName}`);
        let out = await fn(...(opts.args ?? []));
        if (typeof out === "function") out = await out();
        return out;
      }
      // `export = async () => ({...})` / `export default …`: Pulumi calls it and its result is the outputs.
      if (typeof mod === "function") return mod();
      if (typeof mod.default === "function") return mod.default();
      return mod;
    }).catch((e: unknown) => fail(`the program failed: ${oneLine(e)}`));
    await waitForRPCs();
  })();
  await Promise.race([program, failed]);
  stopping = true;
  while (inflight.size) await Promise.allSettled([...inflight]);

  const outputs: Props = {};
  const secretOutputs: string[] = [];
  for (const [k, v] of Object.entries(stackOutputs ?? {})) {
    if (isSecretWrapper(v)) secretOutputs.push(k);
    outputs[k] = plain(v);
  }
  return { outputs, secretOutputs };
}

const r0 = (type: string, name: string) => `nylas:${type} ${name}`;
const SKIPPED = "skipped: an earlier step failed";

/** Deletes the matching resources in state: nothing before everything that depends on it; newest first. */
async function deleteInOrder(engine: Engine, deps: Map<string, string[]>, match: (s: ResourceState) => boolean, done: (s: ResourceState) => void) {
  const order = engine.snapshot();
  let left = order.filter(match);
  while (left.length) {
    const blocked = new Set(left.flatMap((s) => deps.get(s.urn) ?? []));
    const ready = left.filter((s) => !blocked.has(s.urn));
    const next = (ready.length ? ready : left)[(ready.length ? ready : left).length - 1];
    try {
      await engine.destroy(next.type, next.name);
    } catch (e) {
      throw new ProgramRunError(`deleting ${r0(next.type, next.name)} (${next.id}) failed: ${oneLine(e)}`);
    }
    deps.delete(next.urn);
    done(next);
    left = left.filter((s) => s !== next);
  }
}

function printHostWarnings(engine: Engine, print: (line: string) => void) {
  for (const line of engine.host.output.join("").split("\n")) {
    if (/^\s*(warning|error)\b/i.test(line)) print(`  ${line.trim()}`);
  }
}

// ------------------------------------------------------------------------------- secrets on the wire

function isSecretWrapper(v: unknown): v is { value: unknown } {
  return !!v && typeof v === "object" && (v as Props)[SECRET_SIG] === SECRET_VALUE;
}

function unwrapSecret(v: unknown): unknown {
  return isSecretWrapper(v) ? v.value : v;
}

/** Secret wrappers from the SDK → the engine's {@link Secret} marker. */
function fromWire(v: unknown): unknown {
  if (isSecretWrapper(v)) return new Secret(plain(v.value));
  if (Array.isArray(v)) return v.map(fromWire);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fromWire(x)]));
  return v;
}

function plain(v: unknown): unknown {
  if (isSecretWrapper(v)) return plain(v.value);
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

/** Outputs for the program, secret ones wrapped as the engine returns them. */
function toWire(outputs: Props, secret: string[]): Props {
  return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, secret.includes(k) ? { [SECRET_SIG]: SECRET_VALUE, value: v } : v]));
}

// ----------------------------------------------------------------------------------------- state file

/** Encrypts secret state values like Pulumi's passphrase secrets manager (AES-256-GCM, scrypt key). */
class StateCrypto {
  private key?: Buffer;
  constructor(private readonly passphrase: string | undefined, private readonly keyFile: string) {}

  private getKey(): Buffer {
    if (this.key) return this.key;
    let secret = this.passphrase;
    if (!secret) {
      if (!existsSync(this.keyFile)) {
        mkdirSync(path.dirname(this.keyFile), { recursive: true });
        writeFileSync(this.keyFile, randomBytes(32).toString("hex"), { mode: 0o600 });
      }
      secret = readFileSync(this.keyFile, "utf8").trim();
    }
    return (this.key = scryptSync(secret, "pulumi-nylas-agents program runner", 32));
  }

  encrypt(v: unknown): Props {
    const iv = randomBytes(12);
    const c = createCipheriv("aes-256-gcm", this.getKey(), iv);
    const data = Buffer.concat([c.update(JSON.stringify(v ?? null), "utf8"), c.final()]);
    return { [SECRET_SIG]: SECRET_VALUE, ciphertext: `v1:${iv.toString("base64")}:${c.getAuthTag().toString("base64")}:${data.toString("base64")}` };
  }

  decrypt(v: unknown): unknown {
    if (!isSecretWrapper(v) || typeof (v as Props).ciphertext !== "string") return v;
    const [, iv, tag, data] = String((v as Props).ciphertext).split(":");
    try {
      const d = createDecipheriv("aes-256-gcm", this.getKey(), Buffer.from(iv, "base64"));
      d.setAuthTag(Buffer.from(tag, "base64"));
      return JSON.parse(Buffer.concat([d.update(Buffer.from(data, "base64")), d.final()]).toString("utf8"));
    } catch {
      throw new ProgramRunError(`cannot decrypt the secrets in the state file: wrong passphrase or missing ${this.keyFile}`);
    }
  }
}

function loadState(file: string, crypto: StateCrypto): StateFile | undefined {
  if (!existsSync(file)) return undefined;
  let s: StateFile;
  try {
    s = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new ProgramRunError(`${file} is not a valid state file (${oneLine(e)}): move it away to start over`);
  }
  for (const r of s.resources) {
    r.inputs = mapKeys(r.inputs, r.secretInputs, (v) => crypto.decrypt(v));
    r.outputs = mapKeys(r.outputs, r.secretOutputs, (v) => crypto.decrypt(v));
  }
  return s;
}

function saveState(file: string, s: StateFile, crypto: StateCrypto): void {
  const resources = s.resources.map((r) => ({
    ...r,
    inputs: mapKeys(r.inputs, r.secretInputs, (v) => crypto.encrypt(v)),
    outputs: mapKeys(r.outputs, r.secretOutputs, (v) => crypto.encrypt(v)),
  }));
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify({ ...s, resources }, null, 2) + "\n", { mode: 0o600 });
  renameSync(tmp, file);
}

function mapKeys(p: Props, keys: string[], f: (v: unknown) => unknown): Props {
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, keys.includes(k) ? f(v) : v]));
}

// ------------------------------------------------------------------------------------------- helpers

/** Lets `require` load the program's TypeScript, transpile-only (as the Pulumi CLI's ts-node does). */
function registerTypeScript(): void {
  if (require.extensions[".ts"]) return;
  let ts: typeof import("typescript");
  try {
    ts = require("typescript");
  } catch {
    throw new ProgramRunError("running a TypeScript program needs the `typescript` package: run `npm install`");
  }
  require.extensions[".ts"] = (module, filename) => {
    const out = ts.transpileModule(readFileSync(filename, "utf8"), {
      fileName: filename,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, inlineSourceMap: true },
    });
    (module as unknown as { _compile(code: string, file: string): void })._compile(out.outputText, filename);
  };
}

function oneLine(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.replace(/\s*\n\s*/g, " ").trim();
}

// ---------------------------------------------------------------------------------------------- CLI

const USAGE = `usage: node dist/provider/offline/program.js <program dir|file> --state <file> [--destroy]
         [--config ns:key=value]... [--secret ns:key=value]... [--stack name] [--project name]
         [--export fnName [--args '<json array>']] [--verbose]
Runs a Pulumi program's nylas resources through the real provider (no Pulumi CLI needed).`;

function usageError(message: string): void {
  console.error(`error: ${message}\n${USAGE}`);
  process.exit(2);
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === "--ipc") {
    process.once("message", async (m: ParentMessage) => {
      try {
        const result = await executeProgram(m.options, (l) => console.log(l));
        process.send!({ kind: "result", result } satisfies ChildMessage, () => process.exit(0));
      } catch (e) {
        const err = e instanceof ProgramRunError ? e : new ProgramRunError(oneLine(e), undefined, (e as Error)?.stack);
        process.send!({ kind: "error", message: err.message, result: err.result, details: err.details } satisfies ChildMessage, () => process.exit(1));
      }
    });
    return;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        state: { type: "string" },
        destroy: { type: "boolean" },
        stack: { type: "string" },
        project: { type: "string" },
        export: { type: "string" },
        args: { type: "string" },
        config: { type: "string", multiple: true },
        secret: { type: "string", multiple: true },
        verbose: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    // parseArgs explains "--" after the first sentence: the usage below says more
    return usageError(oneLine(e).split(". ")[0]);
  }
  const { values, positionals } = parsed;
  if (values.help) return void console.log(USAGE);
  if (positionals.length > 1) return usageError(`one program expected, got ${positionals.join(" ")}`);
  const kv = (flag: string, v: string) => {
    const eq = v.indexOf("=");
    if (eq < 1) throw new ProgramRunError(`--${flag} ${v}: expected ns:key=value`);
    return [v.slice(0, eq), v.slice(eq + 1)] as const;
  };
  const config: Record<string, ConfigValue> = {};
  for (const c of values.config ?? []) {
    const [k, v] = kv("config", c);
    config[k] = v;
  }
  for (const c of values.secret ?? []) {
    const [k, v] = kv("secret", c);
    config[k] = { secret: v };
  }
  let args: unknown[] | undefined;
  if (values.args !== undefined) {
    try {
      args = JSON.parse(values.args);
    } catch {
      throw new ProgramRunError(`--args must be a JSON array, got ${values.args}`);
    }
    if (!Array.isArray(args)) throw new ProgramRunError(`--args must be a JSON array, got ${values.args}`);
  }
  const opts: Omit<RunProgramOptions, "onLine"> = {
    program: positionals[0] ?? "",
    stateFile: values.state ?? "",
    config,
    destroy: values.destroy,
    stack: values.stack,
    project: values.project,
    exportName: values.export,
    args,
  };
  const verbose = values.verbose ?? false;
  if (!opts.program || !opts.stateFile) return usageError(opts.program ? "--state <file> is required" : "a program directory or file is required");
  try {
    await executeProgram(opts, (l) => console.log(l));
    process.exit(0);
  } catch (e) {
    console.error(`error: ${e instanceof ProgramRunError ? e.message : oneLine(e)}`);
    if (verbose && e instanceof ProgramRunError && e.details) console.error(e.details);
    process.exit(1);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(`error: ${oneLine(e)}`);
    process.exit(1);
  });
}
