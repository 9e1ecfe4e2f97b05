/**
 * Viridis (perceptually uniform, readable with every common colour-vision deficiency), sampled at
 * nine stops and interpolated. Never red/green: the heat must not depend on telling them apart.
 */
const VIRIDIS = [
  [68, 1, 84], [72, 40, 120], [62, 73, 137], [49, 104, 142], [38, 130, 142],
  [31, 158, 137], [53, 183, 121], [109, 205, 89], [180, 222, 44], [253, 231, 37],
];

export function viridisRgb(t: number): [number, number, number] {
  const x = Math.max(0, Math.min(1, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const c = VIRIDIS[i].map((v, k) => Math.round(v + (VIRIDIS[i + 1][k] - v) * f));
  return [c[0], c[1], c[2]];
}

export function viridis(t: number): string {
  const c = viridisRgb(t);
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/** WCAG relative luminance of an sRGB colour (0..255 channels). */
export function luminance([r, g, b]: readonly number[]): number {
  const lin = (v: number) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** WCAG contrast ratio of two colours. */
export function contrast(a: readonly number[], b: readonly number[]): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

/**
 * Text colour on viridis(t): pure black or white, whichever contrasts more. Viridis's middle teal
 * is the hard case (about 4.8:1 with black, 4.4:1 with white), so the dark ink is pure black.
 */
export function inkOn(t: number): string {
  const c = viridisRgb(t);
  return contrast(c, [0, 0, 0]) >= contrast(c, [255, 255, 255]) ? '#000' : '#fff';
}

/** Distinct, colour-blind-safe series colours (Okabe–Ito), paired with distinct marker shapes. */
export const SERIES = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];
export const SHAPES = ['circle', 'square', 'triangle', 'diamond', 'cross', 'star', 'wye'] as const;
