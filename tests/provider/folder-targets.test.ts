import { recordRegistrations } from "../harness/mocks";

/**
 * A Rule whose assign_to_folder names a path no declared Folder (nor Policy additionalFolders, nor a
 * system folder) matches gets a warning at preview — computed in the program from declared inputs,
 * with no API call (the mocks stand in for the engine: nothing reaches a provider at all).
 */
describe("Rule assign_to_folder is checked against the program's declared folders", () => {
  /** A fresh module registry per test: the declarations are per program. */
  async function program(declare: (nylas: typeof import("../../provider"), pulumi: typeof import("@pulumi/pulumi")) => void): Promise<string[]> {
    let warnings: string[] = [];
    await new Promise<void>((done, fail) => {
      jest.isolateModules(() => {
        (async () => {
          await recordRegistrations();
          const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
          const spy = jest.spyOn(pulumi.log, "warn").mockImplementation(async (m: string) => void warnings.push(m));
          declare(require("../../provider"), pulumi);
          // Registrations settle, then the check runs after the turn.
          await new Promise((r) => setTimeout(r, 200));
          spy.mockRestore();
        })().then(done, fail);
      });
    });
    warnings = warnings.filter((w) => w.startsWith("Rule "));
    return warnings;
  }
  const rule = (nylas: typeof import("../../provider"), name: string, folder: unknown) =>
    new nylas.Rule(name, {
      name,
      match: { conditions: [{ field: "from.domain", operator: "is", value: "acme.example" }] },
      actions: [{ type: "assign_to_folder", value: folder as string }, { type: "mark_as_read" }],
    });

  it("is quiet when a Folder declares the path (also declared after the rule, or referenced by output), or it is a system folder", async () => {
    const warnings = await program((nylas) => {
      const acct = new nylas.AgentAccount("a", { email: "a@agents.example.com" });
      rule(nylas, "before", "Clients/Acme");
      new nylas.Folder("acme", { grantId: acct.grantId, path: "Clients/Acme" });
      const invoices = new nylas.Folder("invoices", { grantId: acct.grantId, path: "Invoices" });
      rule(nylas, "by-output", invoices.path);
      rule(nylas, "system", "Archive");
      new nylas.Policy("p", { name: "p", options: { additionalFolders: ["Receipts"] } });
      rule(nylas, "policy-folder", "Receipts");
    });
    expect(warnings).toEqual([]);
  });

  it("warns once per rule and path that nothing declares, suggesting a near one", async () => {
    const warnings = await program((nylas) => {
      const acct = new nylas.AgentAccount("a", { email: "a@agents.example.com" });
      new nylas.Folder("acme", { grantId: acct.grantId, path: "Clients/Acme" });
      rule(nylas, "typo", "Clients/Acmee");
      rule(nylas, "unknown", "Vendors");
      rule(nylas, "case", "clients/acme");
    });
    expect(warnings).toEqual([
      'Rule "typo" files mail into folder "Clients/Acmee", but no Folder (or Policy options.additionalFolders) in this program declares that path and it is not a system folder (did you mean "Clients/Acme"?): Nylas skips the action when the folder does not exist in the account. Declare a Folder for it in each account the rule applies to (an existing folder is taken over and left in place on destroy), or ignore this if the folder is made outside this program',
      'Rule "unknown" files mail into folder "Vendors", but no Folder (or Policy options.additionalFolders) in this program declares that path and it is not a system folder: Nylas skips the action when the folder does not exist in the account. Declare a Folder for it in each account the rule applies to (an existing folder is taken over and left in place on destroy), or ignore this if the folder is made outside this program',
      'Rule "case" files mail into folder "clients/acme", but the folder is declared as "Clients/Acme": whether Nylas matches folder names case-sensitively is not documented — write the path exactly as the Folder declares it',
    ]);
  });

  it("says nothing while a declared path is unknown (preview of a computed path)", async () => {
    const warnings = await program((nylas) => {
      const acct = new nylas.AgentAccount("a", { email: "a@agents.example.com" });
      // Pulumi's own unknown value: what a path computed from a resource not yet created is at preview.
      const outputs = require("@pulumi/pulumi/output");
      new nylas.Folder("computed", { grantId: acct.grantId, path: outputs.output(outputs.unknown) });
      rule(nylas, "waits", "Somewhere");
    });
    expect(warnings).toEqual([]);
  });
});
