import { Purpose, gumbel, lnF32, openUnit } from '../rng';
import type { StepView, StrategyDefinition, VerifyRow } from './types';

/**
 * APD, adaptive parallel decoding (Israel et al.; danielmisrael/apd, dream/generation_utils.py
 * apd_sample and apd_accept_criterion). Left to right: the dLLM drafts the next M masked
 * positions in one pass; a left-to-right verifier gives, for each drafted position j, its
 * conditional given the prompt and the draft before j; the target is R·ln p_dLLM + (1 − R)·ln p_AR,
 * re-sampled with the draft's own noise; the longest prefix where target and draft agree is
 * accepted (the first token always).
 * GPU: shaders/oracle_draft*.wgsl (the oracle's verifier rows; noise.wgsl adds their noise),
 * shaders/strategies/apd_verify.wgsl (target and agreement) and apd.wgsl (the accepted prefix).
 */

const f = Math.fround;

/**
 * The mixture target at one drafted position, in float32 as shaders/strategies/apd_verify.wgsl
 * computes it: t_v = f32(f32(R ln d_v) + f32((1 − R) ln a_v)) with ln = lnF32 (the bit twin of the
 * shader's ln_f32) of the float32 probabilities; −∞ where d_v = 0 (R > 0) or a_v = 0. Both sides
 * round the same operations, so exact ties stay ties and mathematically tied but differently
 * composed targets round apart identically on CPU and GPU.
 */
export function apdTarget(R: number, d: Float32Array, a: Float32Array, out: Float32Array): void {
  const r = f(R);
  const rest = f(1 - R);
  for (let v = 0; v < out.length; v++) {
    if ((r > 0 && d[v] === 0) || a[v] === 0) out[v] = -Infinity;
    else out[v] = f((r > 0 ? f(r * lnF32(d[v])) : 0) + f(rest * lnF32(a[v])));
  }
}

/** The token a target samples at `position`, with the draft's own noise (stats.ts's x0 rule). */
function sampleTarget(view: StepView, position: number, target: Float32Array): number {
  const T = view.temperature ?? 0;
  const invT = T > 0 ? f(1 / T) : 0;
  let best = -Infinity;
  let arg = -1;
  let key = -1;
  for (let v = 0; v < target.length; v++) {
    if (target[v] === -Infinity) continue;
    if (T > 0) {
      // Gumbel-max with the same g the engine drew for the draft at this position.
      const s = f(f(target[v] * invT) + gumbel(openUnit(view.random(position, Purpose.gumbel, v))));
      if (arg < 0 || s > best) {
        best = s;
        arg = v;
      }
    } else if (target[v] > best) {
      best = target[v];
      arg = v;
      key = -1;
    } else if (target[v] === best) {
      // Greedy: exact ties go to the tied token with the largest tie-break key (stats.ts).
      if (key < 0) key = view.random(position, Purpose.tieBreak, arg);
      const k = view.random(position, Purpose.tieBreak, v);
      if (k > key) {
        key = k;
        arg = v;
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
    'saves compute there: every pass here recomputes every position, so W does not change a decode (kept so runs name it). ' +
    'The target is computed in float32 (ln as the GPU kernel computes it, reproduced bit for bit on the CPU), so exact ties stay ties ' +
    'and CPU and GPU accept the same prefix. On the GPU the oracle (with or without noise) computes the verifier rows in place; with a ' +
    'neural model and R < 1 APD runs on the CPU engine.',
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
          const target = new Float32Array(view.probabilities(draft[0]).length);
          for (let k = 1; k < draft.length; k++) {
            const p = draft[k];
            apdTarget(R, view.probabilities(p), view.verifier!(k - 1), target);
            if (sampleTarget(view, p, target) !== x0[p]) break;
            accepted++;
          }
        }
        const reveal = draft.slice(0, accepted);
        return { reveal, scores: reveal.map((p) => confidence[p]) };
      },
    };
  },
  gpu: {
    shader: 'apd',
    uniforms: [['r', 'f32'], ['rest', 'f32'], ['m', 'u32']],
    uniformValues: (params) => ({ r: params.r, rest: 1 - params.r, m: params.m }),
    // The oracle's verifier rows (shaders/oracle_draft*.wgsl, rows `vhist`, noisy as `vlogits`), none at R = 1.
    draftRows: (params) => (params.r < 1 ? params.m : 0),
    // Per position: whether the target at that drafted position samples its draft token.
    aux: (ctx) => ({ words: ctx.batch * ctx.canvasLength, fill: 0 }),
    prepass: {
      shader: 'apd_verify',
      dispatch: 'positions',
      predRow: true,
      bindings: [
        { name: 'info', access: 'read', type: 'array<u32>' },
        { name: 'state', access: 'read', type: 'array<u32>' },
        { name: 'pred', access: 'read', type: 'array<u32>' },
        { name: 'vpred', access: 'read', type: 'array<u32>' }, // the verifier rows: weights, or (noise) logits bits
        { name: 'draft_tok', access: 'read', type: 'array<u32>' },
        { name: 'agree', access: 'read_write', type: 'array<u32>', buffer: 'aux' },
      ],
    },
  },
};
