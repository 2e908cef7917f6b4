import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";

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

/** A gRPC error from the host, with the partial-create details when the provider sent them. */
export class HostError extends Error {
  constructor(message: string, readonly code: number, readonly partial?: { id: string; properties: Props; reasons: string[] }) {
    super(message);
  }
}

export class ProviderHost {
  private constructor(
    private readonly child: ChildProcess,
    private readonly client: any,
    /** Everything the host printed (provider warnings, logs): the secrets tests search it. */
    readonly output: string[],
  ) {}

  static async start(opts: HostOptions = {}): Promise<ProviderHost> {
    const cwd = opts.cwd ?? path.resolve(__dirname, "..", "..");
    const entry = require.resolve("@pulumi/pulumi/cmd/dynamic-provider", { paths: [cwd] });
    const project = opts.project ?? "nylas-agents-test";
    // The engine address must be non-empty but is never dialed.
    const child = spawn(process.execPath, [entry, "127.0.0.1:1"], {
      cwd,
      env: { ...process.env, ...opts.env, PULUMI_NODEJS_PROJECT: project, PULUMI_PROJECT: project },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const output: string[] = [];
    child.stderr!.on("data", (d) => output.push(d.toString()));
    const port = await new Promise<number>((resolve, reject) => {
      let buf = "";
      const onData = (d: Buffer) => {
        buf += d.toString();
        const nl = buf.indexOf("\n");
        if (nl >= 0) {
          child.stdout!.off("data", onData);
          child.stdout!.on("data", (more) => output.push(more.toString()));
          if (buf.slice(nl + 1)) output.push(buf.slice(nl + 1));
          resolve(Number(buf.slice(0, nl).trim()));
        }
      };
      child.stdout!.on("data", onData);
      child.once("exit", (code) => reject(new Error(`provider host exited (${code}) before listening: ${output.join("")}`)));
      child.once("error", reject);
    });
    const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    return new ProviderHost(child, client, output);
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Peak resident set size of the host so far, in MB (Linux). */
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
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once("exit", r));
    this.child.kill("SIGTERM");
    await exited;
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

  async check(urn: string, olds: Props, news: Props): Promise<{ inputs: Props; failures: { property: string; reason: string }[] }> {
    const req = new provproto.CheckRequest();
    req.setUrn(urn);
    req.setOlds(toStruct(olds));
    req.setNews(toStruct(news));
    const resp = await this.unary("check", req);
    return {
      inputs: resp.getInputs()?.toJavaScript() ?? {},
      failures: resp.getFailuresList().map((f: any) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  async diff(urn: string, id: string, olds: Props, news: Props): Promise<{ changes: "none" | "some" | "unknown"; replaces: string[]; deleteBeforeReplace: boolean }> {
    const req = new provproto.DiffRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setOlds(toStruct(olds));
    req.setNews(toStruct(news));
    const resp = await this.unary("diff", req);
    const C = provproto.DiffResponse.DiffChanges;
    const c = resp.getChanges();
    return {
      changes: c === C.DIFF_NONE ? "none" : c === C.DIFF_SOME ? "some" : "unknown",
      replaces: resp.getReplacesList(),
      deleteBeforeReplace: resp.getDeletebeforereplace(),
    };
  }

  async create(urn: string, props: Props): Promise<{ id: string; outputs: Props }> {
    const req = new provproto.CreateRequest();
    req.setUrn(urn);
    req.setProperties(toStruct(props));
    const resp = await this.unary("create", req);
    return { id: resp.getId(), outputs: resp.getProperties()?.toJavaScript() ?? {} };
  }

  async read(urn: string, id: string, props: Props, inputs: Props): Promise<{ id: string; outputs: Props; inputs?: Props }> {
    const req = new provproto.ReadRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setProperties(toStruct(props));
    req.setInputs(toStruct(inputs));
    const resp = await this.unary("read", req);
    return { id: resp.getId(), outputs: resp.getProperties()?.toJavaScript() ?? {}, inputs: resp.getInputs()?.toJavaScript() };
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

  private unary(method: string, req: unknown): Promise<any> {
    return new Promise((resolve, reject) => {
      this.client[method](req, (err: grpc.ServiceError | null, resp: unknown) => {
        if (err) reject(hostError(err));
        else resolve(resp);
      });
    });
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
