/**
 * WCAG 2.x contrast, for the text drawn on a site's accent colour (launcher, header, the visitor's
 * bubbles). Pure black or white: one of the two always reaches 4.5:1 on any colour (the worst case,
 * a luminance of about 0.18, still gives 4.58:1), which a softer dark grey would not.
 */

/** `#rrggbb` → relative luminance, 0 (black) to 1 (white), as WCAG 2.2 defines it. */
export function relativeLuminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(1 + i * 2, 3 + i * 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
}

/** The contrast ratio of two `#rrggbb` colours, 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

/**
 * The text colour for `background`: white while white reaches AA (4.5:1), as brand colours usually
 * want; black otherwise.
 * @example textColorOn('#1d4ed8') // '#ffffff'
 * @example textColorOn('#fde047') // '#000000'
 */
export function textColorOn(background: string): '#ffffff' | '#000000' {
  return contrastRatio(background, '#ffffff') >= 4.5 ? '#ffffff' : '#000000';
}
