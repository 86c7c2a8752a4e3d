import { expect } from 'vitest';
import type { ErrorCode } from '../../shared/errors';
import type { Ack } from '../../shared/protocol';

/** The data of a successful ack; fails the test with the error code otherwise. */
export function expectOk<T>(ack: Ack<T>): T {
  if (!ack.ok) throw new Error(`expected an ok ack, got ${ack.error.code}: ${ack.error.message}`);
  return ack.data;
}

/** Asserts a refused ack with this code (never INTERNAL, never a success). */
export function expectRefused(ack: Ack<unknown>, code: ErrorCode): void {
  expect(ack).toMatchObject({ ok: false, error: { code, message: expect.any(String) } });
}
