import type { ServiceError, ServerUnaryCall, sendUnaryData } from "@grpc/grpc-js";
import { NylasConfigError } from "../client";
import * as lifecycle from "../lifecycle";
import { PartialCreateError, type Autonaming, type ResourceDefinition } from "../lifecycle";
import { definitions } from "../registry";
import { checkConfig, clientOptions, CONFIG, PACKAGE, pluginMessage } from "./config";
import { pluginContext, type PluginContext } from "./context";
import { detailedDiff, Kind, type DetailedDiff } from "./diff";
import { resolveImport } from "./import";
import { PACKAGE_VERSION } from "./metadata";
import { fromStruct, toStruct, unwrapSecrets, wrapSecrets, type Props } from "./properties";
import { anyproto, emptyproto, engproto, engrpc, grpc, pluginproto, provproto, provrpc, statusproto } from "./proto";
import { packageSchema } from "./schema";

/**
 * The native provider plugin: Pulumi's ResourceProvider gRPC service for package `nylas-agents`, serving
 * every definition in provider/registry.ts as `nylas-agents:index:<Type>` through the same lifecycle the
 * dynamic resources use (provider/lifecycle.ts). What it adds is what only a native provider can do:
 * provider configuration per provider instance (several Nylas applications in one program), secrets
 * accepted and returned natively, a detailed diff, and `pulumi import` (Read with only an id).
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Definition = ResourceDefinition<any, any>;
/* eslint-disable @typescript-eslint/no-explicit-any */
type Request = any;
type Handler = (call: ServerUnaryCall<Request, unknown>, callback: sendUnaryData<unknown>) => void;

const TOKEN_PREFIX = `${PACKAGE}:index:`;

/** The resource type of a request: its `type` field (engines ≥ 3.1xx) or the URN's type segment. */
function resourceType(urn: string, typeField: string | undefined): { type: string; def: Definition } {
  const qualified = typeField || urn.split("::")[2] || "";
  const token = qualified.slice(qualified.lastIndexOf("$") + 1);
  const type = token.startsWith(TOKEN_PREFIX) ? token.slice(TOKEN_PREFIX.length) : "";
  const def = definitions[type];
  if (!def) throw new Error(`${PACKAGE}: unknown resource type "${token}" (state written by a newer version of the plugin?)`);
  return { type, def };
}

/** Outputs that stay secret: the definition's own, and any whose input of the same name was secret. */
function secretOutputKeys(def: Definition, ...inputSecrets: Iterable<string>[]): string[] {
  return [...new Set([...(def.secretOutputs ?? []), ...(def.secretInputs ?? []), ...inputSecrets.flatMap((s) => [...s])])];
}

class EngineLog {
  private readonly client: any;
  constructor(address: string) {
    this.client = new engrpc.EngineClient(address, grpc.credentials.createInsecure());
  }

  /** Resolves once the engine has it (never rejects: what cannot reach the engine goes to stderr, which it shows too). */
  log(severity: "info" | "warning" | "error", message: string, urn = ""): Promise<void> {
    const req = new engproto.LogRequest();
    req.setSeverity(engproto.LogSeverity[severity.toUpperCase()]);
    req.setMessage(message);
    req.setUrn(urn);
    return new Promise((resolve) =>
      this.client.log(req, (err: ServiceError | null) => {
        if (err) console.error(`${severity}: ${message}`);
        resolve();
      }),
    );
  }

  close(): void {
    this.client.close();
  }
}

export class NylasProviderPlugin {
  private context: PluginContext | undefined;
  private readonly cancellation = new AbortController();
  private schema: string | undefined;
  private engine: EngineLog | undefined;

  constructor(engineAddress?: string) {
    if (engineAddress) this.engine = new EngineLog(engineAddress);
  }

