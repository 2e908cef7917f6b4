import { NylasApi } from "../api";
import { NylasClient, type ClientOptions } from "../client";
import type { Context } from "../lifecycle";

/**
 * The lifecycle's {@link Context} for one configured plugin instance (one provider resource: its API key,
 * region and client settings). The only place in the plugin that knows what a Context holds — adapt
 * this function, and nothing else, when the lifecycle's Context changes.
 */
export interface PluginContext {
  /** The Context of one call; `warn` reports to the engine against that call's resource. */
  forCall(warn: (message: string) => void): Context;
  close(): Promise<void>;
}

export function pluginContext(options: ClientOptions, signal: AbortSignal): PluginContext {
  const api = new NylasApi(new NylasClient({ ...options, signal }));
  return {
    forCall: (warn) => ({ api, warn }),
    close: () => api.client.close(),
  };
}
