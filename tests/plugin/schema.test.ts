import { readFileSync } from "node:fs";
import * as path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { definitions } from "../../provider/registry";
import { packageSchema, token } from "../../provider/plugin/schema";
import { declarations } from "../../provider/plugin/declarations.generated";
import { extractDeclarations, generatedSource } from "../../provider/plugin/extract-declarations";
import { CONFIG, settingKeys } from "../../provider/plugin/config";
import { NATURAL_IMPORT_KEYS } from "../../provider/plugin/import";
import { PLUGIN_DIR, PluginHost } from "../../provider/offline/plugin-host";

/**
 * The plugin's package schema against the rules of Pulumi's package metaschema
 * (pkg/codegen/schema/pulumi.json in pulumi/pulumi, vendored beside this file from commit 1b5949891b,
 * Apache-2.0): validated with a JSON Schema 2020-12 validator, and its key rules — token patterns and
 * the required fields of each kind of type — encoded here as well, so a violation names the rule. Type
 * references are resolved too (the metaschema alone does not: Pulumi's binder does).
 */
const ROOT = path.resolve(__dirname, "..", "..");
const META = JSON.parse(readFileSync(path.join(__dirname, "pulumi-package-metaschema.json"), "utf8"));

/** From the metaschema: `properties.name.pattern` and `$defs.token.pattern`. */
const NAME = /^[a-zA-Z][-a-zA-Z0-9_]*$/;
const TOKEN = /^[a-zA-Z][-a-zA-Z0-9_]*:([^0-9][a-zA-Z0-9._/-]*)?:[^0-9][a-zA-Z0-9._/]*$/;
const SEMVER = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
const PRIMITIVES = ["boolean", "integer", "number", "string"];