  /** gRPC handlers by the service definition's method names. */
  handlers(): Record<string, Handler> {
    const unimplemented = (what: string): Handler => (_call, callback) =>
      callback({ code: grpc.status.UNIMPLEMENTED, details: `${what} is not implemented by the ${PACKAGE} provider` } as ServiceError, null);
    return {
      handshake: unimplemented("Handshake"),
      parameterize: unimplemented("Parameterize"),
      invoke: unimplemented("Invoke (the package has no functions)"),
      call: unimplemented("Call"),
      construct: unimplemented("Construct (the package has no components)"),
      list: unimplemented("List"),
      getPluginInfo: this.unary(async () => {
        const info = new pluginproto.PluginInfo();
        info.setVersion(PACKAGE_VERSION);
        return info;
      }),
      getSchema: this.unary(async () => {
        const resp = new provproto.GetSchemaResponse();
        resp.setSchema((this.schema ??= JSON.stringify(packageSchema())));
        return resp;
      }),
      checkConfig: this.unary(async (req) => {
        const r = checkConfig(fromStruct(req.getNews()));
        return checkResponse(r.inputs, r.failures);
      }),
      diffConfig: this.unary(async (req) => this.diffConfig(req)),
      configure: this.unary(async (req) => this.configure(req)),
      check: this.unary(async (req) => this.check(req)),
      diff: this.unary(async (req) => this.diff(req)),
      create: this.unary(async (req) => this.create(req)),
      read: this.unary(async (req) => this.read(req)),
      update: this.unary(async (req) => this.update(req)),
      delete: this.unary(async (req) => this.delete(req)),
      cancel: this.unary(async () => {
        this.cancellation.abort();
        return new emptyproto.Empty();
      }),
      attach: this.unary(async (req) => {
        this.engine?.close();
        this.engine = new EngineLog(req.getAddress());
        return new emptyproto.Empty();
      }),
      getMapping: this.unary(async () => new provproto.GetMappingResponse()),
      getMappings: this.unary(async () => new provproto.GetMappingsResponse()),
    };
  }

  async close(): Promise<void> {
    this.engine?.close();
    await this.context?.close();
  }

  /** Warnings sent to the engine and not yet acknowledged: an answer waits for them, so they show with their step. */
  private readonly logging = new Set<Promise<void>>();

  private unary(fn: (req: Request) => Promise<unknown>): Handler {
    return (call, callback) => {
      const settle = async (send: () => void) => {
        await Promise.all([...this.logging]);
        send();
      };
      fn(call.request).then(
        (resp) => settle(() => callback(null, resp)),
        (e) => settle(() => callback(grpcError(e), null)),
      );
    };
  }

  private warn(urn: string): (message: string) => void {
    return (message) => {
      if (!this.engine) return void console.error(`warning: ${message}`);
      const sent = this.engine.log("warning", message, urn).finally(() => this.logging.delete(sent));
      this.logging.add(sent);
    };
  }

  /** The Context of one CRUD call; refused once the engine has cancelled the deployment. */
  private contextFor(urn: string): lifecycle.Context {
    if (this.cancellation.signal.aborted) throw new Error("the deployment was cancelled; this operation was not started");
    if (!this.context) throw new Error(`the ${PACKAGE} provider was not configured (the engine calls Configure before any resource operation)`);
    return this.context.forCall(this.warn(urn));
  }

  private async configure(req: Request) {
    const variables: Record<string, string> = {};
    req.getVariablesMap().forEach((v: string, k: string) => (variables[k] = v));
    const options = clientOptions(fromStruct(req.getArgs()), variables);
    await this.context?.close();
    this.context = pluginContext(options, this.cancellation.signal);
    const resp = new provproto.ConfigureResponse();
    resp.setAcceptsecrets(true);
    // Preview is Check + Diff: Create/Update are never asked to pretend (the engine shows the inputs).
    resp.setSupportspreview(false);
    resp.setAcceptresources(false);
    resp.setAcceptoutputs(false);
    // CheckRequest then carries the engine's `pulumi:autonaming` request (see `check`).
    resp.setSupportsAutonamingConfiguration(true);
    return resp;
  }

  private async diffConfig(req: Request) {
    const olds = unwrapSecrets(fromStruct(req.getOlds())).plain;
    const news = unwrapSecrets(fromStruct(req.getNews())).plain;
    // A new key or region affects later calls, never the objects already made: an update, not a replace
    // (a replaced provider would replace every mailbox it manages).
    const changed = Object.keys(CONFIG).filter((k) => String(olds[k] ?? "") !== String(news[k] ?? ""));
    const kindOf = (k: string) => (olds[k] === undefined ? Kind.ADD : news[k] === undefined ? Kind.DELETE : Kind.UPDATE);
    return diffResponse({ diffs: changed, replaces: [], deleteBeforeReplace: false, detailed: Object.fromEntries(changed.map((k) => [k, kindOf(k)])) });
  }

