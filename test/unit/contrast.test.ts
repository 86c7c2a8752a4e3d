import { describe, expect, it } from 'vitest';
import { contrastRatio, relativeLuminance, textColorOn } from '../../shared/contrast';

describe('the text colour on a site’s accent (WCAG AA, 4.5:1)', () => {
  it('computes WCAG luminance and ratios', () => {
    expect(relativeLuminance('#000000')).toBe(0);
    expect(relativeLuminance('#ffffff')).toBeCloseTo(1, 10);
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 10);
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
    expect(contrastRatio('#ffffff', '#777777')).toBe(contrastRatio('#777777', '#ffffff'));
  });

  it('keeps white on dark brand colours and turns to black on light ones', () => {
    expect(textColorOn('#1d4ed8')).toBe('#ffffff');
    expect(textColorOn('#0f766e')).toBe('#ffffff');
    expect(textColorOn('#fde047')).toBe('#000000');
    expect(textColorOn('#ffffff')).toBe('#000000');
    // Just under 4.5:1 with white: black, though white "looks" fine to many eyes.
    expect(textColorOn('#777777')).toBe('#000000');
    expect(textColorOn('#767676')).toBe('#ffffff');
  });

  it('reaches 4.5:1 on every colour of a 4,096-colour grid', () => {
    const steps = Array.from({ length: 16 }, (_, i) => (i * 17).toString(16).padStart(2, '0'));
    for (const r of steps) for (const g of steps) for (const b of steps) {
      const background = `#${r}${g}${b}`;
      expect(contrastRatio(background, textColorOn(background)), background).toBeGreaterThanOrEqual(4.5);
    }
  });
});
