import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { packageSchema } from "../../provider/plugin/schema";

/**
 * The Python, Go, .NET and YAML programs in examples/native-*: what can be checked without the Pulumi CLI
 * and those toolchains. Each program's Pulumi.yaml parses and points `packages:` at the plugin directory;
 * every resource, argument type, property and output a program uses exists in the plugin's schema under
 * the name that language's SDK generator gives it (camelCase in YAML, snake_case in Python, PascalCase in
 * Go and C#); required inputs are set; the SDK import names match the schema's language settings; the
 * Python program compiles. Not checked here (no CLI, no Go or .NET toolchain): generating the SDKs
 * (`pulumi package add`), compiling the Go and C# programs, and running any of them.
 */
// js-yaml: the YAML parser @pulumi/pulumi itself depends on (it ships no types).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { load: loadYaml } = require("js-yaml") as { load(text: string): unknown };
const EXAMPLES = path.resolve(__dirname, "..", "..", "examples");
const schema = packageSchema() as any;
const resourceOf = (type: string) => schema.resources[`nylas-agents:index:${type}`] ?? (type === "Provider" ? schema.provider : undefined);
const typeOf = (name: string) => schema.types[`nylas-agents:index:${name}`];
const camel = (s: string) => (s.includes("_") ? s.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase()) : s[0].toLowerCase() + s.slice(1));
const read = (dir: string, file: string) => readFileSync(path.join(EXAMPLES, dir, file), "utf8");

/** Problems with one use: a resource (or `…Args` object type) and the properties a program sets on it. */
function checkUse(where: string, kind: "resource" | "args", name: string, props: string[], problems: string[]) {
  if (kind === "resource") {
    const r = resourceOf(name);
    if (!r) return void problems.push(`${where}: no resource ${name}`);
    const keys = props.map(camel);
    for (const k of keys) if (!(k in r.inputProperties)) problems.push(`${where}: ${name} has no input ${k}`);
    for (const k of r.requiredInputs ?? []) if (!keys.includes(k)) problems.push(`${where}: ${name} needs ${k}`);
  } else {
    const t = typeOf(name.replace(/Args$/, ""));
    if (!t) return void problems.push(`${where}: no type ${name}`);
    for (const k of props.map(camel)) if (!(k in t.properties)) problems.push(`${where}: ${name} has no property ${k}`);
  }
}

/** The text between the `{` that follows `index` and its matching `}`. */
function braced(text: string, index: number): string {
  const open = text.indexOf("{", index);
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "{") depth++;
    else if (text[i] === "}" && --depth === 0) return text.slice(open + 1, i);
  }
  throw new Error("unbalanced braces");
}

/** Field names assigned at the top level of a block (`Name: …,` in Go, `Name = …,` in C#). */
function fields(block: string, assign: ":" | "="): string[] {
  const out: string[] = [];
  let depth = 0;
  for (const line of block.split("\n")) {
    const m = depth === 0 ? new RegExp(`^\\s*([A-Z]\\w*)\\s*${assign}(?!=)`).exec(line) : null;
    if (m) out.push(m[1]);
    for (const c of line) depth += c === "{" || c === "(" ? 1 : c === "}" || c === ")" ? -1 : 0;
  }
  return out;
}

