import { Purpose, gumbel, openUnit } from '../rng';
import type { StepView, StrategyDefinition, VerifyRow } from './types';

/**
 * APD, adaptive parallel decoding (Israel et al.; danielmisrael/apd, dream/generation_utils.py
 * apd_sample and apd_accept_criterion). Left to right: the dLLM drafts the next M masked
 * positions in one pass; a left-to-right verifier gives, for each drafted position j, its
 * conditional given the prompt and the draft before j; the target is R·ln p_dLLM + (1 − R)·ln p_AR,
 * re-sampled with the draft's own noise; the longest prefix where target and draft agree is
 * accepted (the first token always).
 */

/** The token a target score samples at `position`, with the draft's own noise. */
function sampleTarget(view: StepView, position: number, target: Float64Array): number {
  const T = view.temperature ?? 0;
  let best = -Infinity;
  let arg = -1;
  let key = -1;
  for (let v = 0; v < target.length; v++) {
    if (target[v] === -Infinity) continue;
    if (T > 0) {
      // Gumbel-max with the same g the engine drew for the draft at this position.
      const s = target[v] / T + gumbel(openUnit(view.random(position, Purpose.gumbel, v)));
      if (s > best) {
        best = s;
        arg = v;
      }
    } else {
      // Greedy: exact ties broken by the same keys as the draft's argmax (stats.ts).
      const k = target[v] === best ? view.random(position, Purpose.tieBreak, v) : -1;
      if (target[v] > best) {
        best = target[v];
        arg = v;
        key = -1;
      } else if (target[v] === best) {
        if (key < 0) key = view.random(position, Purpose.tieBreak, arg);
        if (k > key) {
          key = k;
          arg = v;
        }
      }
    }
  }
  return arg;
}

export const APD: StrategyDefinition = {
  id: 'apd',
  title: 'APD (adaptive parallel decoding)',
  family: 'adaptive',
  rule:
    'Left to right. One dLLM pass drafts the next M masked positions (each from its marginal: argmax at T = 0, else ' +
    'Gumbel-max). A left-to-right verifier gives, for drafted position j, its conditional given the prompt and the draft ' +
    'tokens before j: with the oracle this is exact (its marginal at j given that prefix); with a neural model APD uses the same model ' +
    'as its own verifier (one extra input row per drafted position after the first, in one further call; NFE counts the dLLM passes, ' +
    'the rows are reported beside it). Target = R·ln p_dLLM + (1 − R)·ln p_AR, re-sampled with the draft’s own Gumbel noise (its tie-break keys at T = 0); ' +
    'accept the longest prefix where target and draft agree, the first token always. R = 1 accepts all M. Choices: the target is ' +
    'sampled at the decode temperature (the reference re-samples its mixture at T = 1); W, the reference’s KV-cache window, only ' +
    'saves compute there: every pass here recomputes every position, so W does not change a decode (kept so runs name it).',
  params: [
    { name: 'r', label: 'mixture R', default: 0.7, min: 0, max: 1, help: 'Weight of the dLLM in the target (1 = accept every draft).' },
    { name: 'w', label: 'KV window W', default: 16, min: 1, max: 1024, integer: true, help: 'The reference’s KV-cache window (a compute saving; no effect on tokens here).' },
    { name: 'm', label: 'lookahead M', default: 100, min: 1, max: 1024, integer: true, help: 'Most positions drafted per pass.' },
  ],
  blocks: false,
  create(params) {
    const R = params.r;
    const M = params.m;
    const draftOf = (view: StepView) => view.masked.slice(0, M);
    return {
      verifyRows(view): VerifyRow[] {
        if (R === 1) return [];
        const draft = draftOf(view);
        const rows: VerifyRow[] = [];
        const canvas = Int32Array.from(view.canvas);
        for (let k = 1; k < draft.length; k++) {
          canvas[draft[k - 1]] = view.stats.x0[draft[k - 1]];
          rows.push({ canvas: canvas.slice(), position: draft[k] });
        }
        return rows;
      },
      select(view) {
        const draft = draftOf(view);
        const { x0, confidence } = view.stats;
        let accepted = draft.length;
        if (R < 1) {
          accepted = 1;
          const target = new Float64Array(view.probabilities(draft[0]).length);
          for (let k = 1; k < draft.length; k++) {
            const p = draft[k];
            const d = view.probabilities(p);
            const a = view.verifier!(k - 1);
            for (let v = 0; v < target.length; v++) {
              const ld = R > 0 ? R * Math.log(d[v]) : 0;
              const la = (1 - R) * Math.log(a[v]);
              target[v] = R > 0 && d[v] === 0 ? -Infinity : a[v] === 0 ? -Infinity : ld + la;
            }
            if (sampleTarget(view, p, target) !== x0[p]) break;
            accepted++;
          }
        }
        const reveal = draft.slice(0, accepted);
        return { reveal, scores: reveal.map((p) => confidence[p]) };
      },
    };
  },
};
