import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { ProviderConnection, SECRET_SIG, SECRET_VALUE, spawnProvider, type Props } from "./host";

/**
 * Starts the native provider plugin (provider/plugin/) exactly as Pulumi's Node.js language host starts
 * a `PulumiPlugin.yaml` plugin — `node <@pulumi/pulumi/cmd/run-plugin, resolved from the plugin
 * directory> <plugin dir> <engine address>`, working directory the user's project, the port read from
 * the first line of stdout (pulumi-language-nodejs `RunPlugin`) — and speaks ResourceProvider gRPC to it
 * the way the engine does. The engine address is live: an Engine service (Log) runs here and records
 * what the plugin reports, as `pulumi up` would show it.
 */

/* eslint-disable @typescript-eslint/no-require-imports */
const provproto = require("@pulumi/pulumi/proto/provider_pb");
const provrpc = require("@pulumi/pulumi/proto/provider_grpc_pb");
const engrpc = require("@pulumi/pulumi/proto/engine_grpc_pb");
const engproto = require("@pulumi/pulumi/proto/engine_pb");
const structproto = require("google-protobuf/google/protobuf/struct_pb");
const emptyproto = require("google-protobuf/google/protobuf/empty_pb");

export const PLUGIN_PACKAGE = "nylas-agents";
/** The plugin directory of this checkout (PulumiPlugin.yaml, package.json), from the sources or from dist/. */
export const PLUGIN_DIR = (() => {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "provider", "plugin");
    if (existsSync(path.join(candidate, "PulumiPlugin.yaml"))) return candidate;
    if (path.dirname(dir) === dir) return path.resolve(__dirname, "..", "plugin");
  }
})();

export interface EngineLogEntry {
  severity: "debug" | "info" | "warning" | "error";
  message: string;
  urn: string;
}

/** The Engine gRPC service a plugin dials back (only Log does anything: it is all a provider uses). */
export class EngineService {
  readonly logs: EngineLogEntry[] = [];
  private constructor(private readonly server: grpc.Server, readonly address: string, private readonly onLog: (e: EngineLogEntry) => void) {}