describe("the plugin's package schema", () => {
  const schema = packageSchema() as any;

  it("validates against Pulumi's package metaschema (JSON Schema 2020-12)", () => {
    expect(META.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(META);
    const ok = validate(schema);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it("follows the metaschema's rules: name, version, tokens, and the required fields of every type", () => {
    expect(META.required).toEqual(["name"]);
    expect(META.properties.name.pattern).toBe(NAME.source);
    expect(META.$defs.token.pattern).toBe(TOKEN.source);
    expect(schema.name).toMatch(NAME);
    expect(schema.version).toMatch(SEMVER);
    for (const tok of [...Object.keys(schema.resources), ...Object.keys(schema.types)]) expect(tok).toMatch(TOKEN);

    const problems: string[] = [];
    /** A typeSpec is exactly one of: primitive (type only), array (type + items), map (type object), $ref, or union (oneOf ≥ 2). */
    const typeSpec = (where: string, t: any) => {
      if (t.$ref !== undefined) {
        if (t.items || t.additionalProperties || t.oneOf) problems.push(`${where}: a $ref has nothing else`);
      } else if (t.oneOf !== undefined) {
        if (!Array.isArray(t.oneOf) || t.oneOf.length < 2) problems.push(`${where}: oneOf needs at least 2 types`);
        t.oneOf.forEach((b: any, i: number) => typeSpec(`${where}.oneOf[${i}]`, b));
      } else if (t.type === "array") {
        if (!t.items) problems.push(`${where}: an array needs items`);
        else typeSpec(`${where}.items`, t.items);
      } else if (t.type === "object") {
        if (t.items) problems.push(`${where}: a map has no items`);
        if (t.additionalProperties) typeSpec(`${where}.additionalProperties`, t.additionalProperties);
      } else if (!PRIMITIVES.includes(t.type)) problems.push(`${where}: type ${JSON.stringify(t.type)} is not a type`);
    };
    const properties = (where: string, props: Record<string, any>) => {
      for (const [k, p] of Object.entries(props ?? {})) {
        typeSpec(`${where}.${k}`, p);
        if (p.default !== undefined && !["boolean", "number", "string"].includes(typeof p.default)) problems.push(`${where}.${k}: default must be a primitive`);
      }
    };
    const resource = (where: string, r: any) => {
      properties(`${where}.inputProperties`, r.inputProperties);
      properties(`${where}.properties`, r.properties);
      for (const k of r.requiredInputs ?? []) if (!(k in r.inputProperties)) problems.push(`${where}: required input ${k} is not an input`);
      for (const k of r.required ?? []) if (!(k in r.properties)) problems.push(`${where}: required ${k} is not a property`);
    };
    resource("provider", schema.provider);
    for (const [tok, r] of Object.entries<any>(schema.resources)) resource(tok, r);
    properties("config.variables", schema.config.variables);
    for (const [tok, t] of Object.entries<any>(schema.types)) {
      if (t.type === "object") {
        properties(tok, t.properties);
        for (const k of t.required ?? []) if (!(k in t.properties)) problems.push(`${tok}: required ${k} is not a property`);
      } else {
        // enumTypeSpec: required type and enum; each value has `value`, of the underlying type.
        if (!PRIMITIVES.includes(t.type)) problems.push(`${tok}: an enum's type must be a primitive`);
        if (!Array.isArray(t.enum) || t.enum.length === 0) problems.push(`${tok}: an enum needs values`);
        for (const v of t.enum ?? []) if (v.value === undefined || typeof v.value !== (t.type === "integer" ? "number" : t.type)) problems.push(`${tok}: bad enum value ${JSON.stringify(v)}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("resolves every type reference", () => {
    const refs: string[] = [];
    const walk = (v: unknown) => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === "object") {
        for (const [k, x] of Object.entries(v)) {
          if (k === "$ref" && typeof x === "string") refs.push(x);
          else walk(x);
        }
      }
    };
    walk(schema);
    expect(refs.length).toBeGreaterThan(10);
    const unresolved = refs.filter((r) => {
      if (r === "pulumi.json#/Any" || r === "pulumi.json#/Archive" || r === "pulumi.json#/Asset") return false;
      const m = /^#\/(types|resources)\/(.+)$/.exec(r);
      return !m || !(m[2] in schema[m[1]]);
    });
    expect(unresolved).toEqual([]);
    // And nothing defined that nothing uses.
    const used = new Set(refs.map((r) => r.replace(/^#\/types\//, "")));
    expect(Object.keys(schema.types).filter((t) => !used.has(t))).toEqual([]);
  });

  it("has every registry type as nylas-agents:index:<Type>, with required, secret and replace-on-change from its definition", () => {
    expect(Object.keys(schema.resources).sort()).toEqual(Object.keys(definitions).map(token).sort());
    for (const [type, def] of Object.entries(definitions)) {
      const r = schema.resources[token(type)];
      const shape = Object.keys(def.inputs.shape);
      expect(Object.keys(r.inputProperties).sort()).toEqual([...shape, "adopt"].sort());
      const required = shape.filter((k) => !(def.inputs.shape[k] as any).safeParse(undefined).success);
      // The auto-named input is required of Check's result, not of the program.
      expect([...r.requiredInputs].sort()).toEqual(required.filter((k) => k !== def.autoName).sort());
      if (def.autoName) expect(r.required).toContain(def.autoName);
      for (const k of def.secretInputs ?? []) expect(r.inputProperties[k].secret).toBe(true);
      for (const k of def.secretOutputs ?? []) expect(r.properties[k]).toMatchObject({ secret: true });
      for (const k of def.replaceOnChange ?? []) {
        expect(r.inputProperties[k]).toMatchObject({ replaceOnChanges: true, willReplaceOnChanges: true });
        expect(r.properties[k]).toMatchObject({ replaceOnChanges: true });
      }
      const replacing = Object.entries<any>(r.inputProperties).filter(([, p]) => p.replaceOnChanges).map(([k]) => k);
      expect([...replacing].sort()).toEqual([...(def.replaceOnChange ?? [])].sort());
      expect(r.description).toContain(`pulumi import ${token(type)}`);
    }
  });

  it("carries the TSDoc: every input and output described, enums from the zod schemas", () => {
    const undescribed: string[] = [];
    for (const [tok, r] of Object.entries<any>(schema.resources)) {
      if (!r.description) undescribed.push(tok);
      for (const [k, p] of Object.entries<any>(r.inputProperties)) if (!p.description) undescribed.push(`${tok} input ${k}`);
    }
    expect(undescribed).toEqual([]);
    expect(schema.resources[token("Policy")].inputProperties.name.description).toBe(
      "Display name, 1–256 characters. Updates in place. Default: the resource's logical name (through the native plugin: as `pulumi:autonaming` says).",
    );
    expect(schema.types[token("PolicyLimits")].properties.limitCountDailyEmailSent).toEqual({ type: "integer", description: "Messages each account may send per day; `-1` = unlimited." });
    expect(schema.types[token("ListType")]).toEqual({ type: "string", enum: [{ value: "domain" }, { value: "tld" }, { value: "address" }] });
    expect(schema.resources[token("Webhook")].inputProperties.compressedDelivery).toMatchObject({ type: "boolean", default: false });
    // A zod `unknown` (a rule condition's value) takes its type from the TypeScript declaration.
    expect(schema.types[token("RuleCondition")].properties.value.oneOf).toEqual([{ type: "string" }, { type: "array", items: { type: "string" } }]);
    // Outputs seen only in the classes: typed from their declarations.
    expect(schema.resources[token("Domain")].properties.dnsRecords).toMatchObject({ type: "array", items: { $ref: `#/types/${token("DnsRecord")}` } });
    // Plugin users configure `nylas-agents:*`, so descriptions never send them to the dynamic `nylas:*` keys.
    expect(JSON.stringify(schema)).not.toMatch(/\bnylas:[a-zA-Z]/);
    const ids = Object.entries(NATURAL_IMPORT_KEYS).map(([type, k]) => [type, schema.resources[token(type)].description.includes(`\`${k.input}\``)]);
    expect(ids.every(([, has]) => has)).toBe(true);
  });

  it("has the package metadata the Pulumi Registry expects, and the provider's config with env fallbacks", () => {
    expect(schema).toMatchObject({ displayName: expect.any(String), description: expect.any(String), publisher: expect.any(String), repository: expect.stringMatching(/^https:\/\//) });
    expect(schema.keywords).toEqual(expect.arrayContaining(["kind/native", expect.stringMatching(/^category\//)]));
    expect(schema.version).toBe(JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).version);
    expect(Object.keys(schema.config.variables).sort()).toEqual(Object.keys(CONFIG).sort());
    expect(schema.provider.inputProperties.apiKey).toMatchObject({ type: "string", secret: true });
    expect(schema.provider.inputProperties.serviceAccount).toMatchObject({ secret: true });
    expect(schema.provider.inputProperties.domainsApiKey).toMatchObject({ type: "string", secret: true });
    expect(schema.provider.inputProperties.apiKey.description).toContain("NYLAS_API_KEY");
    expect(schema.provider.inputProperties.region).toMatchObject({ $ref: `#/types/${token("Region")}` });
  });

  it("describes exactly the settings provider/settings.ts reads", () => {
    expect(Object.keys(CONFIG).sort()).toEqual(settingKeys().sort());
  });

  it("is served by the plugin over GetSchema, identical to the one built here", async () => {
    const host = await PluginHost.start();
    try {
      expect(await host.schema()).toEqual(JSON.parse(JSON.stringify(schema)));
    } finally {
      await host.stop();
    }
  });

  it("uses TSDoc and output types that are current (declarations.generated.ts is regenerated from the sources)", () => {
    const fresh = extractDeclarations(ROOT);
    expect(fresh).toEqual(declarations);
    expect(generatedSource(fresh)).toBe(readFileSync(path.join(ROOT, "provider", "plugin", "declarations.generated.ts"), "utf8"));
  });

  it("ships a plugin directory Pulumi can run: PulumiPlugin.yaml with runtime nodejs, package.json main at the compiled server", () => {
    const yaml = readFileSync(path.join(PLUGIN_DIR, "PulumiPlugin.yaml"), "utf8");
    expect(yaml).toMatch(/^runtime:\s*nodejs\s*$/m);
    const pkg = JSON.parse(readFileSync(path.join(PLUGIN_DIR, "package.json"), "utf8"));
    const root = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8"));
    expect(pkg.version).toBe(root.version);
    expect(path.resolve(PLUGIN_DIR, pkg.main)).toBe(path.join(ROOT, "dist", "provider", "plugin", "main.js"));
    expect(require.resolve(path.resolve(PLUGIN_DIR, pkg.main))).toBeTruthy();
    // `npm install` in the plugin directory (what Pulumi runs after fetching it) bootstraps the repository.
    expect(pkg.scripts.install).toBe("node bootstrap.js");
    expect(pkg.dependencies ?? {}).toEqual({});
  });
});
