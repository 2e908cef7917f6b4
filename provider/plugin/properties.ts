import { structproto } from "./proto";

/**
 * Property values on the wire between the engine and the plugin: protobuf Structs, with secrets as the
 * engine's signature object. The plugin says `acceptSecrets`, so secret inputs arrive wrapped and it must
 * wrap what stays secret itself (the engine re-marks nothing for such providers): the lifecycle works on
 * plain values, and this module unwraps at the door and wraps on the way out.
 */

export type Props = Record<string, unknown>;

/** The key and value that mark a secret, as in `sdk/go/common/resource/sig` (Secret). */
export const SECRET_SIG = "4dabf18193072939515e22adb298388d";
export const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";

export function isSecret(v: unknown): v is { value: unknown } {
  return v !== null && typeof v === "object" && (v as Props)[SECRET_SIG] === SECRET_VALUE;
}

export function secret(value: unknown): Props {
  return { [SECRET_SIG]: SECRET_VALUE, value };
}

/** Plain values, and the top-level keys whose value was, or held anywhere inside, a secret. */
export function unwrapSecrets(props: Props): { plain: Props; secretKeys: Set<string> } {
  const secretKeys = new Set<string>();
  const plain: Props = {};
  for (const [k, v] of Object.entries(props)) {
    const r = unwrap(v);
    if (r.secret) secretKeys.add(k);
    plain[k] = r.value;
  }
  return { plain, secretKeys };
}

function unwrap(v: unknown): { value: unknown; secret: boolean } {
  if (isSecret(v)) return { value: unwrap(v.value).value, secret: true };
  if (Array.isArray(v)) {
    const items = v.map(unwrap);
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
  }
  if (v !== null && typeof v === "object") {
    let secret = false;
    const out: Props = {};
    for (const [k, x] of Object.entries(v)) {
      const r = unwrap(x);
      secret ||= r.secret;
      out[k] = r.value;
    }
    return { value: out, secret };
  }
  return { value: v, secret: false };
}

/** `props` with the value of each key in `keys` (that is present) wrapped as a secret. */
export function wrapSecrets(props: Props, keys: Iterable<string>): Props {
  const out: Props = { ...props };
  for (const k of keys) if (out[k] !== undefined && !isSecret(out[k])) out[k] = secret(out[k]);
  return out;
}

/** A Struct of `props`; `undefined` dropped (Struct has none), non-finite numbers as null. */
export function toStruct(props: Props): unknown {
  return structproto.Struct.fromJavaScript(jsonValue(props) as Props);
}

export function fromStruct(struct: { toJavaScript(): Props } | undefined | null): Props {
  return struct ? struct.toJavaScript() : {};
}

function jsonValue(v: unknown): unknown {
  if (v === null || typeof v !== "object") return typeof v === "number" && !Number.isFinite(v) ? null : v;
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : jsonValue(x)));
  const out: Props = {};
  for (const [k, x] of Object.entries(v)) if (x !== undefined && typeof x !== "function") out[k] = jsonValue(x);
  return out;
}
