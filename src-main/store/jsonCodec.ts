/**
 * JSON for stored records that may hold non-finite numbers: FP32's SQNR is +Infinity, and plain
 * JSON.stringify would silently turn it into null, so a resumed search would get back a different
 * record than it produced. Non-finite numbers are written as {"$number":"Infinity"} and read back.
 */

const TAG = '$number';

/** Serializes a value, keeping Infinity, -Infinity and NaN. */
export function encodeJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? { [TAG]: String(v) } : v));
}

/** Parses text written by encodeJson (plain JSON reads the same as with JSON.parse). */
export function decodeJson(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const keys = Object.keys(v);
      if (keys.length === 1 && keys[0] === TAG) return Number((v as Record<string, string>)[TAG]);
    }
    return v;
  });
}

/** A metric as the API carries it: finite, or null (JSON has no Infinity). */
export function finiteOrNull(value: number | null): number | null {
  return value === null || Number.isFinite(value) ? value : null;
}
