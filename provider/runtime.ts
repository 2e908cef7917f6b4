import type * as dynamic from "@pulumi/pulumi/dynamic";
import { NylasApi } from "./api";
import { NylasClient, type ClientOptions } from "./client";
import { providerFor, type Context } from "./lifecycle";
import { definitions } from "./registry";
import { settingsFrom } from "./settings";

/**
 * The provider as it runs inside Pulumi's dynamic-provider host. The serialized `__provider` stored
 * in state only `require`s this module by package name (see serialized.ts), so the code that runs is
 * always the installed package's, and credentials are read here — from `configure` or the environment —
 * never captured at serialization time.
 */

let options: ClientOptions | undefined;
let api: NylasApi | undefined;

function context(): Context {
  options ??= settingsFrom(() => undefined);
  api ??= new NylasApi(new NylasClient(options));
  return { api, warn: (message) => console.error(`warning: ${message}`) };
}

const cache = new Map<string, dynamic.ResourceProvider>();

/** The provider of one resource type. `configure` runs once per type per process; all share one api (one client). */
export function provider(type: string): dynamic.ResourceProvider {
  let p = cache.get(type);
  if (p) return p;
  const def = definitions[type];
  if (!def) throw new Error(`pulumi-nylas-agents: unknown resource type "${type}" (state written by a newer version?)`);
  p = {
    ...providerFor(def, context),
    async configure(req: dynamic.ConfigureRequest) {
      const next = settingsFrom((key) => req.config.get(key));
      if (JSON.stringify(next) !== JSON.stringify(options)) {
        const old = api;
        options = next;
        api = undefined;
        await old?.client.close();
      }
    },
  };
  cache.set(type, p);
  return p;
}
