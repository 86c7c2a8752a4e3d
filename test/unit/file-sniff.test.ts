import { describe, expect, it } from 'vitest';
import { createFileLinks } from '../../server/domain/file-links';
import { sniffFile, typeOfName } from '../../server/domain/file-sniff';
import { isSwitchboardError } from '../../shared/errors';
import { exeBytes, htmlBytes, pdfBytes, pngBytes } from '../helpers/test-files';

const bytes = (...parts: (number[] | string)[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

describe('what a file is, by its bytes', () => {
  it('tells the allowed types and the size of images', () => {
    expect(sniffFile(pngBytes(640, 480))).toEqual({ type: 'image/png', width: 640, height: 480 });
    expect(sniffFile(bytes('GIF89a', [0x20, 0x01, 0x10, 0x00], [0, 0]))).toEqual({ type: 'image/gif', width: 288, height: 16 });
    // A JPEG with an APP0 segment before its SOF0 frame header (height 2, width 3).
    const jpeg = bytes([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x00, 0x00], [0xff, 0xc0, 0x00, 0x11, 0x08, 0x00, 0x02, 0x00, 0x03, 0x03], new Array(12).fill(0));
    expect(sniffFile(jpeg)).toEqual({ type: 'image/jpeg', width: 3, height: 2 });
    const webp = bytes('RIFF', [0, 0, 0, 0], 'WEBP', 'VP8X', [10, 0, 0, 0, 0, 0, 0, 0], [99, 0, 0], [49, 0, 0]);
    expect(sniffFile(webp)).toEqual({ type: 'image/webp', width: 100, height: 50 });
    expect(sniffFile(pdfBytes())).toEqual({ type: 'application/pdf' });
    expect(sniffFile(Buffer.from('2026-12-07 ERROR naïve café ✓\n'))).toEqual({ type: 'text/plain' });
  });

  it('finds no allowed type in an executable, binary noise, invalid UTF-8 or text with a NUL', () => {
    expect(sniffFile(exeBytes())).toBeNull();
    expect(sniffFile(Buffer.from([0xc3, 0x28]))).toBeNull();
    expect(sniffFile(Buffer.from('abc\u0000def'))).toBeNull();
    // HTML is text: served as text/plain, as a download, and refused under an image's name by the caller.
    expect(sniffFile(htmlBytes())).toEqual({ type: 'text/plain' });
  });

  it('reads the type a name claims, whatever its case, and none for other endings', () => {
    expect(['a.PNG', 'b.jpeg', 'c.JPG', 'd.gif', 'e.webp', 'f.pdf', 'g.log', 'h.csv', 'i.json', 'j.txt'].map(typeOfName)).toEqual([
      'image/png', 'image/jpeg', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf', 'text/plain', 'text/plain', 'text/plain', 'text/plain',
    ]);
    expect(['a.html', 'b.svg', 'c.exe', 'noending', 'x.png.exe'].map(typeOfName)).toEqual([null, null, null, null, null]);
  });
});

describe('signed file links', () => {
  const ref = { siteKey: 'site_a', conversationId: 'c_1', fileId: 'f_1' };
  const codeOf = (fn: () => unknown) => {
    try {
      fn();
      return 'opened';
    } catch (error) {
      return isSwitchboardError(error) ? error.code : String(error);
    }
  };
  const queryOf = (url: string) => Object.fromEntries(new URL(url, 'http://x').searchParams) as never;

  it('opens the file it was minted for, until it expires, and a rotated secret still opens it', () => {
    let now = 1_000;
    const old = createFileLinks({ secret: 'old-secret', ttlMs: 60_000, now: () => now });
    const links = createFileLinks({ secret: 'new-secret', previousSecrets: ['old-secret'], ttlMs: 60_000, now: () => now });
    const { url, expiresAt } = links.mint(ref, 'visitor');
    expect(expiresAt).toBe(61_000);
    expect(links.verify('f_1', queryOf(url))).toMatchObject({ ...ref, audience: 'visitor' });
    expect(links.verify('f_1', queryOf(old.mint(ref, 'agent').url))).toMatchObject({ audience: 'agent' });
    now = 61_001;
    expect(codeOf(() => links.verify('f_1', queryOf(url)))).toBe('FILE_LINK_EXPIRED');
  });

  it('refuses a link changed in any part', () => {
    const links = createFileLinks({ secret: 's', ttlMs: 60_000 });
    const query = queryOf(links.mint(ref, 'visitor').url) as Record<string, string>;
    expect(codeOf(() => links.verify('f_2', query as never))).toBe('FILE_LINK_INVALID');
    for (const [part, value] of [['s', 'site_b'], ['c', 'c_2'], ['a', 'a'], ['exp', '9999999999999']] as const) {
      expect(codeOf(() => links.verify('f_1', { ...query, [part]: value } as never)), part).toBe('FILE_LINK_INVALID');
    }
    const other = createFileLinks({ secret: 'another', ttlMs: 60_000 });
    expect(codeOf(() => other.verify('f_1', query as never))).toBe('FILE_LINK_INVALID');
  });
});
