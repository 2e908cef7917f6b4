import type * as dynamic from "@pulumi/pulumi/dynamic";

/**
 * The provider object handed to `dynamic.Resource`, which serializes it into every resource's
 * `__provider`. It captures nothing but the type name: each method loads the real implementation by
 * package name inside the provider process. So the serialized text is ~2 KB, holds no credentials and
 * no code by value, and a package upgrade fixes existing resources too. The package must be
 * installed in the Pulumi project's node_modules (it is, for anyone who `npm install`s it).
 */
export function serializedProvider(type: string): dynamic.ResourceProvider {
  const load = (): dynamic.ResourceProvider => {
    let runtime: { provider(type: string): dynamic.ResourceProvider };
    try {
      runtime = require("pulumi-nylas-agents/dist/provider/runtime");
    } catch (e) {
      throw new Error(
        `pulumi-nylas-agents is not installed where the Pulumi program runs (${(e as Error).message}); ` +
          "run `npm install pulumi-nylas-agents` in the project directory",
      );
    }
    return runtime.provider(type);
  };
  return {
    configure: (req) => load().configure!(req),
    check: (olds, news) => load().check!(olds, news),
    diff: (id, olds, news) => load().diff!(id, olds, news),
    create: (inputs) => load().create(inputs),
    read: (id, props) => load().read!(id, props),
    update: (id, olds, news) => load().update!(id, olds, news),
    delete: (id, props) => load().delete!(id, props),
  };
}
