import { describe, expect, it } from 'vitest';
import { plotSvg } from '../../src/cli/plot';
import type { SweepRecord } from '../../src/engine/sweep';

const rec = (strategy: string, tps: number, score: number): SweepRecord => ({
  task: 'letters/shuffle', n: 6, strategy, params: { k: tps }, samples: 100, correct: score * 100, score,
  ci95: [Math.max(0, score - 0.1), Math.min(1, score + 0.1)], tps, nfe: 6 / tps, canvasLength: 6, seconds: 0, backend: 'cpu', seed: 0,
});

describe('plotSvg', () => {
  it('draws one curve and one legend entry per strategy, points ordered by TPS', () => {
    const svg = plotSvg([rec('topk-random', 2, 0.3), rec('topk-random', 1, 1), rec('threshold', 1.5, 0.9)]);
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg).toContain('>topk-random<');
    expect(svg).toContain('>threshold<');
    const pts = /<polyline[^>]*points="([^"]+)"/.exec(svg)![1].split(' ').map((p) => Number(p.split(',')[0]));
    expect(pts[0]).toBeLessThan(pts[1]);
  });
  it('draws the oracle star where given, with a legend entry', () => {
    expect(plotSvg([rec('threshold', 1, 1)])).not.toContain('oracle-star');
    const svg = plotSvg([rec('threshold', 1, 1), rec('threshold', 2, 0.5)], undefined, { tps: 4, score: 0.8, label: 'oracle star' });
    expect(svg.match(/class="oracle-star"/g)).toHaveLength(1);
    expect(svg).toContain('>oracle star<');
    // The axis stretches to the star's TPS (a tick at 4).
    expect(svg).toMatch(/text-anchor="middle">4</);
  });
  it('escapes names', () => {
    expect(plotSvg([rec('a<b', 1, 1)])).toContain('a&lt;b');
  });
});