  private async check(req: Request) {
    const urn: string = req.getUrn();
    const { def } = resourceType(urn, req.getType());
    const { plain, secretKeys } = unwrapSecrets(fromStruct(req.getNews()));
    const olds = unwrapSecrets(fromStruct(req.getOlds()));
    // An auto-named input kept from state stays as secret as it was there.
    if (def.autoName && plain[def.autoName] === undefined && olds.secretKeys.has(def.autoName)) secretKeys.add(def.autoName);
    // Values the program marked secret are masked in failure messages like declared secrets are.
    const masked: Definition = secretKeys.size ? { ...def, secretInputs: [...(def.secretInputs ?? []), ...secretKeys] } : def;
    const r = lifecycle.check(masked, plain, { olds: olds.plain, autonaming: autonamingOf(req, urn) });
    if (r.failures.length === 0) for (const w of def.warnings?.(r.inputs) ?? []) this.warn(urn)(`Nylas ${def.type}: ${w}`);
    return checkResponse(wrapSecrets(r.inputs, [...secretKeys, ...(def.secretInputs ?? [])]), r.failures);
  }

  private async diff(req: Request) {
    const { def } = resourceType(req.getUrn(), req.getType());
    const olds = unwrapSecrets(fromStruct(req.getOlds())).plain;
    const news = unwrapSecrets(fromStruct(req.getNews())).plain;
    return diffResponse(await detailedDiff(def, olds, news, req.getIgnorechangesList()));
  }

  private async create(req: Request) {
    const urn: string = req.getUrn();
    const { def } = resourceType(urn, req.getType());
    const { plain, secretKeys } = unwrapSecrets(fromStruct(req.getProperties()));
    const secrets = secretOutputKeys(def, secretKeys);
    try {
      const made = await lifecycle.create(def, this.contextFor(urn), plain);
      const resp = new provproto.CreateResponse();
      resp.setId(made.id);
      resp.setProperties(toStruct(wrapSecrets(made.outs, secrets)));
      return resp;
    } catch (e) {
      if (e instanceof PartialCreateError) throw new PartialCreateError(e.id, wrapSecrets(e.properties, secrets), new Error(e.message));
      throw e;
    }
  }

  private async read(req: Request) {
    const urn: string = req.getUrn();
    const { type, def } = resourceType(urn, req.getType());
    const state = unwrapSecrets(fromStruct(req.getProperties()));
    const inputs = req.hasInputs() ? unwrapSecrets(fromStruct(req.getInputs())) : undefined;
    const ctx = this.contextFor(urn);
    // `pulumi import`: only an id, which may be a natural key (an email, a domain).
    const importing = Object.keys(state.plain).length === 0 && !inputs;
    const target = importing ? await resolveImport(type, def, ctx, req.getId()) : { id: req.getId(), olds: state.plain };
    const resp = new provproto.ReadResponse();
    if (!target?.id) return resp; // no properties: the engine reports that the resource does not exist
    const r = await lifecycle.read(def, ctx, target.id, target.olds);
    if (!r.id) return resp; // gone: refresh drops it from state
    resp.setId(r.id);
    resp.setProperties(toStruct(wrapSecrets(r.props, secretOutputKeys(def, state.secretKeys, inputs?.secretKeys ?? []))));
    // Write-only inputs (an app password) are never read back: the ones in state stay, still secret.
    const kept: Props = {};
    for (const k of def.secretInputs ?? []) if (inputs?.plain[k] !== undefined) kept[k] = inputs.plain[k];
    resp.setInputs(toStruct(wrapSecrets({ ...(r.inputs ?? {}), ...kept }, [...(inputs?.secretKeys ?? []), ...(def.secretInputs ?? [])])));
    return resp;
  }

