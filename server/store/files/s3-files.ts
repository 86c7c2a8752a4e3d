/**
 * Attachments in S3-compatible object storage (AWS S3, MinIO, Ceph, R2 …), for several server
 * processes: one object per file, keyed `<siteKey>/<conversationId>/<fileId>`, its type as the
 * object's Content-Type and its name in the `x-amz-meta-name` metadata (URI-encoded: metadata is ASCII).
 */
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { addressParts, type FileStorage } from './file-storage';

export interface S3FilesOptions {
  bucket: string;
  /** Another service than AWS (`http://minio:9000`): addressed path-style. @default AWS's endpoint for the region */
  endpoint?: string;
  /** @default 'us-east-1' */
  region?: string;
  /** @default the AWS SDK's chain (AWS_ACCESS_KEY_ID …, instance roles) */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export function createS3Files({ bucket, endpoint, region = 'us-east-1', credentials }: S3FilesOptions): FileStorage & { close(): void } {
  const client = new S3Client({
    region,
    // Checksums only where S3 requires them: many S3-compatible services reject the SDK's newer
    // default (a CRC32 trailer on every upload), and a file's integrity is the sniffing's job here.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    // A copy: the SDK marks the object it is given, and the config's is frozen.
    ...(credentials ? { credentials: { ...credentials } } : {}),
  });
  const keyOf = (at: Parameters<FileStorage['get']>[0]) => addressParts(at).join('/');

  return {
    async put(at, body, info) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: keyOf(at), Body: body, ContentType: info.type, Metadata: { name: encodeURIComponent(info.name) } }));
    },

    async get(at) {
      try {
        const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: keyOf(at) }));
        const body = await object.Body!.transformToByteArray();
        return { body, info: { type: object.ContentType ?? 'application/octet-stream', name: decodeURIComponent(object.Metadata?.name ?? 'file') } };
      } catch (error) {
        if ((error as { name?: string }).name === 'NoSuchKey' || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return null;
        throw error;
      }
    },

    async delete(at) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: keyOf(at) }));
    },

    async deleteConversation(siteKey, conversationId) {
      const prefix = `${addressParts({ siteKey, conversationId, fileId: 'x' }).slice(0, 2).join('/')}/`;
      let deleted = 0;
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }));
        for (const object of page.Contents ?? []) {
          await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: object.Key! }));
          deleted += 1;
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return deleted;
    },

    close: () => client.destroy(),
  };
}
