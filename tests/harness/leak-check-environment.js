"use strict";
/**
 * Jest's node environment, plus one rule: a test file closes what it opens. When the file's tests and
 * hooks are done, every handle it left behind (servers, sockets, child processes, ref'd timers) must be
 * gone within a grace period, or the file fails naming them. Without this a leak shows up only as
 * jest's "A worker process has failed to exit gracefully", with no file to blame.
 *
 * Plain JavaScript: jest loads test environments before any transform is set up.
 */
const inspector = require("node:inspector");
const { TestEnvironment } = require("jest-environment-node");

/** How long a handle may take to close after the file's last hook (a server's close, a child's exit). */
const GRACE_MS = 10_000;

/** Handles of the worker itself (its IPC channel, stdio) are there before the file starts. */
const handles = () => process._getActiveHandles();
const refTimers = () => process.getActiveResourcesInfo().filter((t) => t === "Timeout").length;

function describeHandle(h) {
  const name = h?.constructor?.name ?? typeof h;
  if (name === "Socket" && h.remoteAddress) return `Socket to ${h.remoteAddress}:${h.remotePort}`;
  if (name === "Server" && typeof h.address === "function") {
    const a = h.address();
    return `Server on ${a && typeof a === "object" ? `port ${a.port}` : a}`;
  }
  if (name === "ChildProcess") return `ChildProcess ${h.pid} (${(h.spawnargs ?? []).slice(0, 3).join(" ")})`;
  return name;
}

/**
 * Inspector sessions connected while a file runs. @pulumi/pulumi's closure serializer (which serializes a
 * dynamic provider) connects one per module instance and enables the debugger, and never disconnects:
 * in a jest worker, where every file loads its own @pulumi/pulumi, each file's session kept the file's
 * whole module graph alive (a heap snapshot: the worker's retained contexts hang off "DevTools console"
 * handles). A test program is one process, so this is a test-worker matter only.
 */
const sessionsOfThisFile = new Set();
const connect = inspector.Session.prototype.connect;
inspector.Session.prototype.connect = function (...args) {
  sessionsOfThisFile.add(this);
  return connect.apply(this, args);
};

class LeakCheckEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.testPath = context.testPath;
  }

  async setup() {
    await super.setup();
    this.handlesBefore = new Set(handles());
    this.timersBefore = refTimers();
  }

  /** What the file opened and has not closed. */
  leaks() {
    const left = handles().filter((h) => !this.handlesBefore.has(h) && !isStdio(h)).map(describeHandle);
    const timers = refTimers() - this.timersBefore;
    return timers > 0 ? [...left, `${timers} ref'd timer(s)`] : left;
  }

  async teardown() {
    const deadline = Date.now() + GRACE_MS;
    let left = this.leaks();
    while (left.length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50).unref());
      left = this.leaks();
    }
    for (const session of sessionsOfThisFile) session.disconnect();
    sessionsOfThisFile.clear();
    await super.teardown();
    if (left.length > 0) {
      throw new Error(`${this.testPath} left open after its last test (${GRACE_MS / 1000} s later): ${left.join(", ")} — close it in an afterAll/afterEach`);
    }
  }
}

/** A process's own stdio streams can be opened lazily by a console write during the file. */
function isStdio(h) {
  return h === process.stdout || h === process.stderr || h === process.stdin;
}

/**
 * The check above runs per file; what keeps a worker alive after the last file shows only as jest's
 * "failed to exit gracefully" (jest force-kills a worker still alive `workerGracefulExitTimeout` after
 * asking it to end). So when jest asks this worker to end, note what is still holding it a moment later,
 * naming it; with `LEAK_CHECK_EXIT_LOG=<file>`, also when it was asked and when it reached `exit`.
 */
const CHILD_MESSAGE_END = 2; // jest-worker's protocol constant
const EXIT_REPORT_MS = 300;
if (process.send && !global.__leakCheckExitWatch) {
  global.__leakCheckExitWatch = true;
  const onMessage = (message) => {
    if (!Array.isArray(message) || message[0] !== CHILD_MESSAGE_END) return;
    process.removeListener("message", onMessage); // a listener of ours must not hold the IPC channel open
    const log = process.env.LEAK_CHECK_EXIT_LOG;
    if (log) {
      const rss = () => `${Math.round(process.memoryUsage().rss / 1e6)} MB RSS`;
      require("fs").appendFileSync(log, `jest worker ${process.pid}: asked to end at ${Date.now()} (${rss()})\n`);
      process.once("exit", () => require("fs").appendFileSync(log, `jest worker ${process.pid}: exiting at ${Date.now()}\n`));
    }
    setTimeout(() => {
      const held = handles().filter((h) => !isStdio(h)).map(describeHandle);
      const report = `jest worker ${process.pid} still running ${EXIT_REPORT_MS} ms after jest asked it to end: ` +
        `handles [${held.join(", ")}], resources [${process.getActiveResourcesInfo().join(", ")}]\n`;
      process.stderr.write(report);
      if (log) require("fs").appendFileSync(log, report);
    }, EXIT_REPORT_MS).unref();
  };
  process.on("message", onMessage);
}

module.exports = LeakCheckEnvironment;
