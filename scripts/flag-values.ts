/**
 * Command-line text turned into the value it spells, and nothing more: whether the value is allowed
 * is the schema's call. Text that spells no value is passed on as text, so the schema's error names
 * the field it is wrong for.
 */
export const booleanOf = (text: string): boolean | string => (text === 'true' ? true : text === 'false' ? false : text);
export const numberOf = (text: string): number | string => (/^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text);
export const listOf = (text: string): string[] => text.split(',').map((item) => item.trim()).filter(Boolean);
