import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS } from '../../shared/errors';
import * as limits from '../../shared/limits';

const root = new URL('../../', import.meta.url);
const doc = readFileSync(new URL('docs/protocol.md', root), 'utf8');

/** The rows of the table under `## Error codes`: code → HTTP status. */
function documentedCodes(): Map<string, number> {
  const section = doc.split(/^## Error codes\s*$/m)[1];
  if (section === undefined) throw new Error('docs/protocol.md has no "## Error codes" section');
  const table = section.split(/^## /m)[0]!;
  const rows = new Map<string, number>();
  for (const [, code, status] of table.matchAll(/^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|\s*(\d{3})\s*\|/gm)) {
    expect(rows.has(code!), `${code} is listed twice`).toBe(false);
    rows.set(code!, Number(status));
  }
  return rows;
}

describe('docs/protocol.md and shared/errors.ts', () => {
  const documented = documentedCodes();

  it('lists every error code of the catalogue', () => {
    const missing = Object.keys(ERRORS).filter((code) => !documented.has(code));
    expect(missing, 'codes to add to the table in docs/protocol.md').toEqual([]);
  });

  it('lists no code that does not exist', () => {
    const stale = [...documented.keys()].filter((code) => !(code in ERRORS));
    expect(stale, 'codes to remove from docs/protocol.md').toEqual([]);
  });

  it('gives each code the HTTP status of the catalogue', () => {
    for (const [code, status] of documented) {
      expect({ code, status }).toEqual({ code, status: ERRORS[code as keyof typeof ERRORS].status });
    }
  });

  it('names no unknown code anywhere else in the text', () => {
    // Upper-case names that are not error codes: the limits and the environment variables.
    const config = readFileSync(new URL('server/config.ts', root), 'utf8');
    const other = new Set([...Object.keys(limits), ...[...config.matchAll(/'([A-Z][A-Z0-9_]+)'/g)].map((m) => m[1]!)]);
    const named = new Set([...doc.matchAll(/`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{4,})`/g)].map((m) => m[1]!));
    const unknown = [...named].filter((name) => !(name in ERRORS) && !other.has(name));
    expect(unknown).toEqual([]);
  });
});
