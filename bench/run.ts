/**
 * `npm run bench [-- --n 1000 --concurrency 10 --json]` — how long `pulumi up`/`preview`/`refresh`/
 * `destroy` of N agent mailboxes (an AgentAccount + its Webhook each, in one Workspace) take through the
 * real dynamic-provider host, against the floor: the identical HTTP calls made directly with undici at
 * the same concurrency. Plus convergence under the 50 req/s rate limit, state size and host memory.
 * See bench/RESULTS.md for what each number means and the recorded runs.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { exitOnSignals } from "../provider/offline/children";
import { Engine } from "../provider/offline/engine";
import { EmulatorControl, type LoggedRequest } from "../emulator/control-client";
import { startEmulatorProcess, startReceiverProcess, type EmulatorProcess } from "./procs";
import { RawClient, replay, type Recorded } from "./raw";

// ------------------------------------------------------------------------------------------ options

const SCENARIOS = ["main", "limited", "fleet"] as const;
type Scenario = (typeof SCENARIOS)[number];

interface Options {
  n: number;
  concurrency: number;
  /** Provider hosts of the fleet scenario. */
  fleet: number;
  /** The rate-limited emulators answer 429 without Retry-After. */
  noRetryAfter: boolean;
  /** Run only these scenarios (a development aid: the JSON then has only their keys); empty = all. */
  only: Scenario[];
  json: boolean;
}

const USAGE = "usage: node dist/bench/run.js [--n 1000] [--concurrency 10] [--fleet 8] [--no-retry-after] [--only main,limited,fleet] [--json]";

function parseOptions(argv: string[]): Options {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        n: { type: "string", default: "1000" },
        concurrency: { type: "string", default: "10" },
        fleet: { type: "string", default: "8" },
        "no-retry-after": { type: "boolean", default: false },
        only: { type: "string", default: "" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(USAGE + "\n");
    process.exit(0);
  }
  const int = (key: string): number => {
    const v = Number(values[key]);
    if (!Number.isInteger(v) || v < 1) throw new Error(`--${key} must be a positive integer, got "${values[key]}"\n${USAGE}`);
    return v;
  };
  const only = String(values.only).split(",").filter(Boolean);
  const unknown = only.filter((x) => !(SCENARIOS as readonly string[]).includes(x));
  if (unknown.length) throw new Error(`--only: unknown scenario ${unknown.join(", ")} (there are ${SCENARIOS.join(", ")})\n${USAGE}`);
  return {
    n: int("n"),
    concurrency: int("concurrency"),
    fleet: int("fleet"),
    noRetryAfter: values["no-retry-after"] === true,
    only: only as Scenario[],
    json: values.json === true,
  };
}

// --------------------------------------------------------------------------------- the stack of N

type Props = Record<string, unknown>;
type ResourceType = "Workspace" | "AgentAccount" | "Webhook";

interface Item {
  type: ResourceType;
  name: string;
  inputs(version: 1 | 2): Props;
}

/**
 * N mailboxes, each an AgentAccount (in the one workspace) with its own Webhook (own receiver path,
 * `message.created` only, so creating grants fans out no deliveries). Every string carries the run's
 * tag `bench-<c>` and a per-resource token (`bench-<c>-a000001`, `bench-<c>-h000001`): the raw floor
 * replays the provider's calls with the tag swapped, and the tokens say which resource a call served.
 */
function stackOf(tag: string, n: number, receiverUrl: string, workspaceId: () => string): { workspace: Item; items: Item[] } {
  const workspace: Item = {
    type: "Workspace",
    name: `${tag}-ws`,
    inputs: (v) => ({ name: `${tag} workspace${v === 2 ? " v2" : ""}`, domain: `${tag}.example` }),
  };
  const items: Item[] = [];
  for (let i = 0; i < n; i++) {
    const a = `${tag}-a${String(i).padStart(6, "0")}`;
    const h = `${tag}-h${String(i).padStart(6, "0")}`;
    items.push({
      type: "AgentAccount",
      name: a,
      inputs: (v) => ({ email: `${a}@agents.example.com`, name: `Agent ${a}${v === 2 ? " v2" : ""}`, workspaceId: workspaceId() }),
    });
    items.push({
      type: "Webhook",
      name: h,
      inputs: (v) => ({ webhookUrl: `${receiverUrl}/hooks/${h}`, triggerTypes: ["message.created"], description: `${h} v${v}` }),
    });
  }
  return { workspace, items };
}

