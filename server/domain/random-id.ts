import { randomBytes } from 'node:crypto';

/** An unguessable id with a readable prefix (`c_…` conversation, `v_…` visitor): 96 random bits. */
export function randomId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`;
}
