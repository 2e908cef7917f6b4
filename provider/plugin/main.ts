import { serve } from "./server";

/**
 * The plugin's entry point (provider/plugin/package.json `main` points at its compiled form). Pulumi's
 * Node.js language host runs `node @pulumi/pulumi/cmd/run-plugin <plugin dir> <engine address>`, which
 * loads this module; the engine reads the port from the first line of stdout, so nothing else may be
 * printed before it.
 */
serve({ engineAddress: process.argv[2] }).then(
  (running) => {
    process.stdout.write(`${running.port}\n`);
    const stop = () => void running.shutdown().finally(() => process.exit(0));
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  },
  (e: Error) => {
    console.error(`${e.stack ?? e.message}`);
    process.exit(1);
  },
);
