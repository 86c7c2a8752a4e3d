/**
 * Attachments on local disk (FILES_DIR): `<dir>/<siteKey>/<conversationId>/<fileId>` and beside it
 * `<fileId>.json` with its type and name. For the embedded default and a single server; several
 * processes on several machines use S3 (s3-files.ts).
 */
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { addressParts, type FileStorage, type StoredFileInfo } from './file-storage';

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';

export function createDiskFiles(dir: string): FileStorage {
  const conversationDir = (siteKey: string, conversationId: string) => join(dir, ...addressParts({ siteKey, conversationId, fileId: 'x' }).slice(0, 2));

  return {
    async put(at, body, info) {
      const [siteKey, conversationId, fileId] = addressParts(at);
      const folder = conversationDir(siteKey, conversationId);
      await mkdir(folder, { recursive: true });
      // `wx`: a file id is never reused; writing over one would be a bug worth an error.
      await writeFile(join(folder, fileId), body, { flag: 'wx' });
      await writeFile(join(folder, `${fileId}.json`), JSON.stringify(info), { flag: 'wx' });
    },

    async get(at) {
      const [siteKey, conversationId, fileId] = addressParts(at);
      const folder = conversationDir(siteKey, conversationId);
      try {
        const [body, info] = await Promise.all([readFile(join(folder, fileId)), readFile(join(folder, `${fileId}.json`), 'utf8')]);
        return { body, info: JSON.parse(info) as StoredFileInfo };
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    },

    async delete(at) {
      const [siteKey, conversationId, fileId] = addressParts(at);
      const folder = conversationDir(siteKey, conversationId);
      await Promise.all([rm(join(folder, fileId), { force: true }), rm(join(folder, `${fileId}.json`), { force: true })]);
    },

    async deleteConversation(siteKey, conversationId) {
      const folder = conversationDir(siteKey, conversationId);
      let names: string[];
      try {
        names = await readdir(folder);
      } catch (error) {
        if (isMissing(error)) return 0;
        throw error;
      }
      await rm(folder, { recursive: true, force: true });
      return names.filter((n) => !n.endsWith('.json')).length;
    },
  };
}
