import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { killOnExit } from "./children";

/**
 * Starts the dynamic-provider host that ships inside @pulumi/pulumi — the very process `pulumi up`
 * launches for dynamic resources — and speaks its gRPC protocol the way the engine does. Test
 * infrastructure, kept small: see engine.ts for the state-keeping layer above it.
 */

// The generated gRPC/protobuf modules are CommonJS without types worth importing.
/* eslint-disable @typescript-eslint/no-require-imports */
const provrpc = require("@pulumi/pulumi/proto/provider_grpc_pb");
const provproto = require("@pulumi/pulumi/proto/provider_pb");
const statusproto = require("@pulumi/pulumi/proto/status_pb");
const structproto = require("google-protobuf/google/protobuf/struct_pb");
const emptyproto = require("google-protobuf/google/protobuf/empty_pb");

/** The marker the engine wraps secret values in on the wire. */
export const SECRET_SIG = "4dabf18193072939515e22adb298388d";
export const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export type Props = Record<string, unknown>;

export interface HostOptions {
  /** Project directory: the host resolves `require(...)` in serialized providers from here. */
  cwd?: string;
  project?: string;
  env?: NodeJS.ProcessEnv;
}

export type PropertyDiffKind = "ADD" | "ADD_REPLACE" | "DELETE" | "DELETE_REPLACE" | "UPDATE" | "UPDATE_REPLACE";

export interface DiffResult {
  changes: "none" | "some" | "unknown";
  replaces: string[];
  deleteBeforeReplace: boolean;
  /** Changed top-level properties, when the provider says (the dynamic host leaves this empty). */
  diffs: string[];
  /** Property path → kind, when the provider answers with a detailed diff (the dynamic host never does). */
  detailedDiff?: Record<string, PropertyDiffKind>;
}

/** CheckRequest.autonaming as the engine fills it (pkg/resource/autonaming). */
export interface AutonamingRequest {
  mode: "propose" | "enforce" | "disable";
  proposedName?: string;
}

/** A gRPC error from the host, with the partial-create details when the provider sent them. */
export class HostError extends Error {
  constructor(message: string, readonly code: number, readonly partial?: { id: string; properties: Props; reasons: string[] }) {
    super(message);
  }
}

/** How the engine drives a provider process over ResourceProvider gRPC; the dynamic host and the plugin both speak it. */
export abstract class ProviderConnection {
  protected constructor(
    protected readonly child: ChildProcess,
    protected readonly client: any,
    /** Everything the provider printed or logged (warnings, logs): the secrets tests search it. */
    readonly output: string[],
  ) {}

  /** The type token of a resource type through this front door. */
  abstract token(type: string): string;
  /** Whether the provider takes and returns secrets wrapped (the engine then keeps them wrapped on the wire). */
  abstract readonly acceptsSecrets: boolean;
  /** Whether Configure said `supportsAutonamingConfiguration` (the engine then sends autonaming requests in Check). */
  supportsAutonaming = false;

  get pid(): number {
    return this.child.pid!;
  }

