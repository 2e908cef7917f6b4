import { z } from "zod";
import type { ResourceDefinition } from "../lifecycle";
import { definitions } from "../registry";
import { CONFIG, PACKAGE, pluginMessage } from "./config";
import { declarations } from "./declarations.generated";
import { NATURAL_IMPORT_KEYS } from "./import";
import { PACKAGE_METADATA, PACKAGE_VERSION } from "./metadata";

/**
 * The plugin's Pulumi package schema, built from what the dynamic resources already declare: types,
 * required keys, enums and defaults from each definition's zod input schema; secrets and
 * replace-on-change from the definition; descriptions and output properties from the TypeScript
 * classes and their TSDoc (extracted at build time into declarations.generated.ts by
 * extract-declarations.ts). Every type in provider/registry.ts is a resource `nylas-agents:index:<Type>`.
 */

/** A type reference of the metaschema (`#/$defs/typeSpec`). */
export interface TypeSpec {
  type?: "string" | "number" | "integer" | "boolean" | "array" | "object";
  items?: TypeSpec;
  additionalProperties?: TypeSpec;
  $ref?: string;
  oneOf?: TypeSpec[];
}

export interface PropertySpec extends TypeSpec {
  description?: string;
  default?: string | number | boolean;
  secret?: boolean;
  replaceOnChanges?: boolean;
  willReplaceOnChanges?: boolean;
}

interface ObjectTypeSpec {
  type: "object";
  description?: string;
  properties: Record<string, PropertySpec>;
  required?: string[];
}

interface EnumTypeSpec {
  type: "string" | "number" | "integer" | "boolean";
  description?: string;
  enum: { value: string | number | boolean }[];
}

type ComplexTypeSpec = ObjectTypeSpec | EnumTypeSpec;

interface ResourceSpec {
  description?: string;
  inputProperties: Record<string, PropertySpec>;
  requiredInputs: string[];
  properties: Record<string, PropertySpec>;
  required: string[];
  type?: "object";
}

/** What extract-declarations.ts reads from the TypeScript sources. Input keys are dotted paths (`limits.limitCountDailyEmailSent`). */
export interface Declarations {
  resources: Record<
    string,
    {
      description?: string;
      inputs: Record<string, { description?: string; typeName?: string; type?: TypeSpec }>;
      outputs: Record<string, { description?: string; type: TypeSpec }>;
    }
  >;
  types: Record<string, { description?: string; properties: Record<string, { description?: string; type: TypeSpec }> }>;
}

export const token = (name: string) => `${PACKAGE}:index:${name}`;
const ref = (name: string): TypeSpec => ({ $ref: `#/types/${token(name)}` });
const ANY: TypeSpec = { $ref: "pulumi.json#/Any" };

/** The whole package schema (what GetSchema answers). */
export function packageSchema(decls: Declarations = declarations): Record<string, unknown> {
  const types: Record<string, ComplexTypeSpec> = {};
  const resources: Record<string, ResourceSpec> = {};
  for (const [type, def] of Object.entries(definitions)) resources[token(type)] = resourceSpec(type, def, decls, types);
  // Object types seen only in outputs (e.g. DnsRecord); a name the inputs already define keeps that definition.
  for (const [name, t] of Object.entries(decls.types)) {
    const properties: Record<string, PropertySpec> = {};
    for (const [k, p] of Object.entries(t.properties)) properties[k] = { ...p.type, ...(p.description ? { description: p.description } : {}) };
    types[token(name)] ??= { type: "object", ...(t.description ? { description: t.description } : {}), properties };
  }
  const region = CONFIG.region.enum!;
  types[token("Region")] = { type: "string", description: "A Nylas data region.", enum: region.map((value) => ({ value })) };
  const config = configProperties();
  return forPluginUsers({
    name: PACKAGE,
    displayName: PACKAGE_METADATA.displayName,
    version: PACKAGE_VERSION,
    description: PACKAGE_METADATA.description,
    keywords: [...PACKAGE_METADATA.keywords],
    homepage: PACKAGE_METADATA.homepage,
    license: PACKAGE_METADATA.license,
    repository: PACKAGE_METADATA.repository,
    publisher: PACKAGE_METADATA.publisher,
    ...(PACKAGE_METADATA.pluginDownloadURL ? { pluginDownloadURL: PACKAGE_METADATA.pluginDownloadURL } : {}),
    meta: { moduleFormat: "(.*)" },
    config: { variables: config },
    provider: {
      description: `The provider for one Nylas application (its API key, region and client settings). Every setting falls back to its environment variable; declare several providers to manage several applications or regions from one program.`,
      inputProperties: config,
      properties: config,
      requiredInputs: [],
      required: [],
      type: "object",
    },
    resources,
    types,
    language: {
      go: { importBasePath: `${PACKAGE_METADATA.repository.replace(/^https?:\/\//, "")}/sdk/go/nylasagents`, generateResourceContainerTypes: true },
      python: { packageName: "pulumi_nylas_agents", requires: { pulumi: ">=3.142.0,<4.0.0" } },
      csharp: { rootNamespace: "Pulumi", packageReferences: { Pulumi: "3.*" } },
      nodejs: { packageName: "@pulumi-nylas-agents/nylas-agents", dependencies: { "@pulumi/pulumi": "^3.142.0" } },
    },
  });
}

