/**
 * "Robin van der Berg" → "RB": the first letters of the first and last words, for the agent's
 * badge. Only letters count, so "Sam (service)" is "SS", not "S(".
 */
export function initialsOf(name: string): string {
  const words = name.split(/\s+/).map((word) => /\p{L}/u.exec(word)?.[0]).filter((letter): letter is string => letter !== undefined);
  const first = words[0] ?? '';
  const last = words.length > 1 ? words[words.length - 1]! : '';
  return (first + last).toUpperCase();
}
