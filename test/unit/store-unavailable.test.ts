import { describe, expect, it } from 'vitest';
import { ReplyError } from 'ioredis';
import { isStoreUnavailable } from '../../server/store/unavailable';
import { createError } from '../../shared/errors';

const named = (name: string, message = 'x') => Object.assign(new Error(message), { name });
const withCode = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:6379`), { code });

describe('a store out of reach, told apart from a fault', () => {
  it('is a command that outlived its reconnection attempts, a socket error, a closed connection', () => {
    expect(isStoreUnavailable(named('MaxRetriesPerRequestError', 'Reached the max retries per request limit (which is 2).'))).toBe(true);
    expect(isStoreUnavailable(withCode('ECONNREFUSED'))).toBe(true);
    expect(isStoreUnavailable(withCode('ECONNRESET'))).toBe(true);
    expect(isStoreUnavailable(new Error('Connection is closed.'))).toBe(true);
  });

  it('is a Redis that cannot serve writes yet: a replica mid-failover, a primary loading its data', () => {
    expect(isStoreUnavailable(new ReplyError("READONLY You can't write against a read only replica."))).toBe(true);
    expect(isStoreUnavailable(new ReplyError('LOADING Redis is loading the dataset in memory'))).toBe(true);
  });

  it('is not a script error, a bug or a catalogued refusal', () => {
    expect(isStoreUnavailable(new ReplyError('ERR Error running script (call to f_0123): wrong number of arguments'))).toBe(false);
    expect(isStoreUnavailable(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false);
    expect(isStoreUnavailable(createError('CONVERSATION_NOT_FOUND'))).toBe(false);
    expect(isStoreUnavailable('Connection is closed.')).toBe(false);
  });
});
