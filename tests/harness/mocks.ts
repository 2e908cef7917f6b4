import * as pulumi from "@pulumi/pulumi";

/**
 * Pulumi mocks that also keep every RegisterResource request: `newResource` never sees
 * `additionalSecretOutputs` or dependencies, so class-level tests read them off the request.
 */
export async function recordRegistrations(
  state: (args: pulumi.runtime.MockResourceArgs) => Record<string, unknown> = () => ({}),
): Promise<{ registered: pulumi.runtime.MockResourceArgs[]; requests: any[] }> {
  const registered: pulumi.runtime.MockResourceArgs[] = [];
  const requests: any[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push(args);
        return { id: `${args.name}-id`, state: { ...args.inputs, ...state(args) } };
      },
      call: () => ({}),
    },
    "proj",
    "stack",
    false,
  );
  const monitor: any = (pulumi.runtime as any).getMonitor();
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, cb: unknown) => (requests.push(req), register(req, cb));
  return { registered, requests };
}