/** Runs `fn` over `items` with `concurrency` async workers, like the engine's parallel step executor. */
async function pool<T>(items: readonly T[], concurrency: number, fn: (item: T, i: number) => Promise<void>): Promise<Error[]> {
  const failures: Error[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      try {
        await fn(items[i], i);
      } catch (e) {
        failures.push(e as Error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return failures;
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const t = performance.now();
  await fn();
  return (performance.now() - t) / 1000;
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); NaN elsewhere. */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}

/** Where the CPU of a phase went, per process: the first thing to look at when a phase is slow. */
class CpuMeter {
  private start = new Map<string, number>();
  constructor(private readonly pids: Record<string, () => number | undefined>) {}
  mark(): void {
    for (const [k, pid] of Object.entries(this.pids)) this.start.set(k, cpuSeconds(pid() ?? -1));
  }
  report(): string {
    return Object.entries(this.pids)
      .map(([k, pid]) => `${k} ${(cpuSeconds(pid() ?? -1) - (this.start.get(k) ?? NaN)).toFixed(2)}`)
      .join(", ");
  }
}

function expectNoFailures(what: string, failures: Error[]): void {
  if (failures.length) throw new Error(`${what}: ${failures.length} failed; first: ${failures[0].message}`);
}

// --------------------------------------------------------------------------------- one provider run

/** The calls the provider host made (see record-preload.ts), read between phases. */
class Recording {
  private offset = 0;
  private flushes = 0;
  constructor(readonly file: string, private readonly pid: () => number) {}
  /** Every call since the last `take`: asks the host to write them out, then reads them. */
  async take(): Promise<Recorded[]> {
    const want = ++this.flushes;
    process.kill(this.pid(), "SIGUSR2");
    const marker = JSON.stringify({ flush: want }) + "\n";
    for (let waited = 0; ; waited += 10) {
      const text = existsSync(this.file) ? readFileSync(this.file, "utf8") : "";
      if (text.endsWith(marker)) {
        const fresh = text.slice(this.offset, text.length - marker.length);
        this.offset = text.length;
        return fresh.split("\n").filter(Boolean).map((l) => JSON.parse(l) as Recorded);
      }
      if (waited > 10_000) throw new Error(`the provider host did not write its request recording to ${this.file}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

interface ProviderRun {
  engine: Engine;
  recording: Recording;
  workspace: Item;
  items: Item[];
  /** Provider id → the item key it belongs to ("ws" or the item index). */
  ids: Map<string, string>;
}

/** Server-side latency of the diagnostic "real API" create (a low figure for calls to api.us.nylas.com). */
const LATENCY_MS = 50;

/** Set BENCH_CPU_PROF_DIR to write a V8 CPU profile of each provider host there (for `--cpu-prof`-style analysis). */
const profDir = process.env.BENCH_CPU_PROF_DIR;

/**
 * A provider host (the harness's engine) configured against `emu`, recording the calls it makes.
 * `rps` undefined leaves `nylas:requestsPerSecond` unset: the default, adaptive throttle.
 */
async function startHost(emu: EmulatorProcess, name: string, rps: number | undefined, workDir: string): Promise<{ engine: Engine; recording: Recording }> {
  const file = path.join(workDir, `${name}.jsonl`);
  rmSync(file, { force: true });
  const engine = await Engine.start({
    project: "nylas-bench",
    env: {
      NODE_OPTIONS: `--require ${path.join(__dirname, "record-preload.js")}`,
      BENCH_RECORD_FILE: file,
      ...(profDir ? { BENCH_CPU_PROF_DIR: profDir } : {}),
    },
    config: {
      "nylas:apiKey": { secret: emu.apiKey },
      "nylas:apiUri": emu.url,
      ...(rps !== undefined ? { "nylas:requestsPerSecond": String(rps) } : {}),
    },
  });
  return { engine, recording: new Recording(file, () => engine.host.pid) };
}

/** The stack `tag` of `n` mailboxes, driven through `host`. */
function providerRun(host: { engine: Engine; recording: Recording }, tag: string, n: number, receiverUrl: string): ProviderRun {
  const { engine } = host;
  const stack = stackOf(tag, n, receiverUrl, () => engine.get("Workspace", `${tag}-ws`)!.id);
  return { ...host, workspace: stack.workspace, items: stack.items, ids: new Map() };
}

async function createAll(run: ProviderRun, concurrency: number): Promise<Error[]> {
  const { engine, workspace, items } = run;
  await engine.up(workspace.type, workspace.name, workspace.inputs(1));
  const failures = await pool(items, concurrency, async (it) => {
    await engine.up(it.type, it.name, it.inputs(1));
  });
  run.ids.set(engine.get(workspace.type, workspace.name)!.id, "ws");
  items.forEach((it, i) => {
    const s = engine.get(it.type, it.name);
    if (s) run.ids.set(s.id, String(i));
  });
  return failures;
}

const everything = (run: ProviderRun) => [run.workspace, ...run.items];

async function previewAll(run: ProviderRun, concurrency: number): Promise<void> {
  expectNoFailures(
    "preview",
    await pool(everything(run), concurrency, async (it) => {
      const r = await run.engine.preview(it.type, it.name, it.inputs(1));
      if (r.op !== "same") throw new Error(`preview of unchanged ${it.name} says ${r.op}`);
    }),
  );
}

async function refreshAll(run: ProviderRun, concurrency: number): Promise<void> {
  expectNoFailures(
    "refresh",
    await pool(everything(run), concurrency, async (it) => {
      const r = await run.engine.refresh(it.type, it.name);
      if (r.op !== "same") throw new Error(`refresh of untouched ${it.name} says ${r.op}`);
    }),
  );
}

async function updateAll(run: ProviderRun, concurrency: number): Promise<void> {
  expectNoFailures(
    "update",
    await pool(everything(run), concurrency, async (it) => {
      const r = await run.engine.up(it.type, it.name, it.inputs(2));
      if (r.op !== "update") throw new Error(`changing ${it.name} was a ${r.op}, not an in-place update`);
    }),
  );
}

async function destroyAll(run: ProviderRun, concurrency: number): Promise<void> {
  expectNoFailures("delete", await pool(run.items, concurrency, (it) => run.engine.destroy(it.type, it.name)));
  await run.engine.destroy(run.workspace.type, run.workspace.name);
}

// ------------------------------------------------------------------------------------------ helpers

/** A `__provider` whose provider validates nothing, calls nothing and echoes its inputs; `length` bytes. */
function nullProviderText(length: number): string {
  const code =
    "exports.handler = () => ({ check: async (olds, news) => ({ inputs: news }), diff: async () => ({ changes: false }), " +
    "create: async (inputs) => ({ id: `null-${Math.random().toString(36).slice(2)}`, outs: inputs }), " +
    "read: async (id, props) => ({ id, props }), update: async (id, olds, news) => ({ outs: news }), delete: async () => {} });\n// ";
  return code + "x".repeat(Math.max(0, length - code.length));
}

const apiCalls = (log: LoggedRequest[]) => log.filter((r) => r.path.startsWith("/v3/"));

function statusHistogram(log: LoggedRequest[]): string {
  const h = new Map<string, number>();
  for (const r of apiCalls(log)) h.set(`${r.method} ${r.status}`, (h.get(`${r.method} ${r.status}`) ?? 0) + 1);
  return [...h.entries()].sort().map(([k, v]) => `${k}×${v}`).join(", ");
}

/** The provider's calls must be what the emulator saw, or the raw replay would not be identical. */
function checkRecording(what: string, recorded: Recorded[], log: LoggedRequest[], warn: (m: string) => void): void {
  const seen = apiCalls(log).length;
  if (recorded.length !== seen) warn(`${what}: the host recorded ${recorded.length} requests but the emulator saw ${seen}`);
}

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;
/** Seconds in the JSON: to 0.1 ms, so a tiny `--n` never rounds a phase to 0. */
const secs = (x: number) => round(x, 4);

// --------------------------------------------------------------------------------------------- main

export interface BenchResult {
  create_s: number;
  raw_create_s: number;
  create_overhead: number;
  transport_floor_s: number;
  create_ratio: number;
  create_calls_per_resource: number;
  noop_preview_calls: number;
  refresh_calls_per_resource: number;
  refresh_s: number;
  raw_refresh_s: number;
  update_calls_per_resource: number;
  update_s: number;
  delete_calls_per_resource: number;
  delete_s: number;
  ratelimited_ratio: number;
  ratelimited_429s: number;
  ratelimited_failures: number;
  fleet_ratio: number;
  fleet_failures: number;
  fleet_429_share: number;
  provider_bytes: Record<string, number>;
  state_bytes_per_resource: number;
  host_rss_mb: number;
}

/** What every scenario gets. */
interface Ctx {
  opts: Options;
  log(m: string): void;
  warn(m: string): void;
  diagnostics: string[];
  workDir: string;
  receiverUrl: string;
  receiverPid: number;
}

/**
 * The measured lifecycle of one stack through one host (create, preview, refresh, update, delete),
 * each phase against its raw floor, then the transport floor and the latency diagnostic.
 */
async function mainScenario(ctx: Ctx, extra: Partial<TableExtra>): Promise<Partial<BenchResult>> {
  const { opts, log, warn, diagnostics, workDir, receiverUrl, receiverPid } = ctx;
  const { n, concurrency } = opts;
  const resources = 2 * n + 1;
  const emu = await startEmulatorProcess();
  const control = new EmulatorControl(emu.url);
  const raw = new RawClient(emu.url, emu.apiKey, concurrency);
  let host: { engine: Engine; recording: Recording } | undefined;
  try {
    // Main scenario: client throttle off on both sides (nylas:requestsPerSecond = 0), so the ratio
    // compares the work per call, not two throttles.
    const hostStart = performance.now();
    host = await startHost(emu, "main", 0, workDir);
    // Warm-up (untimed): a run of the same shape through both paths — the same provider host as the
    // measured run, the same raw client — so neither timed run pays alone for JIT compilation (a cold
    // host spends ~0.5 s loading modules and then compiles hot code for a few hundred resources).
    // The cold start is reported separately: it is paid once per `pulumi up`, whatever N is.
    const warm = providerRun(host, "bench-w", Math.min(n, 200), receiverUrl);
    await warm.engine.up(warm.workspace.type, warm.workspace.name, warm.workspace.inputs(1));
    const coldStartS = (performance.now() - hostStart) / 1000;
    expectNoFailures("warm-up create", await createAll(warm, concurrency));
    const warmCreate = await warm.recording.take();
    await previewAll(warm, concurrency);
    await refreshAll(warm, concurrency);
    const warmRefresh = await warm.recording.take();
    await updateAll(warm, concurrency);
    await destroyAll(warm, concurrency);
    await warm.recording.take();
    const warmIds = new Map<string, string>();
    await replay(raw, warmCreate, { from: "bench-w", to: "bench-x", keys: warm, concurrency, learn: warmIds });
    await replay(raw, warmRefresh, { from: "bench-w", to: "bench-x", keys: warm, concurrency, ids: warmIds });

    // The measured run.
    const run = providerRun(host, "bench-p", n, receiverUrl);
    diagnostics.push(`cold start (not in create_s): ${coldStartS.toFixed(3)} s to start the provider host, configure it and create the first resource`);
    const providerBytes: Record<string, number> = {};
    for (const t of ["AgentAccount", "Webhook", "Workspace"]) providerBytes[t] = Buffer.byteLength(await run.engine.providerText(t));
    const cpu = new CpuMeter({ bench: () => process.pid, host: () => run.engine.host.pid, emulator: () => emu.proc.pid, receiver: () => receiverPid });
    /** Times one phase (emulator request log cleared first) and logs where its CPU went. */
    const phase = async (what: string, fn: () => Promise<void>): Promise<{ s: number; log: LoggedRequest[] }> => {
      await control.clearRequests();
      cpu.mark();
      const s = await timed(fn);
      const calls = await control.requests();
      const line = `${what}: ${s.toFixed(3)} s, ${apiCalls(calls).length} API calls; CPU s by process: ${cpu.report()}`;
      diagnostics.push(line);
      log(line);
      return { s, log: calls };
    };

    let createFailures: Error[] = [];
    const create = await phase("create (provider)", async () => {
      createFailures = await createAll(run, concurrency);
    });
    expectNoFailures("create", createFailures);
    const createRec = await run.recording.take();
    checkRecording("create", createRec, create.log, warn);
    const stateBytes = Buffer.byteLength(run.engine.stateJson()) / run.engine.state.size;

    const rawIds = new Map<string, string>();
    const rawCreate = await phase("create (raw floor)", () =>
      replay(raw, createRec, { from: "bench-p", to: "bench-r", keys: run, concurrency, learn: rawIds }),
    );
    if (statusHistogram(rawCreate.log) !== statusHistogram(create.log)) {
      warn(`raw create answers differ: provider ${statusHistogram(create.log)}; raw ${statusHistogram(rawCreate.log)}`);
    }

    const preview = await phase("preview, unchanged inputs", () => previewAll(run, concurrency));
    const noopPreviewCalls = apiCalls(preview.log).length;
    await run.recording.take();

    const refresh = await phase("refresh (provider)", () => refreshAll(run, concurrency));
    const refreshRec = await run.recording.take();
    checkRecording("refresh", refreshRec, refresh.log, warn);

    const rawRefresh = await phase("refresh (raw floor)", () =>
      replay(raw, refreshRec, { from: "bench-p", to: "bench-r", keys: run, concurrency, ids: rawIds }),
    );
    if (statusHistogram(rawRefresh.log) !== statusHistogram(refresh.log)) {
      warn(`raw refresh answers differ: provider ${statusHistogram(refresh.log)}; raw ${statusHistogram(rawRefresh.log)}`);
    }

    const update = await phase("update every resource in place", () => updateAll(run, concurrency));
    const destroy = await phase("delete", () => destroyAll(run, concurrency));
    // Peak RSS of the measured lifecycle, before the diagnostics below add more resources to this host.
    const hostRss = host.engine.host.peakRssMb();

    // Transport floor: the same Check+Create steps through the same harness and host, for a provider
    // that makes no API call and answers at once — what the gRPC hops alone cost. Its __provider text
    // is padded to the real one's length, so it weighs the same on the wire.
    const realText = await host.engine.providerText("AgentAccount");
    const nullText = nullProviderText(realText.length);
    const floor = providerRun(host, "bench-n", n, receiverUrl);
    const transport = await phase("transport floor: create through harness+host, provider doing nothing", async () => {
      const up = (it: Item) => floor.engine.up(it.type, it.name, it.inputs(1), { providerText: nullText });
      await up(floor.workspace);
      expectNoFailures("transport floor", await pool(floor.items, concurrency, async (it) => void (await up(it))));
    });

    // Context (diagnostic): the same create when every API call takes LATENCY_MS at the server, as
    // calls to the real Nylas API do (and more). The provider's per-resource CPU is then hidden behind
    // the wait, as the engine's parallelism intends.
    await host.recording.take(); // drop the update and delete calls: only the next create is replayed
    await control.faults([{ path: "^/v3/", kind: "latency", latencyMs: LATENCY_MS }]);
    const slow = providerRun(host, "bench-q", n, receiverUrl);
    let slowFailures: Error[] = [];
    const slowCreate = await phase(`create at ${LATENCY_MS} ms API latency (provider)`, async () => {
      slowFailures = await createAll(slow, concurrency);
    });
    expectNoFailures(`create at ${LATENCY_MS} ms latency`, slowFailures);
    const slowRec = await host.recording.take();
    checkRecording(`create at ${LATENCY_MS} ms latency`, slowRec, slowCreate.log, warn);
    const slowRaw = await phase(`create at ${LATENCY_MS} ms API latency (raw floor)`, () =>
      replay(raw, slowRec, { from: "bench-q", to: "bench-s", keys: slow, concurrency, learn: new Map() }),
    );
    await control.clearFaults();
    diagnostics.push(`create_overhead at ${LATENCY_MS} ms API latency: ${(slowCreate.s / slowRaw.s).toFixed(3)}`);


    extra.createCalls = apiCalls(create.log).length;
    extra.refreshCalls = apiCalls(refresh.log).length;
    const perResource = (log: LoggedRequest[]) => round(apiCalls(log).length / resources);
    return {
      create_s: secs(create.s),
      raw_create_s: secs(rawCreate.s),
      create_overhead: round(create.s / rawCreate.s),
      transport_floor_s: secs(transport.s),
      create_ratio: round(create.s / (transport.s + rawCreate.s)),
      create_calls_per_resource: perResource(create.log),
      noop_preview_calls: noopPreviewCalls,
      refresh_calls_per_resource: perResource(refresh.log),
      refresh_s: secs(refresh.s),
      raw_refresh_s: secs(rawRefresh.s),
      update_calls_per_resource: perResource(update.log),
      update_s: secs(update.s),
      delete_calls_per_resource: perResource(destroy.log),
      delete_s: secs(destroy.s),
      provider_bytes: providerBytes,
      state_bytes_per_resource: Math.round(stateBytes),
      host_rss_mb: round(hostRss, 1),
    };
  } finally {
    await host?.engine.stop();
    await raw.close();
    await emu.stop();
  }
}

/**
 * One host with default settings (the adaptive throttle), then the fleet, against one emulator
 * answering 429 (+ Retry-After: 1 unless --no-retry-after) above 50 req/s.
 */
async function limitedScenarios(ctx: Ctx, only: (s: Scenario) => boolean, extra: Partial<TableExtra>): Promise<Partial<BenchResult>> {
  const { opts, log, warn, diagnostics, workDir, receiverUrl } = ctx;
  const { n, concurrency } = opts;
  const out: Partial<BenchResult> = {};
  const limited = await startEmulatorProcess({ rateLimit: 50 });
  const limitedControl = new EmulatorControl(limited.url);
  const retryAfter = opts.noRetryAfter ? "429 without Retry-After" : "429 + Retry-After: 1";
  extra.retryAfter = retryAfter;
  const configure = async () => {
    if (opts.noRetryAfter) await limitedControl.config({ retryAfterOnRateLimit: false });
  };
  try {
    if (only("limited")) {
      await configure();
      log(`create under a 50 req/s server limit (${retryAfter}), one host, default settings…`);
      const lrun = providerRun(await startHost(limited, "limited", undefined, workDir), "bench-l", n, receiverUrl);
      try {
        let limitedFailures: Error[] = [];
        const limitedS = await timed(async () => {
          limitedFailures = await createAll(lrun, concurrency);
        });
        const limitedLog = apiCalls(await limitedControl.requests());
        const tooMany = limitedLog.filter((r) => r.status === 429).length;
        const useful = limitedLog.length - tooMany;
        for (const e of limitedFailures.slice(0, 3)) warn(`rate-limited create failed: ${e.message}`);
        Object.assign(extra, { limitedCalls: useful, limitedS });
        out.host_rss_mb = round(lrun.engine.host.peakRssMb(), 1);
        Object.assign(out, { ratelimited_ratio: round(limitedS / (useful / 50)), ratelimited_429s: tooMany, ratelimited_failures: limitedFailures.length });
      } finally {
        await lrun.engine.stop();
      }
    }
    if (only("fleet")) {
      // A fresh application for the fleet: every host's stack starts from nothing.
      await limitedControl.reset();
      await configure();
      const fleet = await runFleet(limited, limitedControl, opts, receiverUrl, workDir, log);
      try {
        diagnostics.push(fleet.diagnostic);
        for (const e of fleet.failures.slice(0, 3)) warn(`fleet create failed: ${e.message}`);
        Object.assign(extra, { fleetHosts: fleet.hosts, fleetCalls: fleet.useful, fleetS: fleet.wallS });
        Object.assign(out, {
          fleet_ratio: round(fleet.wallS / (fleet.useful / 50)),
          fleet_failures: fleet.failures.length,
          fleet_429_share: round(fleet.tooMany / (fleet.useful + fleet.tooMany), 4),
        });
      } finally {
        await fleet.stop();
      }
    }
    return out;
  } finally {
    await limited.stop();
  }
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const log = (m: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
  const warnings: string[] = [];
  const diagnostics: string[] = [];
  const warn = (m: string) => {
    warnings.push(m);
    log(`WARNING: ${m}`);
  };
  const workDir = path.join(os.tmpdir(), `nylas-bench-${process.pid}`);
  mkdirSync(workDir, { recursive: true });
  const resources = 2 * opts.n + 1;
  log(`n=${opts.n} (${resources} resources), concurrency=${opts.concurrency}, ${os.cpus().length} cpus, load ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}`);
  const only = (s: Scenario) => opts.only.length === 0 || opts.only.includes(s);
  const receiver = await startReceiverProcess();
  try {
    const ctx: Ctx = { opts, log, warn, diagnostics, workDir, receiverUrl: receiver.url, receiverPid: receiver.proc.pid! };
    const extra: Partial<TableExtra> = {};
    const result: Partial<BenchResult> = {};
    if (only("main")) Object.assign(result, await mainScenario(ctx, extra));
    if (only("limited") || only("fleet")) {
      const { host_rss_mb: limitedRss, ...limited } = await limitedScenarios(ctx, only, extra);
      Object.assign(result, limited);
      // The rate-limited host's peak counts too (it holds a stack of N as well).
      if (limitedRss !== undefined) result.host_rss_mb = Math.max(result.host_rss_mb ?? 0, limitedRss);
    }
    printTable(result, opts, extra);
    process.stdout.write(`\ndiagnostics (not in --json):\n${diagnostics.map((d) => `  ${d}`).join("\n")}\n`);
    if (warnings.length) process.stdout.write(`\n${warnings.length} warning(s): see stderr\n`);
    if (opts.json) process.stdout.write(JSON.stringify(result) + "\n");
  } finally {
    await receiver.stop().catch(() => undefined);
    rmSync(workDir, { recursive: true, force: true });
  }
}

// -------------------------------------------------------------------------------------------- fleet

interface FleetResult {
  hosts: number;
  wallS: number;
  /** Non-429 API requests the emulator answered. */
  useful: number;
  tooMany: number;
  failures: Error[];
  diagnostic: string;
  stop(): Promise<void>;
}

/** `min(--fleet, n)` hosts share the n mailboxes as evenly as possible; each runs its own stack. */
async function runFleet(
  emu: EmulatorProcess,
  control: EmulatorControl,
  opts: Options,
  receiverUrl: string,
  workDir: string,
  log: (m: string) => void,
): Promise<FleetResult> {
  const k = Math.min(opts.fleet, opts.n);
  log(`fleet: ${k} provider hosts, ${opts.n} mailboxes in all, one 50 req/s application, default settings…`);
  // Started (and their cold start paid) before the clock runs: a CI matrix's jobs also boot apart.
  const hosts = await Promise.all(Array.from({ length: k }, (_, h) => startHost(emu, `fleet-${h}`, undefined, workDir)));
  const stop = async () => void (await Promise.all(hosts.map((x) => x.engine.stop())));
  try {
    const runs = hosts.map((x, h) => providerRun(x, `bench-f${h}`, Math.floor(opts.n / k) + (h < opts.n % k ? 1 : 0), receiverUrl));
    await control.clearRequests();
    const t0 = performance.now();
    const finished: number[] = new Array(k).fill(0);
    const perHost = await Promise.all(
      runs.map(async (r, h) => {
        const failures = await createAll(r, opts.concurrency);
        finished[h] = (performance.now() - t0) / 1000;
        return failures;
      }),
    );
    const wallS = (performance.now() - t0) / 1000;
    const calls = apiCalls(await control.requests());
    const tooMany = calls.filter((r) => r.status === 429).length;
    if (process.env.BENCH_FLEET_LOG) writeFileSync(process.env.BENCH_FLEET_LOG, JSON.stringify(calls));
    // A host that finishes early had more than its share: the spread of finish times shows fairness.
    const sorted = [...finished].sort((a, b) => a - b);
    const diagnostic =
      `fleet: ${k} hosts, ${wallS.toFixed(1)} s, ${calls.length - tooMany} API calls + ${tooMany} 429s; ` +
      `hosts finished at ${sorted.map((x) => x.toFixed(1)).join(", ")} s`;
    log(diagnostic);
    return { hosts: k, wallS, useful: calls.length - tooMany, tooMany, failures: perHost.flat(), diagnostic, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

interface TableExtra {
  createCalls: number;
  refreshCalls: number;
  limitedCalls: number;
  limitedS: number;
  fleetHosts: number;
  fleetCalls: number;
  fleetS: number;
  retryAfter: string;
}

type Row = [string, string, string];

/** The human table: one row per key measured (all of them unless --only). */
function printTable(r: Partial<BenchResult>, opts: Options, extra: Partial<TableExtra>): void {
  const resources = 2 * opts.n + 1;
  const refreshGoal = 0.01 + 10 / resources;
  const rows: Row[] = [];
  const row = (key: keyof BenchResult, digits: number, note: string) => {
    const v = r[key];
    if (typeof v === "number") rows.push([key, v.toFixed(digits), note]);
  };
  row("create_s", 3, `up of ${resources} resources, ${extra.createCalls} API calls`);
  row("raw_create_s", 3, "the same calls with undici, same concurrency");
  row("create_overhead", 3, "create_s / raw_create_s");
  row("transport_floor_s", 3, "the same up through harness + host, provider making no call");
  row("create_ratio", 3, "create_s / (transport_floor_s + raw_create_s) (goal ≤ 1.15)");
  row("create_calls_per_resource", 3, "API calls of the up / resources (floor 1.0)");
  row("noop_preview_calls", 0, "API calls of Check+Diff, unchanged inputs (floor 0)");
  row("refresh_calls_per_resource", 3, `${extra.refreshCalls} calls (goal ≤ ${refreshGoal.toFixed(3)} = 0.01 + 10/${resources})`);
  row("refresh_s", 3, "Read of every resource");
  row("raw_refresh_s", 3, "the same calls with undici");
  row("update_calls_per_resource", 3, "API calls of the in-place change / resources (floor 1.0)");
  row("update_s", 3, "in-place change of every resource");
  row("delete_calls_per_resource", 3, "API calls of the destroy / resources (floor 1.0)");
  row("delete_s", 3, "destroy of every resource");
  row("ratelimited_ratio", 3, `one host, default settings: ${extra.limitedS?.toFixed(1)} s / (${extra.limitedCalls} calls / 50 per s) (goal ≤ 1.1)`);
  row("ratelimited_429s", 0, `429 answers during that create (${extra.retryAfter})`);
  row("ratelimited_failures", 0, "resources that failed (goal 0)");
  row("fleet_ratio", 3, `${extra.fleetHosts} hosts on one 50 req/s app: ${extra.fleetS?.toFixed(1)} s / (${extra.fleetCalls} calls / 50 per s) (goal ≤ 1.2)`);
  row("fleet_failures", 0, "resources of the fleet that failed (goal 0)");
  row("fleet_429_share", 4, `429s / all answers in the fleet (${extra.retryAfter})`);
  for (const [t, b] of Object.entries(r.provider_bytes ?? {})) rows.push([`provider_bytes.${t}`, String(b), "serialized __provider (goal ≤ 16384)"]);
  row("state_bytes_per_resource", 0, "state JSON / resources");
  row("host_rss_mb", 1, `peak RSS of a provider host holding ${resources} resources`);
  const w0 = Math.max(...rows.map((x) => x[0].length));
  const w1 = Math.max(...rows.map((x) => x[1].length));
  const lines = [
    `pulumi-nylas-agents bench: n=${opts.n} mailboxes (AgentAccount + Webhook each, one Workspace), concurrency ${opts.concurrency}`,
    `${"metric".padEnd(w0)}  ${"value".padStart(w1)}  notes`,
    ...rows.map(([k, v, note]) => `${k.padEnd(w0)}  ${v.padStart(w1)}  ${note}`),
  ];
  process.stdout.write(lines.join("\n") + "\n");
}

exitOnSignals();
main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
