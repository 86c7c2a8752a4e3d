/**
 * Deterministic random inputs for fuzz tests: a seeded PRNG (mulberry32, so a failing run is
 * replayed exactly with its seed) and generators of hostile values.
 */

export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    pick: (items) => items[int(0, items.length - 1)]!,
    chance: (p) => next() < p,
  };
}

/** Strings that have hurt servers before: markup, injections, control and odd Unicode. */
export const NASTY_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  '\u0000abc\u0000',
  '\r\n\r\nFLUSHALL\r\n',
  '*1\r\n$8\r\nFLUSHALL\r\n',
  ']]) redis.call("FLUSHALL") --[[',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '[click](javascript:alert(1))',
  "' OR '1'='1' --",
  '{"$ne": null}',
  '${process.exit(1)}',
  '{{constructor.constructor("return process")()}}',
  '%s%s%s%n',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '\ud800',
  '\udfff',
  '\udfff\ud800',
  'a\ud83dz',
  '😀'.repeat(8),
  '\u202e\u0041\u0042',
  '\ufeff',
  '\ufffe\uffff',
  'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇',
  '\u0085\u2028\u2029',
  '١٢٣-٤',
  'NaN',
  'undefined',
  'null',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
];

/** Object keys that try to reach prototypes or confuse lookups. */
export const NASTY_KEYS: readonly string[] = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__defineGetter__',
  '',
  ' ',
  '$where',
  'a.b',
  '\u0000',
  '\ud800',
  'k'.repeat(1_000),
  'siteKey',
  'visitorId',
  'agentId',
  'author',
  'status',
];

/** A value nested `depth` levels deep, as JSON would carry it (built from text, so no recursion). */
export function deeplyNested(depth: number, kind: 'array' | 'object' = 'array'): unknown {
  return JSON.parse(deeplyNestedJson(depth, kind));
}

export function deeplyNestedJson(depth: number, kind: 'array' | 'object' = 'array'): string {
  return kind === 'array' ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** An object with an own `__proto__` key (as JSON.parse makes it), or one aiming at constructor.prototype. */
export function pollutingObject(random: Random, base: Record<string, unknown> = {}): Record<string, unknown> {
  const inner = JSON.stringify(base).slice(1, -1);
  const attack = random.pick([
    '"__proto__":{"polluted":true}',
    '"constructor":{"prototype":{"polluted":true}}',
    '"prototype":{"polluted":true}',
    '"__proto__":{"__proto__":{"polluted":true}}',
    '"__proto__":null',
  ]);
  return JSON.parse(`{${attack}${inner ? `,${inner}` : ''}}`) as Record<string, unknown>;
}

/** Sets an own enumerable property, even `__proto__` (which plain assignment would treat as the prototype). */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A random string: nasty, random Unicode, or long. */
export function randomString(random: Random, maxLength = 200): string {
  const roll = random.next();
  if (roll < 0.4) return random.pick(NASTY_STRINGS);
  if (roll < 0.8) {
    let text = '';
    const length = random.int(0, Math.min(maxLength, 64));
    for (let i = 0; i < length; i++) {
      const range = random.int(0, 4);
      const code =
        range === 0 ? random.int(0x20, 0x7e) : range === 1 ? random.int(0, 0x1f) : range === 2 ? random.int(0xa0, 0x2fff) : range === 3 ? random.int(0xd800, 0xdfff) : random.int(0xe000, 0xffff);
      text += String.fromCharCode(code);
    }
    return text;
  }
  return random.pick(['a', 'é', '😀', '<', ' ']).repeat(random.int(1, maxLength));
}

/** Any JSON-ish value of any type, including binary, nested a few levels. */
export function randomValue(random: Random, depth = 0): unknown {
  const kinds = depth > 3 ? 7 : 10;
  switch (random.int(0, kinds - 1)) {
    case 0:
      return null;
    case 1:
      return random.chance(0.5);
    case 2:
      return random.pick([0, -0, 1, -1, 0.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 4_000, 4_001, NaN, Infinity, -Infinity]);
    case 3:
    case 4:
      return randomString(random);
    case 5:
      return Buffer.from(randomString(random, 50));
    case 6:
      return random.pick([new ArrayBuffer(0), new Uint8Array([0xff, 0xfe, 0xfd]).buffer, new Uint8Array([0xc3, 0x28])]);
    case 7:
      return Array.from({ length: random.int(0, 4) }, () => randomValue(random, depth + 1));
    case 8: {
      const value: Record<string, unknown> = {};
      for (let i = random.int(0, 3); i > 0; i--) {
        setOwn(value, random.chance(0.5) ? random.pick(NASTY_KEYS) : randomString(random, 20), randomValue(random, depth + 1));
      }
      return value;
    }
    default:
      return deeplyNested(random.int(10, 1_500), random.chance(0.5) ? 'array' : 'object');
  }
}

/** A value of any JSON type but a string (what "a number where a string goes" means, and more). */
export function randomNonString(random: Random): unknown {
  for (;;) {
    const value = randomValue(random);
    if (typeof value !== 'string') return value;
  }
}
