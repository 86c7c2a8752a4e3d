import { describe, expect, it } from 'vitest';
import { MAX_TOKENS, normalizeTokens, visitFeatures } from '../../server/domain/routing/featurize';

const normalize = (text: string): string => normalizeTokens(text).join(' ');

describe('normalizeTokens', () => {
  it('lower-cases, applies NFKC and drops punctuation', () => {
    expect(normalize('Ｈｅｌｌｏ, My Order!!')).toBe('hello my order');
  });

  it('turns error codes into one token, whatever their shape', () => {
    expect(normalize('App crashes on login, error 0x80070005')).toBe('app crashes on login error _err_');
    expect(normalize('E-403 when I save')).toBe('_err_ when i save');
    expect(normalize('ERR_CONNECTION_RESET in chrome')).toBe('_err_ in chrome');
    expect(normalize('getting a 500 when saving')).toBe('getting a _err_ when saving');
    expect(normalize('500 error on checkout')).toBe('_err_ error on checkout');
    expect(normalize('error code 12002')).toBe('error code _err_');
    expect(normalize('TypeError: undefined')).toBe('_err_ undefined');
    expect(normalize('login gives AADSTS50020')).toBe('login gives _err_');
  });

  it('keeps plain numbers and amounts apart from error codes', () => {
    expect(normalize('a quote for 500 seats')).toBe('a quote for _num_ seats');
    expect(normalize('charged $49.99 twice')).toBe('charged _money_ twice');
    expect(normalize('refund of 20 euros')).toBe('refund of _money_');
    expect(normalize('tracking 1Z999AA10123456784')).toBe('tracking _id_');
  });

  it('replaces URLs, domains, e-mail addresses and mentions', () => {
    expect(normalize('see https://example.com/a?b=1 and www.foo.org')).toBe('see _url_ and _url_');
    expect(normalize('is mysite.com down')).toBe('is _url_ down');
    expect(normalize('write to jo@example.com')).toBe('write to _email_');
    expect(normalize('@AmazonHelp where is my package #fail')).toBe('_user_ where is my package fail');
  });

  it('turns emoji and emoticons into one token', () => {
    expect(normalize('charged twice 😡😡')).toBe('charged twice _emoji_');
    expect(normalize('👍🏽')).toBe('_emoji_');
    expect(normalize('still waiting :(')).toBe('still waiting _emoji_');
  });

  it('cuts letters repeated three times or more, and unifies chat spellings', () => {
    expect(normalize('sooooo slowwww')).toBe('soo sloww');
    expect(normalize('pls help u guys')).toBe('please help you guys');
    expect(normalize('thx, my acct pwd')).toBe('thanks my account password');
  });

  it('drops apostrophes and merges negations', () => {
    expect(normalize("it doesn't work")).toBe('it doesnt work');
    expect(normalize('it does not work')).toBe('it doesnt work');
    expect(normalize('I cannot log in')).toBe('i cant log in');
    expect(normalize('I can not log in')).toBe('i cant log in');
  });

  it('strips HTML tags and entities', () => {
    expect(normalize('<b>refund</b> &amp; <script>alert(1)</script>')).toBe('refund alert _num_');
  });

  it('returns no tokens for text without words', () => {
    expect(normalizeTokens('')).toEqual([]);
    expect(normalizeTokens(' \n\t ')).toEqual([]);
    expect(normalizeTokens('?!...')).toEqual([]);
  });

  it('caps the number of tokens of a very long text', () => {
    expect(normalizeTokens('word '.repeat(50_000))).toHaveLength(MAX_TOKENS);
  });
});

describe('visitFeatures', () => {
  it('gives words, bigrams and character n-grams, function words only in bigrams', () => {
    const seen: string[] = [];
    visitFeatures(normalizeTokens('my app'), (feature, block) => seen.push(`${block}:${feature}`));
    expect(seen).toEqual([
      'word:my app',
      'word:app',
      'char: ap', 'char:app', 'char:pp ',
      'char: app', 'char:app ',
      'char: app ',
    ]);
  });
});
