import { readFileSync } from 'node:fs';
import { QUEUES, type QueueName } from '../shared/queues';

/** One line of a router data file. Fields other than these are ignored. */
export interface RouterRow {
  text: string;
  /** Absent in unlabelled files (`npm run classify` on raw messages). */
  label?: QueueName;
  /** `own` (written for the project), `CDLA-Sharing-1.0`, `CC-BY-NC-4.0` … */
  licence?: string;
  /** `"none"` marks an opener with no topic signal ("hi"). */
  signal?: string;
  /** The language of the text (`en`, `fr`, `de`, `es`, `pt`); absent means English. */
  lang?: string;
}

/**
 * Reads a JSON Lines file of `{"text", "label"?, "licence"?, "signal"?, "lang"?}` rows. Blank lines are
 * skipped; a line that is not such an object throws an error naming the file and line.
 */
export function readRouterRows(path: string): RouterRow[] {
  const rows: RouterRow[] = [];
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      const where = `${path}:${i + 1}`;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw new Error(`${where}: not valid JSON`);
      }
      if (typeof value !== 'object' || value === null) throw new Error(`${where}: expected an object`);
      const row = value as Record<string, unknown>;
      if (typeof row.text !== 'string') throw new Error(`${where}: "text" must be a string`);
      if (row.label !== undefined && !QUEUES.includes(row.label as QueueName)) {
        throw new Error(`${where}: "label" must be one of ${QUEUES.join(', ')}`);
      }
      rows.push({
        text: row.text,
        ...(row.label !== undefined ? { label: row.label as QueueName } : {}),
        ...(typeof row.licence === 'string' ? { licence: row.licence } : {}),
        ...(typeof row.signal === 'string' ? { signal: row.signal } : {}),
        ...(typeof row.lang === 'string' ? { lang: row.lang } : {}),
      });
    });
  return rows;
}

/** Licences that forbid commercial use: such rows never enter a model Switchboard ships. */
export function isNonCommercial(row: RouterRow): boolean {
  return row.licence !== undefined && /\bNC\b/i.test(row.licence);
}