  /** Peak resident set size of the provider process so far, in MB (Linux). */
  peakRssMb(): number {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.pid}/status`, "utf8"));
      return m ? Number(m[1]) / 1024 : NaN;
    } catch {
      return NaN;
    }
  }

  async stop(): Promise<void> {
    this.client.close();
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once("exit", r));
    this.child.kill("SIGTERM");
    await exited;
  }

  /** `autonaming`: the engine's request (CheckRequest.autonaming), sent as given. */
  async check(
    urn: string,
    olds: Props,
    news: Props,
    autonaming?: AutonamingRequest,
  ): Promise<{ inputs: Props; failures: { property: string; reason: string }[] }> {
    const req = new provproto.CheckRequest();
    req.setUrn(urn);
    req.setOlds(toStruct(olds));
    req.setNews(toStruct(news));
    if (autonaming) {
      const a = new provproto.CheckRequest.AutonamingOptions();
      a.setMode(provproto.CheckRequest.AutonamingOptions.Mode[autonaming.mode.toUpperCase()]);
      if (autonaming.proposedName !== undefined) a.setProposedName(autonaming.proposedName);
      req.setAutonaming(a);
    }
    const resp = await this.unary("check", req);
    return {
      inputs: resp.getInputs()?.toJavaScript() ?? {},
      failures: resp.getFailuresList().map((f: any) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  async diff(urn: string, id: string, olds: Props, news: Props, opts: { oldInputs?: Props; ignoreChanges?: string[] } = {}): Promise<DiffResult> {
    const req = new provproto.DiffRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setOlds(toStruct(olds));
    req.setNews(toStruct(news));
    if (opts.oldInputs) req.setOldInputs(toStruct(opts.oldInputs));
    if (opts.ignoreChanges) req.setIgnorechangesList(opts.ignoreChanges);
    const resp = await this.unary("diff", req);
    const C = provproto.DiffResponse.DiffChanges;
    const c = resp.getChanges();
    const result: DiffResult = {
      changes: c === C.DIFF_NONE ? "none" : c === C.DIFF_SOME ? "some" : "unknown",
      replaces: resp.getReplacesList(),
      deleteBeforeReplace: resp.getDeletebeforereplace(),
      diffs: resp.getDiffsList(),
    };
    if (resp.getHasdetaileddiff()) {
      const names = Object.fromEntries(Object.entries(provproto.PropertyDiff.Kind).map(([k, v]) => [v, k]));
      const detailed: Record<string, PropertyDiffKind> = {};
      resp.getDetaileddiffMap().forEach((d: any, path: string) => (detailed[path] = names[d.getKind()] as PropertyDiffKind));
      result.detailedDiff = detailed;
    }
    return result;
  }

  async create(urn: string, props: Props): Promise<{ id: string; outputs: Props }> {
    const req = new provproto.CreateRequest();
    req.setUrn(urn);
    req.setProperties(toStruct(props));
    const resp = await this.unary("create", req);
    return { id: resp.getId(), outputs: resp.getProperties()?.toJavaScript() ?? {} };
  }

  /**
   * Read. Refresh sends the state and the inputs; `pulumi import` sends only the id (`props` empty,
   * `inputs` undefined). `outputs` is undefined when the answer carried no properties at all (how a
   * provider says an imported object does not exist).
   */
  async read(urn: string, id: string, props: Props, inputs?: Props): Promise<{ id: string; outputs: Props; inputs?: Props; exists: boolean }> {
    const req = new provproto.ReadRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setProperties(toStruct(props));
    if (inputs !== undefined) req.setInputs(toStruct(inputs));
    const resp = await this.unary("read", req);
    const outputs = resp.getProperties()?.toJavaScript();
    return { id: resp.getId(), outputs: outputs ?? {}, inputs: resp.getInputs()?.toJavaScript(), exists: outputs !== undefined };
  }

  async update(urn: string, id: string, olds: Props, news: Props): Promise<{ outputs: Props }> {
    const req = new provproto.UpdateRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setOlds(toStruct(olds));
    req.setNews(toStruct(news));
    const resp = await this.unary("update", req);
    return { outputs: resp.getProperties()?.toJavaScript() ?? {} };
  }

  async delete(urn: string, id: string, props: Props): Promise<void> {
    const req = new provproto.DeleteRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setProperties(toStruct(props));
    await this.unary("delete", req);
  }

  async pluginInfo(): Promise<string> {
    return (await this.unary("getPluginInfo", new emptyproto.Empty())).getVersion();
  }

  protected unary(method: string, req: unknown): Promise<any> {
    return new Promise((resolve, reject) => {
      this.client[method](req, (err: grpc.ServiceError | null, resp: unknown) => {
        if (err) reject(hostError(err));
        else resolve(resp);
      });
    });
  }
}

export class ProviderHost extends ProviderConnection {
  readonly acceptsSecrets = false;
  /** Processes started by this module so far (a test asserts which front door a table ran through). */
  static launches = 0;

  static async start(opts: HostOptions = {}): Promise<ProviderHost> {
    ProviderHost.launches++;
    const cwd = opts.cwd ?? path.resolve(__dirname, "..", "..");
    const entry = require.resolve("@pulumi/pulumi/cmd/dynamic-provider", { paths: [cwd] });
    const project = opts.project ?? "nylas-agents-test";
    // The engine address must be non-empty but is never dialed.
    const { child, port, output } = await spawnProvider(entry, ["127.0.0.1:1"], cwd, { ...process.env, ...opts.env, PULUMI_NODEJS_PROJECT: project, PULUMI_PROJECT: project });
    const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    return new ProviderHost(child, client, output);
  }

  token(type: string): string {
    return `pulumi-nodejs:dynamic/nylas:${type}`;
  }

  /** Configure with stack config; values given as `{secret: v}` are sent wrapped like the engine does. */
  async configure(config: Record<string, string | { secret: string }>): Promise<void> {
    const args: Props = {};
    for (const [k, v] of Object.entries(config)) {
      args[k] = typeof v === "string" ? v : { [SECRET_SIG]: SECRET_VALUE, value: v.secret };
    }
    const req = new provproto.ConfigureRequest();
    req.setArgs(structproto.Struct.fromJavaScript(args));
    req.setAcceptsecrets(true);
    req.setAcceptresources(true);
    const resp = await this.unary("configure", req);
    if (resp.getAcceptsecrets()) throw new Error("the dynamic provider host unexpectedly accepts secrets");
  }
}

/**
 * Starts a provider process as the engine does (`node <entry> <args…>` in `cwd`) and reads its port
 * from the first line of stdout, which must be the port and nothing else (the engine parses it as an
 * integer). Later stdout and all stderr are kept in `output`.
 */
export async function spawnProvider(entry: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; port: number; output: string[] }> {
  const child = killOnExit(spawn(process.execPath, [entry, ...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] }));
  const output: string[] = [];
  child.stderr!.on("data", (d) => output.push(d.toString()));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let buf = "";
      const onData = (d: Buffer) => {
        buf += d.toString();
        const nl = buf.indexOf("\n");
        if (nl < 0) return;
        child.stdout!.off("data", onData);
        child.stdout!.on("data", (more) => output.push(more.toString()));
        if (buf.slice(nl + 1)) output.push(buf.slice(nl + 1));
        const line = buf.slice(0, nl).trim();
        if (!/^\d+$/.test(line)) reject(new Error(`the provider's first stdout line must be its port, got ${JSON.stringify(line)}`));
        else resolve(Number(line));
      };
      child.stdout!.on("data", onData);
      child.once("exit", (code) => reject(new Error(`provider exited (${code}) before listening: ${output.join("")}`)));
      child.once("error", reject);
    });
    return { child, port, output };
  } catch (e) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    throw e;
  }
}

