/**
 * Everything a memory store holds, as plain JSON (Maps as [key, value] pairs, Sets as arrays), so
 * a test can search all of it, keys included, as it scans every key of a Redis prefix.
 */
export function toPlain(value: unknown): unknown {
  if (value instanceof Map) return [...value].map(([k, v]) => [toPlain(k), toPlain(v)]);
  if (value instanceof Set) return [...value].map(toPlain);
  if (Array.isArray(value)) return value.map(toPlain);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toPlain(v)]));
  return value;
}
