import { rankDescending } from './common';
import type { StepView, StrategyDefinition } from './types';

/**
 * SlowFast sampling (LiangrunFlora/Slow-Fast-Sampling, sampling_utils/generate_slow_fast_sampling.py).
 * Per block, sub-cycles: a slow exploration phase that estimates how far the model is confident
 * (the span), then a fast phase that fills that span.
 */

const EXPLORE_STEPS = 6;
const WINDOW = 2;

/** Reveal rule of both phases inside [from, to): all masks with confidence ≥ τ if more than one qualifies, else the top-1. */
function fill(view: StepView, from: number, to: number, high: number): number[] {
  const { confidence } = view.stats;
  const scope = view.candidates.filter((p) => p >= from && p < to);
  const hi = scope.filter((p) => confidence[p] >= high);
  if (hi.length > 1) return hi;
  return rankDescending(scope, (p) => confidence[p]).slice(0, 1);
}

export const SLOWFAST: StrategyDefinition = {
  id: 'slowfast',
  title: 'SlowFast sampling',
  family: 'adaptive',
  rule:
    'Per block, sub-cycles starting where the previous span ended (offset e). Slow phase, 6 passes: each estimates the span end as ' +
    'e + (index of the farthest mask at or after e with confidence ≥ τ_span) + 1 (e + 1 when none), clamped to [1, block]; once the last 2 ' +
    'estimates have standard deviation < 1 (for two integers a, b: |a − b| < 2) the span is fixed at the last one (otherwise, at the 6th pass, ' +
    'at their mean, floored: ⌊(a + b)/2⌋); every slow ' +
    'pass also reveals, among the masks at or after e, all with confidence ≥ τ_high if more than one qualifies, else the most confident. Fast ' +
    'phase: the same reveal rule inside the fixed span until it is full; then the next sub-cycle. Choices: a block that fills up ends (the ' +
    'reference spends its remaining slow passes on it, changing nothing); ties go to the lower position.',
  params: [
    { name: 'spanThreshold', label: 'span threshold τ_span', default: 0.3, min: 0, max: 1, help: 'Confidence that counts a mask as inside the span (≥).' },
    { name: 'highThreshold', label: 'fill threshold τ_high', default: 0.9, min: 0, max: 1, help: 'Confidence that reveals in parallel (≥, when more than one).' },
  ],
  blocks: true,
  create(params) {
    const tauSpan = Math.fround(params.spanThreshold);
    const tauHigh = Math.fround(params.highThreshold);
    let block = -1;
    let offset = 0;
    let span = 0;
    let explore = 0;
    let fixed = false;
    let history: number[] = [];
    const newCycle = () => {
      explore = 0;
      fixed = false;
      history = [];
    };
    return {
      select(view) {
        const { start, end } = view.block;
        const B = end - start;
        if (view.block.index !== block) {
          block = view.block.index;
          offset = 0;
          newCycle();
        }
        // A fast phase whose span is full hands over to the next sub-cycle without a pass.
        if (explore >= EXPLORE_STEPS && !view.candidates.some((p) => p < start + span)) {
          offset = span;
          newCycle();
        }
        if (explore < EXPLORE_STEPS) {
          if (!fixed) {
            const from = start + offset;
            let farthest = -1;
            for (const p of view.candidates) if (p >= from && view.stats.confidence[p] >= tauSpan) farthest = p;
            const inc = farthest >= 0 ? farthest - from + 1 : 1;
            const est = Math.min(B, Math.max(1, offset + inc));
            history.push(est);
            if (history.length > WINDOW) history.shift();
            if (history.length >= WINDOW) {
              // Two integer estimates a, b: sd = |a − b|/2 < 1 ⟺ |a − b| < 2, mean floored = ⌊(a + b)/2⌋
              // (integers, so that the GPU twin takes the same decisions).
              const [a, b] = history;
              if (Math.abs(a - b) < 2) {
                span = est;
                fixed = true;
              } else {
                span = Math.max(1, Math.min(B, Math.floor((a + b) / 2)));
                fixed = explore === EXPLORE_STEPS - 1;
              }
            } else span = est;
          }
          explore++;
          const reveal = fill(view, start + offset, end, tauHigh);
          return { reveal, scores: reveal.map((p) => view.stats.confidence[p]) };
        }
        const reveal = fill(view, start + offset, start + span, tauHigh);
        return { reveal, scores: reveal.map((p) => view.stats.confidence[p]) };
      },
    };
  },
  gpu: {
    shader: 'slowfast',
    uniforms: [['span_threshold', 'f32'], ['high_threshold', 'f32']],
    uniformValues: (params) => ({ span_threshold: params.spanThreshold, high_threshold: params.highThreshold }),
    // Per sequence, the state above: block, offset, span, explore, fixed, estimates so far, the
    // last two estimates (8 words; block NEVER = none yet).
    aux: (ctx) => ({ words: ctx.batch * 8, fill: 0xffffffff }),
  },
};