  private async update(req: Request) {
    const urn: string = req.getUrn();
    const { def } = resourceType(urn, req.getType());
    const olds = unwrapSecrets(fromStruct(req.getOlds()));
    const news = unwrapSecrets(fromStruct(req.getNews()));
    const outs = await lifecycle.update(def, this.contextFor(urn), req.getId(), olds.plain, news.plain);
    const resp = new provproto.UpdateResponse();
    resp.setProperties(toStruct(wrapSecrets(outs, secretOutputKeys(def, news.secretKeys, olds.secretKeys))));
    return resp;
  }

  private async delete(req: Request) {
    const urn: string = req.getUrn();
    const { def } = resourceType(urn, req.getType());
    await lifecycle.remove(def, this.contextFor(urn), req.getId(), unwrapSecrets(fromStruct(req.getProperties())).plain);
    return new emptyproto.Empty();
  }
}

const AUTONAMING_MODES: Record<number, Autonaming["mode"]> = { 0: "propose", 1: "enforce", 2: "disable" };

/**
 * The engine's autonaming request (sent because Configure says `supportsAutonamingConfiguration`, when
 * stack config `pulumi:autonaming` sets one); without it, the URN's last segment — the logical name — is
 * proposed, as the dynamic classes do.
 */
function autonamingOf(req: Request, urn: string): Autonaming {
  const logicalName = urn.split("::").slice(3).join("::");
  if (!req.hasAutonaming()) return { mode: "propose", proposedName: logicalName };
  const a = req.getAutonaming();
  return { mode: AUTONAMING_MODES[a.getMode()] ?? "propose", proposedName: a.getProposedName() || logicalName };
}

function checkResponse(inputs: Props, failures: { property: string; reason: string }[]) {
  const resp = new provproto.CheckResponse();
  resp.setInputs(toStruct(inputs));
  for (const f of failures) {
    const cf = new provproto.CheckFailure();
    cf.setProperty(f.property);
    cf.setReason(f.reason);
    resp.addFailures(cf);
  }
  return resp;
}

/** An error as the engine reads it; a partial create carries the object that exists (ErrorResourceInitFailed). */
function grpcError(e: unknown): ServiceError {
  const err = e instanceof Error ? e : new Error(String(e));
  const message = err instanceof NylasConfigError ? pluginMessage(err.message) : err.message;
  const metadata = new grpc.Metadata();
  if (err instanceof PartialCreateError) {
    const detail = new provproto.ErrorResourceInitFailed();
    detail.setId(err.id);
    detail.setProperties(toStruct(err.properties as Props));
    detail.setReasonsList(err.reasons);
    const any = new anyproto.Any();
    any.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
    const status = new statusproto.Status();
    status.setCode(grpc.status.UNKNOWN);
    status.setMessage(message);
    status.addDetails(any);
    metadata.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
  }
  return { code: grpc.status.UNKNOWN, details: message, message, metadata } as ServiceError;
}

export interface RunningPlugin {
  port: number;
  plugin: NylasProviderPlugin;
  shutdown(): Promise<void>;
}

/** Serves the plugin on 127.0.0.1 (port 0: the OS picks one). */
export async function serve(opts: { engineAddress?: string; port?: number } = {}): Promise<RunningPlugin> {
  const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  const plugin = new NylasProviderPlugin(opts.engineAddress);
  server.addService(provrpc.ResourceProviderService, plugin.handlers());
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${opts.port ?? 0}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    port,
    plugin,
    async shutdown() {
      await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
      await plugin.close();
    },
  };
}

/** The engine's DiffResponse for a detailed diff (resources' and the provider config's alike). */
function diffResponse(d: DetailedDiff): unknown {
  const resp = new provproto.DiffResponse();
  resp.setChanges(d.diffs.length ? provproto.DiffResponse.DiffChanges.DIFF_SOME : provproto.DiffResponse.DiffChanges.DIFF_NONE);
  resp.setDiffsList(d.diffs);
  resp.setReplacesList(d.replaces);
  resp.setDeletebeforereplace(d.deleteBeforeReplace);
  const detailed = resp.getDetaileddiffMap();
  for (const [path, kind] of Object.entries(d.detailed)) {
    const p = new provproto.PropertyDiff();
    p.setKind(kind);
    detailed.set(path, p);
  }
  resp.setHasdetaileddiff(true);
  return resp;
}
