/**
 * Loads the Lua scripts in `scripts/`, one per atomic operation, and registers each once with
 * ioredis `defineCommand` (EVALSHA with a fallback to EVAL). The file name says the command and
 * its number of keys: `claimConversation-4.lua` → `sbClaimConversationV1`, 4 keys.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Redis, Result } from 'ioredis';
import { createError, type ErrorCode } from '../../../shared/errors';

/** Bump when a script's contract changes, so a rolling deploy never runs old and new under one name. */
const SCRIPT_VERSION = 1;

export const SCRIPTS_DIR = fileURLToPath(new URL('./scripts/', import.meta.url));

export interface ScriptFile {
  name: string;
  numberOfKeys: number;
  lua: string;
}

export function readScriptFiles(dir = SCRIPTS_DIR): ScriptFile[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.lua'))
    .sort()
    .map((file) => {
      const match = /^([a-zA-Z]+)-(\d+)\.lua$/.exec(file);
      if (!match) throw new Error(`Lua script ${file} must be named <verbNoun>-<numberOfKeys>.lua`);
      return { name: match[1]!, numberOfKeys: Number(match[2]), lua: readFileSync(dir + file, 'utf8') };
    });
}

export function commandName(scriptName: string): string {
  return `sb${scriptName[0]!.toUpperCase()}${scriptName.slice(1)}V${SCRIPT_VERSION}`;
}

export function defineScripts(redis: Redis): void {
  for (const script of readScriptFiles()) {
    redis.defineCommand(commandName(script.name), { numberOfKeys: script.numberOfKeys, lua: script.lua });
  }
}

type LuaArg = string | number;
/** A status, an id and a hash as `[field, value, …]`, or a negative error code. */
type StatusWithIdAndFields = [number, string, string[]] | number;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    sbCreateConversationV1(...args: LuaArg[]): Result<[number, string, number, string] | [number, string], Context>;
    sbAppendMessageV1(...args: LuaArg[]): Result<StatusWithIdAndFields, Context>;
    sbClaimConversationV1(...args: LuaArg[]): Result<number, Context>;
    sbReleaseConversationV1(...args: LuaArg[]): Result<number, Context>;
    sbSetPresenceV1(...args: LuaArg[]): Result<number, Context>;
    sbRenewPresenceV1(...args: LuaArg[]): Result<'online' | 'away' | 'offline', Context>;
    sbAssignHeadsV1(...args: LuaArg[]): Result<string[][], Context>;
    sbAbandonConversationV1(...args: LuaArg[]): Result<number, Context>;
    sbRerouteConversationV1(...args: LuaArg[]): Result<number, Context>;
    sbHitCounterV1(...args: LuaArg[]): Result<[number, number], Context>;
    sbDeleteConversationV1(...args: LuaArg[]): Result<number, Context>;
    sbRecordKpiEventV1(...args: LuaArg[]): Result<number, Context>;
    sbRateConversationV1(...args: LuaArg[]): Result<number, Context>;
    sbSumKpiBucketsV1(...args: LuaArg[]): Result<string[], Context>;
    sbSaveRoutingExampleV1(...args: LuaArg[]): Result<number, Context>;
    sbReopenConversationV1(...args: LuaArg[]): Result<number, Context>;
    sbSplitKpiCategoriesV1(...args: LuaArg[]): Result<number, Context>;
    sbRebuildKpiWeekV1(...args: LuaArg[]): Result<number, Context>;
    sbDeleteStreamEntriesV1(...args: LuaArg[]): Result<[string, ...[string, string[]][]], Context>;
    sbAddWebhookV1(...args: LuaArg[]): Result<number, Context>;
    sbPutCannedReplyV1(...args: LuaArg[]): Result<number, Context>;
    sbDeleteCannedReplyV1(...args: LuaArg[]): Result<number, Context>;
    sbPushWebhookOutboxV1(...args: LuaArg[]): Result<string | null, Context>;
    sbAckWebhookOutboxV1(...args: LuaArg[]): Result<string | null, Context>;
    sbMarkSeenV1(...args: LuaArg[]): Result<[number, string, string] | number, Context>;
  }
}

/** What each script's negative results mean; the one place they become error codes. */
const SCRIPT_ERRORS: Record<string, Record<number, ErrorCode>> = {
  createConversation: { [-1]: 'CONVERSATION_ALREADY_OPEN' },
  putCannedReply: { [-1]: 'CANNED_REPLY_NOT_FOUND', [-2]: 'CANNED_SHORTCUT_TAKEN', [-3]: 'CANNED_REPLY_LIMIT' },
  deleteCannedReply: { [-1]: 'CANNED_REPLY_NOT_FOUND' },
  appendMessage: { [-1]: 'CONVERSATION_NOT_FOUND', [-2]: 'CONVERSATION_NOT_ACTIVE', [-3]: 'CONVERSATION_NOT_ASSIGNED_TO_YOU' },
  claimConversation: {
    [-1]: 'CONVERSATION_NOT_FOUND',
    [-2]: 'CONVERSATION_NOT_WAITING',
    [-3]: 'SKILL_REQUIRED',
    [-5]: 'AGENT_OFFLINE',
    [-6]: 'AGENT_AT_CAPACITY',
  },
  reopenConversation: {
    [-1]: 'CONVERSATION_NOT_FOUND',
    [-2]: 'CONVERSATION_NOT_RESOLVED',
    [-3]: 'CONVERSATION_REOPEN_EXPIRED',
    [-4]: 'CONVERSATION_ALREADY_OPEN',
  },
  releaseConversation: {
    [-1]: 'CONVERSATION_NOT_FOUND',
    [-2]: 'CONVERSATION_NOT_ACTIVE',
    [-3]: 'CONVERSATION_NOT_ASSIGNED_TO_YOU',
    [-4]: 'TRANSFER_SAME_QUEUE',
  },
  abandonConversation: { [-1]: 'CONVERSATION_NOT_FOUND', [-2]: 'CONVERSATION_NOT_WAITING' },
  deleteConversation: { [-1]: 'CONVERSATION_NOT_FOUND' },
  rateConversation: { [-1]: 'CONVERSATION_NOT_FOUND', [-2]: 'CONVERSATION_NOT_RESOLVED', [-3]: 'RATING_ALREADY_GIVEN' },
  rerouteConversation: { [-1]: 'CONVERSATION_NOT_FOUND', [-2]: 'CONVERSATION_NOT_WAITING', [-4]: 'CONVERSATION_CHANGED' },
  addWebhook: { [-1]: 'WEBHOOK_LIMIT' },
  markSeen: { [-1]: 'CONVERSATION_NOT_FOUND', [-2]: 'MESSAGE_NOT_FOUND' },
};

/** Throws the catalogued error for a negative script result; returns non-negative results as they are. */
export function checkScriptResult(script: string, code: number, details?: Record<string, unknown>): number {
  if (code >= 0) return code;
  const errorCode = SCRIPT_ERRORS[script]?.[code];
  if (!errorCode) throw new Error(`Lua script ${script} returned unknown code ${code}`);
  throw createError(errorCode, details);
}
