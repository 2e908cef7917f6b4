import { writeFileSync } from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { definitions } from "../registry";
import type { Declarations, TypeSpec } from "./schema";

/**
 * Build tool, not loaded by the plugin: reads what the TypeScript sources say about each resource type in
 * provider/registry.ts — the exported class of the same name, its TSDoc, its `XxxArgs` interface (and the
 * nested `…Args` interfaces) and its declared `pulumi.Output<T>` properties — and writes
 * declarations.generated.ts, which schema.ts combines with the zod schemas. Run
 * `npm run plugin:declarations` after changing a resource's TSDoc or outputs; a test fails while the
 * generated file is stale.
 */

const ANY: TypeSpec = { $ref: "pulumi.json#/Any" };
const ref = (name: string): TypeSpec => ({ $ref: `#/types/nylas-agents:index:${name}` });

export function extractDeclarations(root: string): Declarations {
  const configPath = path.join(root, "tsconfig.json");
  const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, ts.sys.readFile).config, ts.sys, root);
  const entry = path.join(root, "provider", "index.ts");
  const program = ts.createProgram([entry], { ...parsed.options, noEmit: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  if (!source) throw new Error(`cannot read ${entry}`);
  const exports = checker.getExportsOfModule(checker.getSymbolAtLocation(source)!);
  const out: Declarations = { resources: {}, types: {} };
  const reader = new Reader(checker, out.types);

  for (const type of Object.keys(definitions)) {
    const exported = exports.find((s) => s.name === type);
    if (!exported) throw new Error(`provider/index.ts exports no class ${type} (registry type ${type})`);
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const cls = symbol.declarations?.find(ts.isClassDeclaration);
    if (!cls) throw new Error(`${type} is not a class`);
    const inputs: Declarations["resources"][string]["inputs"] = {};
    const ctor = cls.members.find(ts.isConstructorDeclaration);
    const argsNode = ctor?.parameters[1]?.type;
    if (argsNode) reader.args(argsNode, [], inputs);
    const outputs: Declarations["resources"][string]["outputs"] = {};
    for (const member of cls.members) {
      if (!ts.isPropertyDeclaration(member) || !ts.isIdentifier(member.name) || !member.type) continue;
      const inner = outputOf(member.type);
      if (!inner) continue;
      const description = reader.doc(checker.getSymbolAtLocation(member.name));
      outputs[member.name.text] = { ...(description ? { description } : {}), type: reader.typeOfNode(inner) };
    }
    const description = reader.doc(symbol);
    out.resources[type] = { ...(description ? { description } : {}), inputs, outputs };
  }
  return out;
}

/** `pulumi.Output<T>` → `T`. */
function outputOf(node: ts.TypeNode): ts.TypeNode | undefined {
  if (ts.isTypeReferenceNode(node) && lastName(node.typeName) === "Output" && node.typeArguments?.length === 1) return node.typeArguments[0];
  return undefined;
}

function lastName(name: ts.EntityName): string {
  return ts.isIdentifier(name) ? name.text : name.right.text;
}

class Reader {
  constructor(
    private readonly checker: ts.TypeChecker,
    private readonly types: Declarations["types"],
  ) {}

  /** TSDoc of a symbol as Markdown: `{@link X}` becomes `X`, `@default v` becomes "Default: v." */
  doc(symbol: ts.Symbol | undefined): string | undefined {
    if (!symbol) return undefined;
    let text = ts.displayPartsToString(symbol.getDocumentationComment(this.checker)).trim();
    for (const tag of symbol.getJsDocTags(this.checker)) {
      if (tag.name !== "default") continue;
      const v = ts.displayPartsToString(tag.text).trim();
      if (v) text += `${text ? " " : ""}Default: ${v.replace(/\.?$/, ".")}`;
    }
    text = text.replace(/\{@link\s+([^}\s|]+)[^}]*\}/g, "`$1`").replace(/\s*\n\s*/g, (m) => (/\n\s*\n/.test(m) ? "\n\n" : " "));
    return text || undefined;
  }

  /** Descriptions (and nested `…Args` type names) of an `XxxArgs` type, keyed by dotted path. */
  args(node: ts.TypeNode, prefix: string[], out: Declarations["resources"][string]["inputs"]): void {
    const type = this.checker.getTypeFromTypeNode(node);
    for (const prop of type.getProperties()) {
      const decl = prop.declarations?.find(ts.isPropertySignature);
      const key = [...prefix, prop.name];
      const description = this.doc(prop);
      const typeNode = decl?.type;
      const nested = typeNode ? argsInterface(unwrapInput(typeNode)) : undefined;
      out[key.join(".")] = {
        ...(description ? { description } : {}),
        ...(nested ? { typeName: nested.name.replace(/Args$/, "") } : {}),
        ...(typeNode ? { type: this.inputTypeOfNode(typeNode) } : {}),
      };
      if (nested) this.args(nested.node, key, out);
    }
  }

  /** The schema type of an input's TypeScript declaration, `pulumi.Input` wrappers removed. */
  private inputTypeOfNode(node: ts.TypeNode): TypeSpec {
    const inner = unwrapInput(node);
    const nested = argsInterface(inner);
    if (nested) return inner.kind === ts.SyntaxKind.ArrayType ? { type: "array", items: ref(nested.name.replace(/Args$/, "")) } : ref(nested.name.replace(/Args$/, ""));
    return this.typeOfNode(inner, true);
  }

  /** The schema type of a TypeScript type node (output types; input types with `input`). */
  typeOfNode(node: ts.TypeNode, input = false): TypeSpec {
    if (input && ts.isTypeReferenceNode(node) && lastName(node.typeName) === "Input" && node.typeArguments?.length === 1) {
      return this.typeOfNode(node.typeArguments[0], input);
    }
    if (ts.isParenthesizedTypeNode(node)) return this.typeOfNode(node.type, input);
    if (ts.isArrayTypeNode(node)) return { type: "array", items: this.typeOfNode(node.elementType, input) };
    if (ts.isUnionTypeNode(node)) {
      const members = node.types.filter((t) => t.kind !== ts.SyntaxKind.UndefinedKeyword && !(ts.isLiteralTypeNode(t) && t.literal.kind === ts.SyntaxKind.NullKeyword));
      const specs = dedupe(members.map((m) => this.typeOfNode(m, input)));
      return specs.length === 1 ? specs[0] : { oneOf: specs };
    }
    if (ts.isTypeReferenceNode(node) && !node.typeArguments) {
      // A named type (interface or alias) of the sources: an object type of the schema, by that name.
      const type = this.checker.getTypeFromTypeNode(node);
      if (type.flags & ts.TypeFlags.Object && !this.checker.isArrayType(type)) return this.named(lastName(node.typeName), type);
    }
    return this.typeOfType(this.checker.getTypeFromTypeNode(node));
  }

  private typeOfType(type: ts.Type): TypeSpec {
    if (type.flags & (ts.TypeFlags.String | ts.TypeFlags.StringLiteral)) return { type: "string" };
    if (type.flags & (ts.TypeFlags.Number | ts.TypeFlags.NumberLiteral)) return { type: "number" };
    if (type.flags & (ts.TypeFlags.Boolean | ts.TypeFlags.BooleanLiteral)) return { type: "boolean" };
    if (type.isUnion()) {
      const members = type.types.filter((t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)));
      const specs = dedupe(members.map((m) => this.typeOfType(m)));
      return specs.length === 1 ? specs[0] : { oneOf: specs };
    }
    if (this.checker.isArrayType(type)) {
      const [item] = this.checker.getTypeArguments(type as ts.TypeReference);
      return { type: "array", items: item ? this.typeOfType(item) : ANY };
    }
    if (type.flags & ts.TypeFlags.Object) {
      const name = type.aliasSymbol?.name ?? type.getSymbol()?.name;
      const index = type.getStringIndexType();
      if (index && type.getProperties().length === 0) return { type: "object", additionalProperties: this.typeOfType(index) };
      if (name && !name.startsWith("__")) return this.named(name, type);
    }
    return ANY;
  }

  /** Registers the object type `name` (once) and refers to it. */
  private named(name: string, type: ts.Type): TypeSpec {
    if (!this.types[name]) {
      const properties: Declarations["types"][string]["properties"] = {};
      this.types[name] = { properties };
      for (const prop of type.getProperties()) {
        const description = this.doc(prop);
        properties[prop.name] = { ...(description ? { description } : {}), type: this.typeOfType(this.checker.getTypeOfSymbol(prop)) };
      }
    }
    return ref(name);
  }
}