  static async start(onLog: (e: EngineLogEntry) => void = () => undefined): Promise<EngineService> {
    const server = new grpc.Server();
    const severities = Object.fromEntries(Object.entries(engproto.LogSeverity).map(([k, v]) => [v, k.toLowerCase()]));
    let service!: EngineService;
    server.addService(engrpc.EngineService, {
      log(call: any, callback: grpc.sendUnaryData<unknown>) {
        const r = call.request;
        const entry: EngineLogEntry = { severity: severities[r.getSeverity()] as EngineLogEntry["severity"], message: r.getMessage(), urn: r.getUrn() };
        service.logs.push(entry);
        service.onLog(entry);
        callback(null, new emptyproto.Empty());
      },
      getRootResource(_call: unknown, callback: grpc.sendUnaryData<unknown>) {
        callback(null, new engproto.GetRootResourceResponse());
      },
      setRootResource(_call: unknown, callback: grpc.sendUnaryData<unknown>) {
        callback(null, new engproto.SetRootResourceResponse());
      },
      startDebugging(_call: unknown, callback: grpc.sendUnaryData<unknown>) {
        callback(null, new emptyproto.Empty());
      },
      requirePulumiVersion(_call: unknown, callback: grpc.sendUnaryData<unknown>) {
        callback(null, new engproto.RequirePulumiVersionResponse());
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    service = new EngineService(server, `127.0.0.1:${port}`, onLog);
    return service;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.tryShutdown(() => resolve()));
  }
}

export interface PluginHostOptions {
  /** The user's project directory: the plugin runs there (the language host's `cwd`). */
  cwd?: string;
  /** The plugin directory (PulumiPlugin.yaml + package.json). @default this checkout's provider/plugin */
  pluginDir?: string;
  project?: string;
  env?: NodeJS.ProcessEnv;
}

/** Provider configuration as the engine sends it: plain names (`apiKey`), `{secret}` values wrapped. */
export type ProviderConfig = Record<string, string | { secret: string }>;

export class PluginHost extends ProviderConnection {
  readonly acceptsSecrets = true;

  private constructor(
    child: ChildProcess,
    client: unknown,
    output: string[],
    readonly engine: EngineService,
    /** Milliseconds from spawning `node` to the port on stdout. */
    readonly startupMs: number,
  ) {
    super(child, client, output);
  }

  /** Processes started by this module so far (a test asserts which front door a table ran through). */
  static launches = 0;

  static async start(opts: PluginHostOptions = {}): Promise<PluginHost> {
    PluginHost.launches++;
    const pluginDir = opts.pluginDir ?? PLUGIN_DIR;
    const cwd = opts.cwd ?? path.resolve(pluginDir, "..", "..");
    if (!existsSync(path.join(pluginDir, "PulumiPlugin.yaml"))) throw new Error(`${pluginDir} has no PulumiPlugin.yaml`);
    const project = opts.project ?? "nylas-agents-test";
    let output: string[] = [];
    // What the plugin logs through the engine is part of what Pulumi shows: kept with its stdout/stderr.
    const engine = await EngineService.start((e) => output.push(`${e.severity}: ${e.message}\n`));
    // pulumi-language-nodejs locates the runner from the plugin directory (`locateModule`), not the project.
    const runPlugin = require.resolve("@pulumi/pulumi/cmd/run-plugin", { paths: [pluginDir] });
    const started = process.hrtime.bigint();
    try {
      const spawned = await spawnProvider(runPlugin, [pluginDir, engine.address], cwd, { ...process.env, ...opts.env, PULUMI_PROJECT: project });
      const startupMs = Number(process.hrtime.bigint() - started) / 1e6;
      spawned.output.unshift(...output);
      output = spawned.output;
      const client = new provrpc.ResourceProviderClient(`127.0.0.1:${spawned.port}`, grpc.credentials.createInsecure());
      return new PluginHost(spawned.child, client, output, engine, startupMs);
    } catch (e) {
      await engine.stop();
      throw e;
    }
  }

  token(type: string): string {
    return `${PLUGIN_PACKAGE}:index:${type}`;
  }

  providerUrn(stack: string, project: string, name: string): string {
    return `urn:pulumi:${stack}::${project}::pulumi:providers:${PLUGIN_PACKAGE}::${name}`;
  }

  override async stop(): Promise<void> {
    await super.stop();
    await this.engine.stop();
  }

  async checkConfig(urn: string, olds: Props, news: Props): Promise<{ inputs: Props; failures: { property: string; reason: string }[] }> {
    const req = new provproto.CheckRequest();
    req.setUrn(urn);
    req.setOlds(structproto.Struct.fromJavaScript(olds));
    req.setNews(structproto.Struct.fromJavaScript(news));
    const resp = await this.unary("checkConfig", req);
    return {
      inputs: resp.getInputs()?.toJavaScript() ?? {},
      failures: resp.getFailuresList().map((f: any) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  async diffConfig(urn: string, olds: Props, news: Props): Promise<{ changes: string; diffs: string[]; replaces: string[] }> {
    const req = new provproto.DiffRequest();
    req.setUrn(urn);
    req.setOlds(structproto.Struct.fromJavaScript(olds));
    req.setNews(structproto.Struct.fromJavaScript(news));
    req.setOldInputs(structproto.Struct.fromJavaScript(olds));
    const resp = await this.unary("diffConfig", req);
    const C = provproto.DiffResponse.DiffChanges;
    return { changes: resp.getChanges() === C.DIFF_NONE ? "none" : "some", diffs: resp.getDiffsList(), replaces: resp.getReplacesList() };
  }

  /**
   * CheckConfig then Configure, as the engine registers a provider: `config` by plain names (`apiKey`),
   * also sent as the legacy `variables` map (`nylas-agents:config:apiKey`, secrets unwrapped), with the
   * provider's URN and the engine's protocol flags. Throws on check failures, as `pulumi up` stops.
   */
  async configure(
    config: ProviderConfig,
    opts: { urn?: string; version?: string } = {},
  ): Promise<{ acceptSecrets: boolean; supportsPreview: boolean; supportsAutonaming: boolean }> {
    const urn = opts.urn ?? this.providerUrn("test", "nylas-agents-test", "default");
    const news: Props = { ...(opts.version ? { version: opts.version } : {}) };
    const variables: Record<string, string> = {};
    for (const [k, v] of Object.entries(config)) {
      news[k] = typeof v === "string" ? v : { [SECRET_SIG]: SECRET_VALUE, value: v.secret };
      variables[`${PLUGIN_PACKAGE}:config:${k}`] = typeof v === "string" ? v : v.secret;
    }
    const checked = await this.checkConfig(urn, {}, news);
    if (checked.failures.length) throw new Error(checked.failures.map((f) => f.reason).join("\n"));
    const req = new provproto.ConfigureRequest();
    req.setArgs(structproto.Struct.fromJavaScript(checked.inputs));
    for (const [k, v] of Object.entries(variables)) req.getVariablesMap().set(k, v);
    req.setAcceptsecrets(true);
    req.setAcceptresources(true);
    req.setSendsOldInputs(true);
    req.setSendsOldInputsToDelete(true);
    req.setUrn(urn);
    req.setType(`pulumi:providers:${PLUGIN_PACKAGE}`);
    req.setName(urn.slice(urn.lastIndexOf("::") + 2));
    const resp = await this.unary("configure", req);
    this.supportsAutonaming = resp.getSupportsAutonamingConfiguration();
    return { acceptSecrets: resp.getAcceptsecrets(), supportsPreview: resp.getSupportspreview(), supportsAutonaming: this.supportsAutonaming };
  }

  async schema(): Promise<Record<string, unknown>> {
    const req = new provproto.GetSchemaRequest();
    req.setVersion(0);
    return JSON.parse((await this.unary("getSchema", req)).getSchema());
  }

  async cancel(): Promise<void> {
    await this.unary("cancel", new emptyproto.Empty());
  }
}
