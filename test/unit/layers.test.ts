import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(new URL(import.meta.url).pathname), '../..');

/** Packages only the transport and the store may use. */
const TRANSPORT_OR_STORE_PACKAGES = /^(fastify|fastify-plugin|@fastify\/.*|socket\.io|socket\.io-.*|@socket\.io\/.*|ioredis|bullmq)$/;

interface Rule {
  name: string;
  /** Files the rule applies to, relative to the repository root. */
  from: string;
  /** Whether importing `target` (a repository path, or a package name) crosses the line. */
  forbids: (target: string) => boolean;
}

const under = (folder: string) => (target: string) => target.startsWith(`${folder}/`);

const RULES: Rule[] = [
  {
    name: 'the domain imports no transport, plugin or Redis/queue package',
    from: 'server/domain',
    forbids: (target) => TRANSPORT_OR_STORE_PACKAGES.test(target) || ['server/http', 'server/realtime', 'server/plugins'].some((folder) => under(folder)(target)),
  },
  { name: 'the store imports nothing from the domain', from: 'server/store', forbids: under('server/domain') },
  { name: 'realtime imports nothing from http', from: 'server/realtime', forbids: under('server/http') },
  { name: 'http imports nothing from realtime', from: 'server/http', forbids: under('server/realtime') },
];

function filesUnder(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { withFileTypes: true }).flatMap((entry) => {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory()) return filesUnder(path);
    return /\.(ts|tsx|mts)$/.test(entry.name) ? [path] : [];
  });
}

// Static imports and re-exports (also across lines), side-effect imports, and dynamic import().
const SPECIFIERS = [/\b(?:import|export)\s[^;'"]*?\sfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g];

/** What `file` imports: repository paths for relative specifiers, package names (without subpath) otherwise. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specifiers = SPECIFIERS.flatMap((pattern) => [...text.matchAll(pattern)].map((match) => match[1]!));
  return specifiers.map((specifier) => {
    if (!specifier.startsWith('.')) {
      const parts = specifier.split('/');
      return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
    }
    const path = relative(ROOT, join(ROOT, dirname(file), specifier));
    const resolved = [path, `${path}.ts`, `${path}.tsx`, `${path}/index.ts`].find((candidate) => /\.\w+$/.test(candidate) && existsSync(join(ROOT, candidate)));
    return resolved ?? path;
  });
}

/** Every import that breaks a rule, as `importer -> imported`. */
function crossings(): Map<string, string> {
  const found = new Map<string, string>();
  for (const rule of RULES) {
    for (const file of filesUnder(rule.from)) {
      for (const target of importsOf(file)) {
        if (rule.forbids(target)) found.set(`${file} -> ${target}`, rule.name);
      }
    }
  }
  return found;
}

describe('layers point one way: transport → domain → store', () => {
  it('reads imports of every kind, so a rule cannot be dodged by the way a file imports', () => {
    const domainFiles = filesUnder('server/domain');
    expect(domainFiles).toContain('server/domain/conversations.ts');
    // A file known to import the store by a relative path resolves to the store's file.
    expect(importsOf('server/domain/sites.ts')).toContain('server/store/store.ts');
    expect(importsOf('server/http/routing.ts')).toEqual(expect.arrayContaining(['fastify', '@fastify/type-provider-typebox', '@sinclair/typebox']));
  });

  it('has no import against the direction of the layers', () => {
    expect([...crossings()].map(([crossing, rule]) => `${crossing} (${rule})`)).toEqual([]);
  });
});
