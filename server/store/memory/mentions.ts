/** The characters ids are made of (base64url and the `c_` / `v_` prefixes). */
const ID_CHAR = /[A-Za-z0-9_-]/;

/**
 * Whether `text` mentions `id` as a whole word, as deleteStreamEntries-1.lua decides it for Redis:
 * `c_1` is mentioned in `{"conversationId":"c_1"}` but not in `c_12`.
 */
export function mentions(text: string, id: string): boolean {
  for (let at = text.indexOf(id); at !== -1; at = text.indexOf(id, at + 1)) {
    const before = text[at - 1] ?? '';
    const after = text[at + id.length] ?? '';
    if (!ID_CHAR.test(before) && !ID_CHAR.test(after)) return true;
  }
  return false;
}

export function mentionsAny(record: unknown, ids: readonly string[]): boolean {
  const text = JSON.stringify(record);
  return ids.some((id) => mentions(text, id));
}
