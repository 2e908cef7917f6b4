import * as pulumi from "@pulumi/pulumi";
import * as dynamic from "@pulumi/pulumi/dynamic";
import type { ResourceDefinition } from "../lifecycle";
import { serializedProvider } from "../serialized";

const providers = new Map<string, dynamic.ResourceProvider>();

/**
 * Base of every resource class: type token `pulumi-nodejs:dynamic/nylas:<type>` (fixed forever: it keys
 * state), output slots, secret outputs marked through `additionalSecretOutputs` (returning
 * `pulumi.secret` from a dynamic provider does not work, pulumi/pulumi#3012), and Pulumi's autonaming:
 * the definition's `autoName` input, left out, is the logical name (a dynamic provider never sees the
 * URN, so the class names it).
 */
export abstract class NylasResource extends dynamic.Resource {
  protected constructor(
    type: string,
    name: string,
    args: object,
    outputs: readonly string[],
    opts?: pulumi.CustomResourceOptions,
    secretOutputs: readonly string[] = [],
  ) {
    const props: Record<string, unknown> = { ...(args as Record<string, unknown>) };
    const autoName = definitionOf(type)?.autoName;
    if (autoName && props[autoName] === undefined) props[autoName] = name;
    for (const o of outputs) if (!(o in props)) props[o] = undefined;
    // One provider object per type, so Pulumi serializes it once per program, not once per resource.
    const provider = serializedProviderFor(type);
    const merged = secretOutputs.length
      ? pulumi.mergeOptions(opts, { additionalSecretOutputs: [...secretOutputs] })
      : opts;
    super(provider, name, props, merged, "nylas", type);
  }
}

/**
 * The definition of a type, looked up when a resource is declared: registry.ts imports every resource
 * file, and so this one, so it cannot be imported while the modules load.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function definitionOf(type: string): ResourceDefinition<any, any> | undefined {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require("../registry") as typeof import("../registry")).definitions[type];
}

/** The provider object of a type, shared by all its resources (the harness serializes the same one). */
export function serializedProviderFor(type: string): dynamic.ResourceProvider {
  let provider = providers.get(type);
  if (!provider) providers.set(type, (provider = serializedProvider(type)));
  return provider;
}
