import { describe, expect, it } from 'vitest';
import { fileName, sendFile } from '../../widget/app/upload';

const at = new Date('2026-12-07T10:42:05Z');

describe("the widget's upload module", () => {
  it('keeps a file its name, names a pasted image after the time, and takes out path and control characters', () => {
    expect(fileName(new File(['x'], 'invoice 4411.pdf'), at)).toBe('invoice 4411.pdf');
    expect(fileName(new File(['x'], 'image.png', { type: 'image/png' }), at)).toBe('image.png');
    expect(fileName(new File(['x'], '', { type: 'image/png' }), at)).toBe('screenshot-2026-12-07T10-42-05.png');
    expect(fileName(new File(['x'], 'blob', { type: 'image/jpeg' }), at)).toBe('screenshot-2026-12-07T10-42-05.jpg');
    expect(fileName(new File(['x'], 'a\u0007b/c.txt'), at)).toBe('a_b_c.txt');
  });

  it('refuses, without a request, a file over the site limit or with an ending the server never takes', async () => {
    const base = { serverUrl: 'http://nowhere.invalid', siteKey: 's', token: 't', conversationId: 'c', clientId: 'client-1234', onProgress: () => undefined };
    expect(await sendFile({ ...base, file: new File(['12345'], 'a.png'), maxBytes: 4 })).toEqual({ ok: false, code: 'FILE_TOO_LARGE' });
    expect(await sendFile({ ...base, file: new File(['MZ'], 'setup.exe'), maxBytes: 100 })).toEqual({ ok: false, code: 'FILE_TYPE_NOT_ALLOWED' });
  });
});