describe("examples/native-*", () => {
  it("has a Pulumi.yaml per program that parses and names the plugin directory under packages", () => {
    for (const dir of ["native-yaml", "native-python", "native-go", "native-dotnet"]) {
      const project = loadYaml(read(dir, "Pulumi.yaml")) as any;
      expect([dir, typeof project.name]).toEqual([dir, "string"]);
      const plugin = path.resolve(EXAMPLES, dir, project.packages["nylas-agents"]);
      expect(existsSync(path.join(plugin, "PulumiPlugin.yaml"))).toBe(true);
    }
  });

  it("YAML: every resource type, property, option and ${reference} exists", () => {
    const program = loadYaml(read("native-yaml", "Pulumi.yaml")) as any;
    const problems: string[] = [];
    const names = new Set(Object.keys(program.resources));
    for (const [name, r] of Object.entries<any>(program.resources)) {
      const type = r.type === "pulumi:providers:nylas-agents" ? "Provider" : r.type.replace(/^nylas-agents:index:/, "");
      checkUse(`resources.${name}`, "resource", type, Object.keys(r.properties ?? {}), problems);
      if (type === "Policy" && r.properties.limits) checkUse(`resources.${name}.limits`, "args", "PolicyLimits", Object.keys(r.properties.limits), problems);
      if (r.options?.provider) {
        const ref = /^\$\{(\w+)\}$/.exec(r.options.provider)?.[1];
        if (!ref || program.resources[ref]?.type !== "pulumi:providers:nylas-agents") problems.push(`resources.${name}: provider ${r.options.provider} is not a provider`);
      }
    }
    for (const [, ref, prop] of JSON.stringify(program).matchAll(/\$\{(\w+)(?:\.(\w+))?\}/g)) {
      if (names.has(ref)) {
        const r = resourceOf(program.resources[ref].type.replace(/^nylas-agents:index:/, ""));
        if (prop && prop !== "id" && !(prop in r.properties)) problems.push(`\${${ref}.${prop}}: no output ${prop}`);
      } else if (!(ref in program.config)) problems.push(`\${${ref}}: neither a resource nor config`);
    }
    expect(problems).toEqual([]);
    expect(program.config.salesAppPassword.secret).toBe(true);
  });

  it("Python: compiles, imports the SDK by the schema's package name, and uses only what the schema has", () => {
    const file = path.join(EXAMPLES, "native-python", "__main__.py");
    // Python's own parser lists every `nylas.X(...)` call with its keyword arguments, and `obj.attr` reads.
    const script = `
import ast, json, sys
tree = ast.parse(open(sys.argv[1]).read())
calls, attrs = [], []
for n in ast.walk(tree):
    if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and isinstance(n.func.value, ast.Name) and n.func.value.id == "nylas":
        calls.append([n.func.attr, [k.arg for k in n.keywords if k.arg != "opts"]])
    if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id != "nylas":
        attrs.append([n.value.id, n.attr])
imports = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
print(json.dumps({"calls": calls, "attrs": attrs, "imports": imports}))
`;
    const parsed = JSON.parse(execFileSync("python3", ["-c", script, file], { encoding: "utf8" }));
    expect(parsed.imports).toContain(schema.language.python.packageName);
    const problems: string[] = [];
    for (const [cls, kwargs] of parsed.calls) checkUse(`__main__.py ${cls}`, cls.endsWith("Args") ? "args" : "resource", cls, kwargs, problems);
    expect(problems).toEqual([]);
    expect(parsed.calls.map((c: string[]) => c[0])).toEqual(expect.arrayContaining(["Policy", "Workspace", "AgentAccount", "Webhook", "Provider"]));
    for (const [, attr] of parsed.attrs.filter(([obj]: string[]) => ["sales", "inbound"].includes(obj))) {
      expect([attr, camel(attr) in resourceOf(attr === "grant_id" ? "AgentAccount" : "Webhook").properties]).toEqual([attr, true]);
    }
    execFileSync("python3", ["-c", "import ast, sys; compile(open(sys.argv[1]).read(), sys.argv[1], 'exec')", file]);
  });

  it("Go: imports the SDK at the schema's importBasePath and uses only what the schema has", () => {
    const text = read("native-go", "main.go");
    expect(text).toContain(`nylas "${schema.language.go.importBasePath}"`);
    const problems: string[] = [];
    for (const m of text.matchAll(/nylas\.New(\w+)\(ctx, "[^"]+", &nylas\.(\w+)Args\{/g)) {
      expect(m[2]).toBe(m[1]);
      checkUse(`main.go New${m[1]}`, "resource", m[1], fields(braced(text, m.index!), ":"), problems);
    }
    for (const m of text.matchAll(/&nylas\.(Policy\w+Args)\{/g)) checkUse(`main.go ${m[1]}`, "args", m[1], fields(braced(text, m.index!), ":"), problems);
    for (const m of text.matchAll(/(sales|inbound)\.([A-Z]\w*)\b/g)) {
      if (!(camel(m[2]) in resourceOf(m[1] === "sales" ? "AgentAccount" : "Webhook").properties)) problems.push(`main.go ${m[0]}: no output`);
    }
    expect(problems).toEqual([]);
    expect([...text.matchAll(/nylas\.New(\w+)/g)].length).toBe(4);
  });

  it("C#: uses the schema's namespace and only what the schema has", () => {
    const text = read("native-dotnet", "Program.cs");
    expect(text).toContain(`using Nylas = ${schema.language.csharp.rootNamespace}.NylasAgents;`);
    const problems: string[] = [];
    for (const m of text.matchAll(/new Nylas\.(\w+)\("[^"]+", new Nylas\.(\w+)Args\s*\{/g)) {
      expect(m[2]).toBe(m[1]);
      checkUse(`Program.cs ${m[1]}`, "resource", m[1], fields(braced(text, m.index!), "="), problems);
    }
    for (const m of text.matchAll(/new Nylas\.Inputs\.(\w+Args)\s*\{/g)) checkUse(`Program.cs ${m[1]}`, "args", m[1], fields(braced(text, m.index!), "="), problems);
    for (const m of text.matchAll(/(sales|inbound)\.([A-Z]\w*)\b/g)) {
      if (!(camel(m[2]) in resourceOf(m[1] === "sales" ? "AgentAccount" : "Webhook").properties)) problems.push(`Program.cs ${m[0]}: no output`);
    }
    expect(problems).toEqual([]);
    expect([...text.matchAll(/new Nylas\.(\w+)\("/g)].length).toBe(4);
  });
});