/** The TSDoc is written for the dynamic resources' `nylas:*` config keys; plugin users set `nylas-agents:*`. */
function forPluginUsers<T>(v: T): T {
  if (Array.isArray(v)) return v.map(forPluginUsers) as T;
  if (v === null || typeof v !== "object") return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = k === "description" && typeof x === "string" ? pluginMessage(x) : forPluginUsers(x);
  return out as T;
}

function configProperties(): Record<string, PropertySpec> {
  const out: Record<string, PropertySpec> = {};
  for (const [key, c] of Object.entries(CONFIG)) {
    out[key] = {
      ...(c.enum ? ref("Region") : { type: c.type }),
      description: `${c.description} Falls back to \`${c.env}\`.`,
      ...(c.secret ? { secret: true } : {}),
    };
  }
  return out;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function resourceSpec(type: string, def: ResourceDefinition<any, any>, decls: Declarations, types: Record<string, ComplexTypeSpec>): ResourceSpec {
  const decl = decls.resources[type] ?? { inputs: {}, outputs: {} };
  const json = z.toJSONSchema(def.inputs, { io: "input", unrepresentable: "any" }) as JsonSchema;
  const converter = new Converter(type, decl.inputs, types);
  const replaces = new Set(def.replaceOnChange ?? []);
  const marks = (key: string, secret: boolean): Partial<PropertySpec> => ({
    ...(secret ? { secret: true } : {}),
    ...(replaces.has(key) ? { replaceOnChanges: true, willReplaceOnChanges: true } : {}),
  });

  const inputProperties: Record<string, PropertySpec> = {};
  for (const [key, js] of Object.entries(json.properties ?? {})) {
    inputProperties[key] = { ...converter.property(js, [key]), ...marks(key, def.secretInputs?.includes(key) ?? false) };
  }
  inputProperties.adopt = {
    oneOf: [{ type: "string" }, { type: "boolean" }],
    description:
      decl.inputs.adopt?.description ??
      "Take over an existing object instead of creating one: its id, or `true` to find it by its natural key.",
  };

  const properties: Record<string, PropertySpec> = {};
  for (const [key, out] of Object.entries(decl.outputs)) {
    const input = inputProperties[key];
    const description = out.description ?? input?.description;
    properties[key] = {
      ...(input ? stripMarks(input) : out.type),
      ...(description ? { description } : {}),
      ...marks(key, def.secretOutputs?.includes(key) ?? false),
    };
  }
  // The auto-named input is required once Check has filled it in, not of the program.
  const requiredInputs = (json.required ?? []).filter((k) => k in inputProperties && k !== def.autoName);
  return {
    description: resourceDescription(type, decl.description),
    inputProperties,
    requiredInputs,
    properties,
    // Only what is always reported: the required inputs (outputs are shaped like inputs), the auto-named
    // one among them. Nylas may leave the rest out.
    required: (json.required ?? []).filter((k) => k in inputProperties && k in properties),
    type: "object",
  };
}

function stripMarks(p: PropertySpec): PropertySpec {
  const { secret: _s, replaceOnChanges: _r, willReplaceOnChanges: _w, default: _d, description: _desc, ...rest } = p;
  return rest;
}

function resourceDescription(type: string, description: string | undefined): string {
  const key = NATURAL_IMPORT_KEYS[type];
  const id = key ? `<id | ${key.input}>` : "<id>";
  const importDoc = `## Import\n\nAn existing object is imported by its id${key ? ` or its \`${key.input}\`` : ""}:\n\n\`\`\`sh\n$ pulumi import ${token(type)} <name> ${id}\n\`\`\``;
  return [description, importDoc].filter(Boolean).join("\n\n");
}

