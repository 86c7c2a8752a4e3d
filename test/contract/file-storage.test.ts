/**
 * One contract for both places attachments live: a folder on disk (real files) and S3-compatible
 * object storage (the real AWS SDK against an in-test S3 server, test/helpers/fake-s3.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiskFiles } from '../../server/store/files/disk-files';
import type { FileStorage } from '../../server/store/files/file-storage';
import { createS3Files } from '../../server/store/files/s3-files';
import { startFakeS3, type FakeS3 } from '../helpers/fake-s3';
import { pngBytes } from '../helpers/test-files';

function describeFileStorageContract(name: string, setUp: () => Promise<{ files: FileStorage; tearDown: () => Promise<void> }>) {
  describe(`file storage contract: ${name}`, () => {
    let files: FileStorage;
    let tearDown: () => Promise<void>;
    beforeAll(async () => ({ files, tearDown } = await setUp()));
    afterAll(() => tearDown?.());

    const at = (conversationId: string, fileId: string) => ({ siteKey: 'site_files', conversationId, fileId });

    it('gives back what was put, with its type and name (any characters), and null for what was not', async () => {
      const png = pngBytes(3, 2);
      await files.put(at('c_1', 'f_a'), png, { type: 'image/png', name: 'écran «1».png' });
      const got = await files.get(at('c_1', 'f_a'));
      expect(Buffer.from(got!.body).equals(png)).toBe(true);
      expect(got!.info).toEqual({ type: 'image/png', name: 'écran «1».png' });
      expect(await files.get(at('c_1', 'f_missing'))).toBeNull();
      expect(await files.get(at('c_none', 'f_a'))).toBeNull();
    });

    it('deletes one file, and every file of one conversation without touching another', async () => {
      await files.put(at('c_2', 'f_b'), Buffer.from('one'), { type: 'text/plain', name: 'one.txt' });
      await files.put(at('c_2', 'f_c'), Buffer.from('two'), { type: 'text/plain', name: 'two.txt' });
      await files.put(at('c_3', 'f_d'), Buffer.from('three'), { type: 'text/plain', name: 'three.txt' });
      await files.delete(at('c_2', 'f_b'));
      expect(await files.get(at('c_2', 'f_b'))).toBeNull();
      expect(await files.deleteConversation('site_files', 'c_2')).toBe(1);
      expect(await files.get(at('c_2', 'f_c'))).toBeNull();
      expect(await files.deleteConversation('site_files', 'c_2')).toBe(0);
      expect(Buffer.from((await files.get(at('c_3', 'f_d')))!.body).toString()).toBe('three');
    });

    it('refuses an address that would leave its folder or prefix', async () => {
      await expect(files.put(at('../escape', 'f_e'), Buffer.from('x'), { type: 'text/plain', name: 'x.txt' })).rejects.toThrow(/unsafe/);
      await expect(files.get({ siteKey: 'site_files', conversationId: 'c_1', fileId: 'f_a/../../x' })).rejects.toThrow(/unsafe/);
    });
  });
}

describeFileStorageContract('disk', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sb-files-contract-'));
  return { files: createDiskFiles(dir), tearDown: () => rm(dir, { recursive: true, force: true }) };
});

let fake: FakeS3;
describeFileStorageContract('S3', async () => {
  fake = await startFakeS3();
  const s3 = createS3Files({ bucket: fake.bucket, endpoint: fake.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  return {
    files: s3,
    tearDown: async () => {
      s3.close();
      await fake.close();
    },
  };
});

describe('the S3 backend on the wire', () => {
  it('addresses objects path-style under <siteKey>/<conversationId>/<fileId>, with the name as URI-encoded metadata', () => {
    expect(fake.requests).toContain('PUT /test-bucket/site_files/c_1/f_a?x-id=PutObject');
    expect(fake.requests.some((r) => r.startsWith('GET /test-bucket/?') && r.includes('list-type=2') && r.includes('prefix=site_files%2Fc_2%2F'))).toBe(true);
    expect(fake.objects.get('site_files/c_3/f_d')!.headers).toEqual({ 'content-type': 'text/plain', 'x-amz-meta-name': 'three.txt' });
  });
});
