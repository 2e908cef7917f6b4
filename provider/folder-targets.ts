import * as pulumi from "@pulumi/pulumi";
import { isSystemFolderPath } from "./api/folders";
import { editDistance } from "./schema";

/**
 * The program-side check that a rule's `assign_to_folder` names a folder the program declares. Nylas
 * skips the action when the folder does not exist (no error anywhere), so a typo files nothing. The
 * provider host's `check` sees one resource at a time and cannot know other resources' inputs, and an
 * API call at preview is ruled out — but the resource classes run in the program and see every
 * declared input. So: `Folder` paths and Policy `options.additionalFolders` are collected here, each
 * Rule's folder targets too, and once the declarations have settled (every declaring resource
 * registered, i.e. its inputs resolved) each target that matches no declared folder and no system
 * folder gets one `pulumi.log.warn` on the rule — at preview and at up alike.
 *
 * Limits, by design: the match is program-wide (any account's folder satisfies a rule); a path that
 * is unknown at preview (computed from another resource's new output) suspends the check for that
 * run rather than warning wrongly; folders made outside the program are not seen (the warning says so).
 */

interface RuleTargets {
  rule: pulumi.Resource;
  label: string;
  paths: string[];
  ready: boolean;
  checked: boolean;
}

const declared = new Set<string>();
/** Declaring resources whose inputs have not settled yet. */
const pending = new Set<object>();
/** Declarations whose path was still unknown when they settled (preview): no verdict then. */
let unknownDeclarations = 0;
const rules: RuleTargets[] = [];
let scheduled = false;

/** Folder actions of a rule's (resolved) actions, the CLI's alias included. */
function folderTargets(actions: unknown): string[] {
  if (!Array.isArray(actions)) return [];
  return actions.flatMap((a) => {
    const type = (a as { type?: unknown })?.type;
    const value = (a as { value?: unknown })?.value;
    return (type === "assign_to_folder" || type === "move_to_folder") && typeof value === "string" && value.trim() ? [value.split("/").map((p) => p.trim()).join("/")] : [];
  });
}

/** Runs `onValue` with the resolved value, and settles `owner` once Pulumi has registered it. */
function track(owner: pulumi.CustomResource, value: pulumi.Input<unknown>, onValue: (v: unknown) => void): void {
  let seen = false;
  pending.add(owner);
  (pulumi.output(value) as pulumi.Output<unknown>).apply((v) => {
    seen = true;
    onValue(v);
    return v;
  });
  // Registration waits for every input, so by the time the URN is known the value has been seen (or is unknown).
  owner.urn.apply(() => {
    if (!seen) unknownDeclarations++;
    pending.delete(owner);
    schedule();
  });
}

/** A folder path the program declares (a `Folder`). */
export function declareFolder(owner: pulumi.CustomResource, path: pulumi.Input<string>): void {
  track(owner, path, (p) => typeof p === "string" && declared.add(p.split("/").map((x) => x.trim()).join("/")));
}

/** Folder paths the program declares in bulk (a Policy's `options.additionalFolders`). */
export function declareFolders(owner: pulumi.CustomResource, paths: pulumi.Input<unknown> | undefined): void {
  if (paths === undefined) return;
  track(owner, paths, (ps) => {
    if (Array.isArray(ps)) for (const p of ps) if (typeof p === "string") declared.add(p.split("/").map((x) => x.trim()).join("/"));
  });
}

/** The folders a rule files into, checked once the program's folder declarations have settled. */
export function declareFolderTargets(rule: pulumi.CustomResource, name: pulumi.Input<string>, actions: pulumi.Input<unknown>): void {
  const entry: RuleTargets = { rule, label: "", paths: [], ready: false, checked: false };
  rules.push(entry);
  pulumi.all([name, actions]).apply(([n, a]) => {
    entry.label = String(n);
    entry.paths = folderTargets(a);
  });
  rule.urn.apply(() => {
    entry.ready = true;
    schedule();
  });
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  // After the current turn: declarations made in the same synchronous stretch of the program all count.
  setImmediate(() => {
    scheduled = false;
    if (pending.size === 0 && unknownDeclarations === 0) checkRules();
  });
}

function checkRules(): void {
  for (const r of rules) {
    if (!r.ready || r.checked) continue;
    r.checked = true;
    for (const path of new Set(r.paths)) {
      const message = problemWith(r.label, path);
      if (message) void pulumi.log.warn(message, r.rule);
    }
  }
}

/** Why `path` may file nothing, or `undefined` when a declared or system folder matches it. */
export function problemWith(ruleName: string, path: string): string | undefined {
  if (isSystemFolderPath(path) || declared.has(path)) return undefined;
  const what = `Rule "${ruleName}" files mail into folder "${path}"`;
  const sameButCase = [...declared].find((d) => d.toLowerCase() === path.toLowerCase());
  if (sameButCase) {
    return `${what}, but the folder is declared as "${sameButCase}": whether Nylas matches folder names case-sensitively is not documented — write the path exactly as the Folder declares it`;
  }
  const near = [...declared]
    .map((d) => ({ d, n: editDistance(d.toLowerCase(), path.toLowerCase()) }))
    .filter((x) => x.n <= Math.max(2, Math.floor(path.length / 4)))
    .sort((a, b) => a.n - b.n)[0];
  return (
    `${what}, but no Folder (or Policy options.additionalFolders) in this program declares that path and it is not a system folder` +
    `${near ? ` (did you mean "${near.d}"?)` : ""}: Nylas skips the action when the folder does not exist in the account. ` +
    "Declare a Folder for it in each account the rule applies to (an existing folder is taken over and left in place on destroy), or ignore this if the folder is made outside this program"
  );
}
