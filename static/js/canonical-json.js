// The exact bytes a signature covers: canonical JSON (keys sorted, no spaces, UTF-8), hashed
// with SHA-256. Python's json.dumps(value, sort_keys=True, separators=(",", ":"),
// ensure_ascii=False).encode() gives the same bytes for the values documents hold (strings,
// integers, booleans, null, lists, objects), so the server can check a signature's hash.

/** Serialise a JSON value canonically: object keys sorted by code point, no whitespace. */
export function canonicalJson(value) {
  if (value === null || typeof value === "boolean") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isInteger(value)) throw new TypeError("canonical JSON here holds integers only");
    return JSON.stringify(value);
  }
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object") {
    const keys = Object.keys(value).filter((k) => value[k] !== undefined).sort(compareCodePoints);
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(",")}}`;
  }
  throw new TypeError(`cannot serialise ${typeof value}`);
}

/** Order strings by Unicode code point, as Python's sorted() does (not UTF-16 units). */
function compareCodePoints(a, b) {
  const x = Array.from(a);
  const y = Array.from(b);
  for (let i = 0; i < Math.min(x.length, y.length); i += 1) {
    const d = x[i].codePointAt(0) - y[i].codePointAt(0);
    if (d) return d;
  }
  return x.length - y.length;
}

/** Lower-case hex SHA-256 of a string (as UTF-8), an ArrayBuffer or a Blob. */
export async function sha256Hex(input) {
  let bytes;
  if (typeof input === "string") bytes = new TextEncoder().encode(input);
  else if (input instanceof Blob) bytes = await input.arrayBuffer();
  else bytes = input;
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
