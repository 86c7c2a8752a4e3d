/**
 * Canned replies in the composer: which replies a typed `/shortcut` offers, and a reply's text with
 * its placeholders filled in. Pure functions, shared by the console and the tests.
 */

/** What the placeholders are filled from; any may be missing. */
export interface CannedContext {
  visitorName?: string | undefined;
  agentName?: string | undefined;
  siteName?: string | undefined;
}

/** Said instead of a name nobody gave: "Hi {{visitor.firstName}}" reads "Hi there". */
export const UNKNOWN_VISITOR = 'there';

const firstWord = (name: string | undefined) => name?.trim().split(/\s+/)[0] || undefined;

const PLACEHOLDERS: Record<string, (c: CannedContext) => string> = {
  'visitor.firstName': (c) => firstWord(c.visitorName) ?? UNKNOWN_VISITOR,
  'visitor.name': (c) => c.visitorName?.trim() || UNKNOWN_VISITOR,
  'agent.name': (c) => c.agentName?.trim() || 'your agent',
  'agent.firstName': (c) => firstWord(c.agentName) ?? 'your agent',
  'site.name': (c) => c.siteName?.trim() || 'our team',
};

/** The names a reply may use, for the management panel's help. */
export const CANNED_PLACEHOLDERS = Object.keys(PLACEHOLDERS).map((name) => `{{${name}}}`);

/** `{{visitor.firstName}}` and the others filled in; an unknown placeholder is left out (never shown raw to a visitor). */
export function expandCannedText(text: string, context: CannedContext): string {
  return text.replace(/\{\{\s*([a-zA-Z.]+)\s*\}\}/g, (_all, name: string) => PLACEHOLDERS[name]?.(context) ?? '');
}

/**
 * The `/shortcut` being typed at the end of a draft (at its start or after a space or new line),
 * or null: the picker opens while one is being typed.
 */
export function typedShortcut(draft: string): string | null {
  const match = /(?:^|\s)\/([a-z0-9_-]*)$/i.exec(draft);
  return match ? match[1]!.toLowerCase() : null;
}

/** The replies whose shortcut starts with what was typed first, then those that contain it. */
export function matchShortcut<T extends { shortcut: string }>(replies: T[], typed: string): T[] {
  const starts = replies.filter((r) => r.shortcut.startsWith(typed));
  return [...starts, ...replies.filter((r) => !r.shortcut.startsWith(typed) && r.shortcut.includes(typed))];
}

/** The draft with the typed `/shortcut` replaced by `text`. */
export function insertCanned(draft: string, text: string): string {
  return draft.replace(/\/[a-z0-9_-]*$/i, text);
}
