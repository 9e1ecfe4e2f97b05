import { describe, expect, it } from 'vitest';
import { contrast, inkOn, viridisRgb } from '../../src/ui/colors';
import { GLOSSARY } from '../../src/ui/glossary';

describe('heat colours', () => {
  it('text on every heat colour has at least 4.5:1 contrast (WCAG AA)', () => {
    let worst = Infinity;
    for (let i = 0; i <= 1000; i++) {
      const c = viridisRgb(i / 1000);
      const ink = inkOn(i / 1000) === '#000' ? [0, 0, 0] : [255, 255, 255];
      worst = Math.min(worst, contrast(c, ink));
    }
    expect(worst).toBeGreaterThanOrEqual(4.5);
    // The old rule (white up to 0.62, #111 above) failed on the middle teal: the check can fail.
    expect(contrast(viridisRgb(0.45), [255, 255, 255])).toBeLessThan(4.5);
  });

  it('glossary ids are unique', () => {
    expect(new Set(GLOSSARY.map((g) => g.id)).size).toBe(GLOSSARY.length);
  });
});
