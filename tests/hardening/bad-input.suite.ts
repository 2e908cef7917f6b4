import { CheckFailedError, secret } from "../../provider/offline/engine";
import type { TestStack } from "../harness/stack";
import { ACCEPTED, CATALOG, type BadInput } from "./bad-input.catalog";
import { failure } from "./support";

/**
 * Bad input is refused in `check` — before any API call — with one failure per mistake whose message
 * names the property, shows the value (secrets masked) and says what is allowed; the catalogue's valid
 * edge cases pass. Written once for every front door: bad-input.test.ts runs it on the dynamic-provider
 * host, tests/plugin/matrix.test.ts through the native plugin. `stack` is read only inside tests (a
 * `useStack` stack).
 */
export function refusesTheCatalog(stack: TestStack): void {
  /** The class marks appPassword secret (pulumi.secret), so the engine passes it as one. */
  const asProgram = (c: { type: string; inputs: Record<string, unknown> }) =>
    c.type === "AgentAccount" && "appPassword" in c.inputs ? { ...c.inputs, appPassword: secret(c.inputs.appPassword) } : c.inputs;

  it("covers at least 100 cases across every resource", () => {
    expect(CATALOG.length).toBeGreaterThanOrEqual(100);
    expect([...new Set(CATALOG.map((c) => c.type))].sort()).toEqual(["AgentAccount", "DefaultWorkspace", "Domain", "Folder", "List", "Policy", "Rule", "Webhook", "Workspace"]);
    const titles = CATALOG.map((c) => `${c.type} ${c.title}`);
    expect(new Set(titles).size).toBe(titles.length);
  });

  it.each(CATALOG.map((c, i) => [`${c.class}: ${c.type} ${c.title}`, c, i] as [string, BadInput, number]))("refuses %s", async (_label, c, i) => {
    await stack.control.clearRequests();
    const err = await failure(() => stack.engine.up(c.type, `bad-${i}`, asProgram(c)));
    expect(err).toBeInstanceOf(CheckFailedError);
    expect((err as CheckFailedError).failures).toEqual(c.failures);
    // Each message names its property and shows the value (or says it is missing / masked).
    for (const f of c.failures) expect(f.reason.startsWith(f.property)).toBe(true);
    // A password is never echoed, even in part.
    const pw = c.inputs.appPassword;
    if (typeof pw === "string" && pw.length >= 4) expect(err.message).not.toContain(pw);
    expect(await stack.control.requests()).toEqual([]);
    expect(stack.engine.get(c.type, `bad-${i}`)).toBeUndefined();
  });

  it.each(ACCEPTED.map((c) => [`${c.type} ${c.title}`, c] as const))("accepts %s (no failure, no API call)", async (_label, c) => {
    await stack.control.clearRequests();
    expect(await stack.engine.preview(c.type, "edge", asProgram(c))).toEqual({ op: "create", replaces: [] });
    expect(await stack.control.requests()).toEqual([]);
  });
}