/** `pulumi.Input<X>`, `pulumi.Input<X>[]` and `pulumi.Input<pulumi.Input<X>[]>` → `X` or `X[]`. */
function unwrapInput(node: ts.TypeNode): ts.TypeNode {
  for (;;) {
    if (ts.isTypeReferenceNode(node) && lastName(node.typeName) === "Input" && node.typeArguments?.length === 1) node = node.typeArguments[0];
    else if (ts.isArrayTypeNode(node)) {
      const el = unwrapInput(node.elementType);
      return el === node.elementType ? node : ts.factory.createArrayTypeNode(el);
    } else return node;
  }
}

/** The `…Args` interface a (possibly array) type node names, if it does. */
function argsInterface(node: ts.TypeNode): { name: string; node: ts.TypeNode } | undefined {
  const el = ts.isArrayTypeNode(node) ? node.elementType : node;
  if (ts.isTypeReferenceNode(el) && /Args$/.test(lastName(el.typeName))) return { name: lastName(el.typeName), node: el };
  return undefined;
}

function dedupe(specs: TypeSpec[]): TypeSpec[] {
  const seen = new Set<string>();
  return specs.filter((s) => {
    const k = JSON.stringify(s);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function generatedSource(decls: Declarations): string {
  return (
    "// Generated by provider/plugin/extract-declarations.ts from the TypeScript sources (`npm run plugin:declarations`). Do not edit.\n" +
    'import type { Declarations } from "./schema";\n\n' +
    `export const declarations: Declarations = ${JSON.stringify(decls, null, 2)};\n`
  );
}

if (require.main === module) {
  // Compiled to dist/provider/plugin/: the repository root is three levels up; the output goes to the sources.
  const root = path.resolve(__dirname, "..", "..", "..");
  const file = path.join(root, "provider", "plugin", "declarations.generated.ts");
  writeFileSync(file, generatedSource(extractDeclarations(root)));
  console.log(`wrote ${path.relative(root, file)}`);
}
