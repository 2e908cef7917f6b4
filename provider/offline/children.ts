import type { ChildProcess } from "node:child_process";

/**
 * Child processes of the offline tools (provider hosts, plugins, the bench's emulator), killed when this
 * process exits, so stopping a bench or a runner with Ctrl-C or SIGTERM leaves nothing behind — the
 * engine's own guarantee for the plugins it starts.
 */
const live = new Set<ChildProcess>();
let hooked = false;

/** Kills `child` when this process exits, unless it has exited first. */
export function killOnExit(child: ChildProcess): ChildProcess {
  if (!hooked) {
    hooked = true;
    process.once("exit", () => {
      for (const c of live) c.kill("SIGTERM");
    });
  }
  live.add(child);
  child.once("exit", () => live.delete(child));
  return child;
}

/** For a command-line tool: SIGINT and SIGTERM end it through `process.exit`, so the exit hook above runs. */
export function exitOnSignals(): void {
  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) process.once(signal, () => process.exit(code));
}
