/**
 * One thing a test file (or `describe`) shares between its tests: started in `beforeAll`, closed in
 * `afterAll`. The object returned reads through to the started one, so a file writes `stack.engine` at
 * the top level and uses it inside tests and hooks.
 */
export function startedForFile<T extends object>(what: string, start: () => Promise<T>, close: (it: T) => Promise<void>): T {
  let it: T | undefined;
  beforeAll(async () => {
    it = await start();
  });
  afterAll(async () => {
    if (it) await close(it);
    it = undefined;
  });
  return new Proxy({} as T, {
    get(_, key) {
      // `await x` and jest's printing probe these; a not-yet-started object has none of them.
      if (!it && (typeof key === "symbol" || key === "then" || key === "asymmetricMatch")) return undefined;
      if (!it) throw new Error(`the ${what} is started in beforeAll: use it inside tests and hooks`);
      const value = Reflect.get(it, key);
      return typeof value === "function" ? value.bind(it) : value;
    },
  });
}
