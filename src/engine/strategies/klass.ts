import { above, rankDescending, topK } from './common';
import { VOCAB_SIZE } from '../vocab';
import type { StrategyDefinition } from './types';

/**
 * KLASS (KL-Adaptive Stability Sampling): a masked position is ready when it is confident and its
 * predicted distribution has stopped moving. Per sequence (one instance per sequence), the
 * instance keeps every masked position's probability row from the previous step and how many
 * consecutive most recent steps its KL(p_now || p_prev) stayed below τ_KL.
 */

const f = Math.fround;
/** Floor for p_prev inside the log (float32-representable, as the GPU twin uses). */
export const KL_FLOOR = f(1e-30);

/**
 * KL(p_now || p_prev) in nats, in the order the GPU twin mirrors: sum over v with p_now > 0 of
 * p_now · (ln p_now − ln max(p_prev, 1e-30)), each operation rounded to float32.
 */
export function klDivergence(now: ArrayLike<number>, prev: ArrayLike<number>): number {
  let kl = 0;
  for (let v = 0; v < now.length; v++) {
    const p = now[v];
    if (!(p > 0)) continue;
    const q = Math.max(prev[v], KL_FLOOR);
    kl = f(kl + f(p * f(f(Math.log(p)) - f(Math.log(q)))));
  }
  return kl;
}

export const KLASS: StrategyDefinition = {
  id: 'klass',
  title: 'KLASS (KL-stable confidence)',
  family: 'adaptive',
  rule:
    'Reveal every candidate whose confidence is above τ_c (strictly) and whose KL(p_now ‖ p_prev) in nats stayed below τ_KL ' +
    'at each of the last H steps (so not before step H); if none qualifies, reveal the k most confident.',
  params: [
    { name: 'confThreshold', label: 'confidence τ_c', default: 0.9, min: 0, max: 1, help: 'Confidence needed to reveal (strictly above).' },
    { name: 'klThreshold', label: 'KL threshold τ_KL', default: 0.01, min: 0, max: 10, help: 'KL (nats) to the previous step’s row must stay strictly below this.' },
    { name: 'history', label: 'history H', default: 2, min: 1, max: 16, integer: true, help: 'Number of consecutive steps the KL must stay below τ_KL.' },
    { name: 'k', label: 'fallback k', default: 1, min: 1, max: 64, integer: true, help: 'When no position qualifies, reveal the k most confident.' },
  ],
  blocks: true,
  create(params) {
    const tauC = params.confThreshold;
    const tauKL = f(params.klThreshold);
    const H = params.history;
    const k = params.k;
    /** Per masked position: its row at the previous step and its run of KL values below τ_KL. */
    const history = new Map<number, { prev: Float32Array; stable: number }>();
    return {
      select(view) {
        // Update the history of every masked position (not only the block's), so that a later
        // block starts with a warm history. Revealed positions never come back (no remasking).
        const maskedSet = new Set(view.masked);
        for (const p of [...history.keys()]) if (!maskedSet.has(p)) history.delete(p);
        for (const p of view.masked) {
          const now = view.probabilities(p);
          const h = history.get(p);
          if (h) {
            h.stable = klDivergence(now, h.prev) < tauKL ? h.stable + 1 : 0;
            h.prev.set(now);
          } else {
            history.set(p, { prev: Float32Array.from(now), stable: 0 });
          }
        }
        const { confWeight, sumWeight, confidence } = view.stats;
        const ranked = rankDescending(view.candidates, (p) => confidence[p]);
        let reveal = ranked.filter((p) => history.get(p)!.stable >= H && above(confWeight[p], sumWeight[p], tauC));
        if (reveal.length === 0) reveal = topK(view.candidates, (p) => confidence[p], k);
        return { reveal, scores: reveal.map((p) => confidence[p]) };
      },
    };
  },
  gpu: {
    shader: 'klass',
    uniforms: [['threshold', 'f32'], ['kl_threshold', 'f32'], ['history', 'u32'], ['k', 'u32']],
    uniformValues: (params) => ({ threshold: params.confThreshold, kl_threshold: params.klThreshold, history: params.history, k: params.k }),
    // Per position: the run of stable steps; NEVER = no previous row yet.
    aux: (ctx) => ({ words: ctx.batch * ctx.canvasLength, fill: 0xffffffff }),
    prepass: {
      shader: 'klass_history',
      dispatch: 'positions',
      predRow: true,
      bindings: [
        { name: 'canvas', access: 'read', type: 'array<i32>' },
        { name: 'state', access: 'read', type: 'array<u32>' },
        { name: 'pred', access: 'read', type: 'array<u32>' },
        { name: 'prev', access: 'read_write', type: 'array<f32>' },
        { name: 'stable', access: 'read_write', type: 'array<u32>', buffer: 'aux' },
      ],
      scratch: { prev: (ctx) => ctx.batch * ctx.canvasLength * VOCAB_SIZE },
    },
  },
};
