import { describe, expect, it } from 'vitest';
import { isSwitchboardError } from '../../shared/errors';
import { checkScriptResult, readScriptFiles } from '../../server/store/redis/scripts';

/** The leading `--[[ … ]]` block of a script. */
function headerOf(lua: string): string {
  const match = /^--\[\[([\s\S]*?)\]\]/.exec(lua);
  if (!match) throw new Error('no --[[ … ]] header block at the top');
  return match[1]!;
}

const numbers = (text: string, pattern: RegExp) => [...text.matchAll(pattern)].map((m) => Number(m[1]));
const oneToN = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('Lua script headers (BullMQ style)', () => {
  const scripts = readScriptFiles();

  it('finds the scripts', () => {
    expect(scripts.map((s) => s.name)).toEqual(expect.arrayContaining(['appendMessage', 'claimConversation']));
  });

  describe.each(scripts.map((s) => [`${s.name}-${s.numberOfKeys}.lua`, s] as const))('%s', (_file, script) => {
    const header = headerOf(script.lua);
    const body = script.lua.slice(script.lua.indexOf(']]') + 2);

    it('starts with a sentence saying what it does', () => {
      expect(header.trim().split('\n')[0]!.trim()).toMatch(/^[A-Z].{10,}/);
    });

    it('documents exactly as many KEYS as its file name says, each once, in order', () => {
      const documented = numbers(header, /^\s*KEYS\[(\d+)\]\s+\S/gm);
      expect(documented).toEqual(oneToN(script.numberOfKeys));
    });

    it('uses exactly the KEYS it documents (a script touches only keys passed in KEYS)', () => {
      const used = new Set(numbers(body, /KEYS\[(\d+)\]/g));
      expect([...used].sort((a, b) => a - b)).toEqual(oneToN(script.numberOfKeys));
    });

    it('documents its ARGV, in order, and every ARGV it uses', () => {
      const single = numbers(header, /^\s*ARGV\[(\d+)\]\s+\S/gm);
      const rest = numbers(header, /^\s*ARGV\[(\d+)\.\.\]\s+\S/gm);
      expect(single.length + rest.length).toBeGreaterThan(0);
      expect(single).toEqual(oneToN(single.length));
      if (rest.length > 0) expect(rest).toEqual([single.length + 1]);
      const covered = (n: number) => single.includes(n) || (rest.length > 0 && n >= rest[0]!);
      for (const n of numbers(body, /ARGV\[(\d+)\]/g)) expect(covered(n), `ARGV[${n}] is used but not documented`).toBe(true);
      for (const n of single) expect(body, `ARGV[${n}] is documented but not used`).toContain(`ARGV[${n}]`);
    });

    it('documents its output, including every negative code it can return', () => {
      const output = /^\s*Output:\s*$([\s\S]*)/m.exec(header)?.[1];
      expect(output, 'an Output: section').toBeDefined();
      const returned = new Set([...body.matchAll(/return\s+\{?\s*(-\d+)/g)].map((m) => m[1]!));
      for (const code of returned) expect(output!, `return ${code}`).toMatch(new RegExp(`(^|[\\s{])${code}\\b`, 'm'));
    });

    it('has every negative code it returns mapped to a catalogued error', () => {
      for (const [, code] of body.matchAll(/return\s+\{?\s*(-\d+)/g)) {
        let thrown: unknown;
        try {
          checkScriptResult(script.name, Number(code));
        } catch (error) {
          thrown = error;
        }
        expect(isSwitchboardError(thrown), `${script.name} ${code}`).toBe(true);
      }
    });
  });
});
