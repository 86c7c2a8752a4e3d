/**
 * Attachments' infrastructure, decorated once: the file storage the config names (disk or S3), the
 * signed links and the attachment use cases; and the subscriber that deletes a conversation's
 * files when the conversation is deleted (erasure, retention).
 */
import fp from 'fastify-plugin';
import { createAttachments } from '../domain/attachments';
import { createFileLinks } from '../domain/file-links';
import { createDiskFiles } from '../store/files/disk-files';
import type { FileStorage } from '../store/files/file-storage';
import { createS3Files } from '../store/files/s3-files';

export interface FilesPluginOptions {
  /** Use this storage instead of the one the config names (tests). */
  files?: FileStorage;
  now: () => number;
}

export default fp<FilesPluginOptions>(
  async (app, { files: given, now }) => {
    const { files: where, sessionSecret, previousSessionSecrets, fileLinkTtlMs } = app.config;
    let files = given;
    if (!files && where.kind === 's3') {
      const s3 = createS3Files(where);
      app.addHook('onClose', async () => s3.close());
      files = s3;
    }
    files ??= createDiskFiles(where.kind === 'disk' ? where.dir : '');
    const fileLinks = createFileLinks({ secret: sessionSecret, previousSecrets: previousSessionSecrets, ttlMs: fileLinkTtlMs, now });
    app.decorate('fileLinks', fileLinks);
    app.decorate('attachments', createAttachments({ store: app.store, files, links: fileLinks, limiter: app.limiter, events: app.events, now }));
    app.events.on('conversation.deleted', ({ siteKey, data: { conversation } }) => app.attachments.deleteConversationFiles(siteKey, conversation.id));
  },
  { name: 'switchboard-files', dependencies: ['switchboard-domain'] },
);
