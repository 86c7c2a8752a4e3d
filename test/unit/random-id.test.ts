import { describe, expect, it } from 'vitest';
import { randomId } from '../../server/domain/random-id';

describe('randomId', () => {
  it('gives a prefix and 96 random bits in base64url', () => {
    expect(randomId('c')).toMatch(/^c_[A-Za-z0-9_-]{16}$/);
  });

  it('never repeats, across many refills of its pool of random bytes', () => {
    const ids = Array.from({ length: 10_000 }, () => randomId('ev'));
    expect(new Set(ids).size).toBe(ids.length);
  });
});