/** The subset of JSON Schema that zod's `toJSONSchema` emits for these schemas. */
interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  enum?: (string | number | boolean)[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  default?: unknown;
  [key: string]: unknown;
}

const pascal = (s: string) => s.replace(/(^|[^A-Za-z0-9])([A-Za-z0-9])/g, (_m, _sep, c: string) => c.toUpperCase());

/** JSON Schema (zod's) → Pulumi type references, registering object and enum types as it meets them. */
class Converter {
  constructor(
    private readonly type: string,
    private readonly inputs: Declarations["resources"][string]["inputs"],
    private readonly types: Record<string, ComplexTypeSpec>,
  ) {}

  /** A property at `path`, of the type named `owner` (the resource itself at the top level). */
  property(js: JsonSchema, path: string[], owner = this.type): PropertySpec {
    const decl = this.inputs[path.join(".")];
    const isDefault = typeof js.default === "string" || typeof js.default === "number" || typeof js.default === "boolean";
    return {
      ...this.typeOf(js, path, owner),
      ...(decl?.description ? { description: decl.description } : {}),
      ...(isDefault ? { default: js.default as string | number | boolean } : {}),
    };
  }

  /** `owner`: the name of the type the property belongs to (enum names are `<owner><Property>`). */
  private typeOf(js: JsonSchema, path: string[], owner: string, arrayItem = false): TypeSpec {
    const declared = this.inputs[path.join(".")];
    const last = path[path.length - 1];
    if (js.enum && js.enum.length > 0) {
      const name = `${owner}${pascal(arrayItem ? last.replace(/s$/, "") : last)}`;
      const primitive = typeof js.enum[0] === "number" ? "number" : typeof js.enum[0] === "boolean" ? "boolean" : "string";
      this.types[token(name)] ??= { type: primitive, enum: js.enum.map((value) => ({ value })) };
      return ref(name);
    }
    const branches = js.anyOf ?? js.oneOf ?? (Array.isArray(js.type) ? js.type.map((t) => ({ type: t })) : undefined);
    if (branches) {
      const specs = branches.map((b) => this.typeOf(b, path, owner, arrayItem));
      return specs.length === 1 ? specs[0] : { oneOf: specs };
    }
    switch (js.type) {
      case "string":
      case "number":
      case "integer":
      case "boolean":
        return { type: js.type };
      case "array":
        return { type: "array", items: js.items ? this.typeOf(js.items, path, owner, true) : ANY };
      case "object": {
        if (!js.properties) {
          const values = typeof js.additionalProperties === "object" ? this.typeOf(js.additionalProperties, path, owner) : ANY;
          return { type: "object", additionalProperties: values };
        }
        const name = declared?.typeName ?? `${this.type}${path.map(pascal).join("")}`;
        const properties: Record<string, PropertySpec> = {};
        this.types[token(name)] = { type: "object", properties, ...(js.required?.length ? { required: js.required } : {}) };
        for (const [k, p] of Object.entries(js.properties)) properties[k] = this.property(p, [...path, k], name);
        return ref(name);
      }
      default:
        if (typeof js.const === "string" || typeof js.const === "number" || typeof js.const === "boolean") {
          return { type: typeof js.const === "number" ? "number" : (typeof js.const as "string" | "boolean") };
        }
        // zod's "unrepresentable" (z.unknown()): the TypeScript declaration says more, when it says anything.
        return declared?.type ?? ANY;
    }
  }
}
