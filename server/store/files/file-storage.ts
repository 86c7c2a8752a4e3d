/**
 * Where attachments' bytes live: one interface, two backends (local disk, S3-compatible object
 * storage). A file's address is `<siteKey>/<conversationId>/<fileId>`, all three checked ids
 * (letters, digits, `_`, `-`), so a conversation's files share a prefix and go with it.
 */
import type { ConversationId, SiteKey } from '../../../shared/ids';

export interface StoredFileInfo {
  /** The content type found by sniffing. */
  type: string;
  /** The sender's name for it. */
  name: string;
}

export interface FileAddress {
  siteKey: SiteKey;
  conversationId: ConversationId;
  fileId: string;
}

export interface FileStorage {
  put(at: FileAddress, body: Uint8Array, info: StoredFileInfo): Promise<void>;
  /** The file and what was kept about it, or null when there is none. */
  get(at: FileAddress): Promise<{ body: Uint8Array; info: StoredFileInfo } | null>;
  delete(at: FileAddress): Promise<void>;
  /** Deletes every file of the conversation. @returns how many went */
  deleteConversation(siteKey: SiteKey, conversationId: ConversationId): Promise<number>;
}

const SAFE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The address's path parts, checked again here: nothing outside the id alphabet reaches a path or an object key. */
export function addressParts({ siteKey, conversationId, fileId }: FileAddress): [string, string, string] {
  for (const part of [siteKey, conversationId, fileId]) if (!SAFE_ID.test(part)) throw new Error(`unsafe file address part: ${JSON.stringify(part)}`);
  return [siteKey, conversationId, fileId];
}
