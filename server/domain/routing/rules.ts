/**
 * Site owners' routing rules: a phrase that forces a queue. Matched on whole words, ignoring case,
 * accents and punctuation, so "API key" matches "my api-key is rejected" but not "capitalize".
 */
import type { RoutingRule } from '../../store/store';

/** Lower case, no accents, every run of non-letters and non-digits as one space, padded. */
export function normalizeForRules(text: string): string {
  const plain = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  return ` ${plain} `;
}

/** The first rule, in the order they were added, whose phrase the text contains. */
export function matchRule(rules: readonly RoutingRule[], text: string): RoutingRule | null {
  if (rules.length === 0) return null;
  const haystack = normalizeForRules(text);
  for (const rule of rules) {
    const needle = normalizeForRules(rule.phrase);
    if (needle.trim() && haystack.includes(needle)) return rule;
  }
  return null;
}