/** Struct cannot hold `undefined`: drop it, as the engine's marshalling does. */
function toStruct(p: Props): any {
  return structproto.Struct.fromJavaScript(jsonValue(p));
}

/**
 * `JSON.parse(JSON.stringify(v))` without the text in between (that round trip was a measurable share of
 * the harness's CPU per call in the benchmark): `undefined` and functions dropped from objects and
 * `null` in arrays, non-finite numbers `null`, `toJSON` honoured.
 */
function jsonValue(v: unknown): unknown {
  if (v === null || typeof v !== "object") return typeof v === "number" && !Number.isFinite(v) ? null : v;
  if (typeof (v as { toJSON?: unknown }).toJSON === "function") return JSON.parse(JSON.stringify(v));
  if (Array.isArray(v)) return v.map((x) => (x === undefined || typeof x === "function" || typeof x === "symbol" ? null : jsonValue(x)));
  const out: Props = {};
  for (const [k, x] of Object.entries(v)) {
    if (x !== undefined && typeof x !== "function" && typeof x !== "symbol") out[k] = jsonValue(x);
  }
  return out;
}

function hostError(err: grpc.ServiceError): HostError {
  const bin = err.metadata?.get("grpc-status-details-bin")?.[0];
  let partial: HostError["partial"];
  if (bin) {
    const status = statusproto.Status.deserializeBinary(new Uint8Array(bin as Buffer));
    for (const any of status.getDetailsList()) {
      if (any.getTypeName() === "pulumirpc.ErrorResourceInitFailed") {
        const d = provproto.ErrorResourceInitFailed.deserializeBinary(any.getValue_asU8());
        partial = { id: d.getId(), properties: d.getProperties()?.toJavaScript() ?? {}, reasons: d.getReasonsList() };
      }
    }
  }
  return new HostError(err.details || err.message, err.code, partial);
}
