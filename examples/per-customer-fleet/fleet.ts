import * as path from "node:path";
import { LocalWorkspace, type Stack } from "@pulumi/pulumi/automation";
import { customerProgram, loadCustomers, type Customer } from "./program";

/**
 * The fleet: one stack per customer in `customers.json`, created or updated with the Pulumi Automation
 * API (environment per stack: each customer's state, config and history are separate, and one
 * customer's failure does not stop the others).
 *
 *   npx tsx fleet.ts              # create/update every customer's stack
 *   npx tsx fleet.ts --preview    # show what would change
 *   npx tsx fleet.ts --prune      # also destroy and remove stacks of customers no longer listed
 *   npx tsx fleet.ts --destroy    # destroy every listed customer's stack
 *
 * Environment: `PULUMI_BACKEND_URL` (e.g. `file://~/.pulumi-fleet`, `s3://bucket/prefix`, or unset for
 * Pulumi Cloud with `PULUMI_ACCESS_TOKEN`), `PULUMI_CONFIG_PASSPHRASE` (self-managed backends),
 * `NYLAS_API_KEY` (read by the provider; never written to config), optionally `NYLAS_API_URI` or
 * `NYLAS_REGION`, and `FLEET_CONCURRENCY` (default 4).
 */
const PROJECT = "per-customer-fleet";

type Mode = "up" | "preview" | "destroy";

async function forCustomer(customer: Customer, mode: Mode): Promise<string> {
  const stack = await LocalWorkspace.createOrSelectStack(
    { projectName: PROJECT, stackName: customer.id, program: customerProgram(customer) },
    // workDir = this project (its Pulumi.yaml): the provider process resolves pulumi-nylas-agents from here.
    { workDir: __dirname, envVars: envVars() },
  );
  const onOutput = (s: string) => process.stdout.write(s.replace(/^/gm, `[${customer.id}] `));
  if (mode === "preview") {
    const p = await stack.preview({ onOutput });
    return `${customer.id}: ${JSON.stringify(p.changeSummary)}`;
  }
  if (mode === "destroy") {
    await stack.destroy({ onOutput });
    return `${customer.id}: destroyed`;
  }
  const r = await stack.up({ onOutput });
  return `${customer.id}: ${JSON.stringify(r.summary.resourceChanges)} → ${String(r.outputs.email?.value)}`;
}

/** Stacks of customers no longer listed: destroyed, then removed. */
async function prune(listed: Set<string>): Promise<string[]> {
  const ws = await LocalWorkspace.create({ workDir: __dirname, envVars: envVars() });
  const gone = (await ws.listStacks()).map((s) => s.name.split("/").pop()!).filter((name) => !listed.has(name));
  const done: string[] = [];
  for (const name of gone) {
    const stack: Stack = await LocalWorkspace.selectStack({ projectName: PROJECT, stackName: name, program: async () => ({}) }, { workDir: __dirname, envVars: envVars() });
    await stack.destroy({ onOutput: (s) => process.stdout.write(s.replace(/^/gm, `[${name}] `)) });
    await ws.removeStack(name);
    done.push(`${name}: destroyed and removed (no longer in customers.json)`);
  }
  return done;
}

function envVars(): Record<string, string> {
  const pick = ["PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "PULUMI_ACCESS_TOKEN", "NYLAS_API_KEY", "NYLAS_API_URI", "NYLAS_REGION"];
  return Object.fromEntries(pick.filter((k) => process.env[k]).map((k) => [k, process.env[k]!]));
}

/** Runs `f` over `items`, at most `n` at a time; collects every failure instead of stopping at the first. */
async function pool<T>(items: T[], n: number, f: (t: T) => Promise<string>): Promise<{ ok: string[]; failed: string[] }> {
  const ok: string[] = [];
  const failed: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++];
        try {
          ok.push(await f(item));
        } catch (e) {
          failed.push(`${JSON.stringify(item)}: ${(e as Error).message.split("\n")[0]}`);
        }
      }
    }),
  );
  return { ok, failed };
}

async function main(argv: string[]): Promise<number> {
  const mode: Mode = argv.includes("--destroy") ? "destroy" : argv.includes("--preview") ? "preview" : "up";
  const fileArg = argv.indexOf("--customers");
  const customers = loadCustomers(fileArg >= 0 ? path.resolve(argv[fileArg + 1]) : undefined);
  const { ok, failed } = await pool(customers, Number(process.env.FLEET_CONCURRENCY ?? 4), (c) => forCustomer(c, mode));
  if (argv.includes("--prune") && mode === "up") ok.push(...(await prune(new Set(customers.map((c) => c.id)))));
  console.log(["", ...ok.map((l) => `✓ ${l}`), ...failed.map((l) => `✗ ${l}`)].join("\n"));
  return failed.length ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(`✗ ${(e as Error).message}`);
      process.exit(1);
    },
  );
}
