import { ProviderHost } from "../../provider/offline/host";
import { PluginHost } from "../../provider/offline/plugin-host";

/**
 * Runs test tables written for the dynamic resources, unchanged, through the native plugin: every
 * `Engine.start` that does not name a front door starts the plugin (the engine reads
 * NYLAS_OFFLINE_FRONT_DOOR), and the tables are loaded into the calling test file. Call it at the top
 * level of a test file, with `load` requiring the table files.
 */
export function throughPlugin(load: () => void, minLaunches: number): void {
  const previous = process.env.NYLAS_OFFLINE_FRONT_DOOR;
  // Registered before the tables, so it runs before their own beforeAll hooks start any stack.
  beforeAll(() => {
    process.env.NYLAS_OFFLINE_FRONT_DOOR = "plugin";
  });
  afterAll(() => {
    if (previous === undefined) delete process.env.NYLAS_OFFLINE_FRONT_DOOR;
    else process.env.NYLAS_OFFLINE_FRONT_DOOR = previous;
  });

  load();

  it("ran every table above through the plugin, and none through the dynamic-provider host", () => {
    expect(PluginHost.launches).toBeGreaterThanOrEqual(minLaunches);
    expect(ProviderHost.launches).toBe(0);
  });
}
