/**
 * The CSV form of a metrics report: one row for the totals, then one per group, every figure a
 * column, named by its path in the JSON (`waitMs.median`). Empty for null. The same function
 * writes the server's CSV and lets tests and the console read one back against the JSON.
 */
import type { KpiFigures, MetricsReport } from './schemas';

type Flat = [column: string, value: number | null][];

/** Every figure of one row, in a fixed order (the FRT histogram stays out: it is a chart, not a figure). */
export function flattenFigures(figures: KpiFigures): Flat {
  const out: Flat = [];
  const walk = (prefix: string, value: unknown) => {
    if (value === null || typeof value === 'number') out.push([prefix, value]);
    else if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, inner] of Object.entries(value)) walk(prefix ? `${prefix}.${key}` : key, inner);
    }
  };
  walk('', figures);
  return out;
}

const cell = (text: string) => (/[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);

export function metricsToCsv(report: MetricsReport): string {
  const rows = [{ key: 'total', label: 'total', figures: report.totals }, ...report.groups];
  const columns = flattenFigures(report.totals).map(([name]) => name);
  const lines = [['group', 'label', ...columns].join(',')];
  for (const row of rows) {
    const values = flattenFigures(row.figures).map(([, v]) => (v === null ? '' : String(v)));
    lines.push([cell(row.key), cell(row.label), ...values].join(','));
  }
  return lines.join('\n') + '\n';
}
