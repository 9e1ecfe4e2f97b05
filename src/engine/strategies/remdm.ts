import { Purpose, unit24 } from '../rng';
import { MASK_ID } from '../vocab';
import { STEP_BUDGET_PARAM, stepBudget } from './common';
import type { ParamSpec, StrategyDefinition, StrategyInstance } from './types';

/**
 * ReMDM (Wang et al., "Remasking Discrete Diffusion Models with Inference-Time Scaling"): MDLM's
 * ancestral sampler on the linear schedule α = 1 − t, t_i = 1 − i/steps, where each revealed
 * position may be masked again with probability σ per step. At step i (t = t_i, s = t_{i+1}):
 *   revealed → masked with probability σ;
 *   masked → revealed with probability (α_s − (1 − σ)·α_t) / (1 − α_t), clamped to [0, 1];
 *   the last step reveals every masked position and remasks nothing.
 * The decode runs exactly `steps` forward passes. All schedule arithmetic is float32 (the GPU
 * twin receives the same numbers); coins are unit24 draws from the shared generator, with
 * Purpose.remask for remasking coins and Purpose.dreamReveal for unmasking coins.
 */

const f = Math.fround;

const STEPS = STEP_BUDGET_PARAM;
const ETA: ParamSpec = {
  name: 'eta', label: 'η', default: 0.008, min: 0, max: 1,
  help: 'Remasking strength: the per-step remasking probability (before the cap or rescale).',
};

export type RemdmVariant = 'cap' | 'rescale' | 'conf';

/** The schedule numbers of step i of `steps`, as float32. */
export function remdmSchedule(i: number, steps: number): { alphaT: number; alphaS: number; sigmaMax: number } {
  const t = f(1 - f(i / steps));
  const s = f(1 - f((i + 1) / steps));
  const alphaT = f(1 - t);
  const alphaS = f(1 - s);
  // (1 − α_s)/α_t is +∞ at α_t = 0 (step 0, when nothing is revealed anyway).
  const sigmaMax = alphaT > 0 ? Math.min(1, f(f(1 - alphaS) / alphaT)) : 1;
  return { alphaT, alphaS, sigmaMax };
}

/** Probability that a masked position is revealed at this step, given its σ. */
export function remdmUnmaskProbability(alphaT: number, alphaS: number, sigma: number): number {
  const p = f(f(alphaS - f(f(1 - sigma) * alphaT)) / f(1 - alphaT));
  return Math.min(1, Math.max(0, p));
}

/**
 * ReMDM-conf's per-position σ_i over the revealed positions: proportional to softmax(−p_at_reveal),
 * scaled so that their mean is `sigmaCap`, each clamped to 1 (float32, max-shifted softmax).
 */
export function remdmConfSigmas(pAtReveal: readonly number[], sigmaCap: number): number[] {
  const n = pAtReveal.length;
  if (n === 0) return [];
  let lo = Infinity;
  for (const p of pAtReveal) lo = Math.min(lo, p);
  const w = pAtReveal.map((p) => f(Math.exp(f(lo - p))));
  let sum = 0;
  for (const x of w) sum = f(sum + x);
  return w.map((x) => Math.min(1, f(f(f(n * x) / sum) * sigmaCap)));
}

function makeRemdm(variant: RemdmVariant, title: string, rule: string): StrategyDefinition {
  return {
    id: `remdm-${variant}`,
    title,
    family: 'remask',
    rule,
    params: [STEPS, ETA],
    blocks: false,
    create(params, ctx): StrategyInstance {
      const L = ctx.canvasLength;
      const steps = stepBudget(params, L);
      const eta = f(params.eta);
      /** The confidence of each position when it was (last) revealed (remdm-conf). */
      const pAtReveal = new Float32Array(L);
      return {
        finished: ({ step }) => step >= steps,
        select(view) {
          const { confidence } = view.stats;
          const done = (reveal: number[]) => {
            for (const p of reveal) pAtReveal[p] = confidence[p];
            return reveal;
          };
          if (view.step >= steps - 1) {
            const reveal = done(view.candidates.slice());
            return { reveal, remask: [], scores: reveal.map((p) => confidence[p]) };
          }
          const { alphaT, alphaS, sigmaMax } = remdmSchedule(view.step, steps);
          const revealed: number[] = [];
          for (let p = 0; p < L; p++) if (view.canvas[p] !== MASK_ID) revealed.push(p);

          let remask: number[];
          let unmaskP: number;
          if (variant === 'conf') {
            const sig = remdmConfSigmas(
              revealed.map((p) => pAtReveal[p]),
              Math.min(eta, sigmaMax),
            );
            remask = revealed.filter((p, j) => unit24(view.random(p, Purpose.remask)) < sig[j]);
            // Masked positions carry no confidence, so their softmax weight and σ are 0.
            unmaskP = remdmUnmaskProbability(alphaT, alphaS, 0);
          } else {
            const sigma = variant === 'cap' ? Math.min(eta, sigmaMax) : f(eta * sigmaMax);
            remask = sigma > 0 ? revealed.filter((p) => unit24(view.random(p, Purpose.remask)) < sigma) : [];
            unmaskP = remdmUnmaskProbability(alphaT, alphaS, sigma);
          }
          // Candidates are masked at the start of the step, so none of them is in `remask`.
          const reveal = done(view.candidates.filter((p) => unit24(view.random(p, Purpose.dreamReveal)) < unmaskP));
          return { reveal, remask, scores: reveal.map((p) => confidence[p]) };
        },
      };
    },
    gpu: {
      shader: 'remdm',
      constants: { CONF: variant === 'conf' ? 1 : 0 },
      remasks: true,
      // Per step: σ (cap, rescale) or the mean σ (conf), and the unmasking probability.
      schedule(params, ctx) {
        const steps = stepBudget(params, ctx.canvasLength);
        const eta = f(params.eta);
        const table = new Float32Array(2 * steps);
        for (let i = 0; i + 1 < steps; i++) {
          const { alphaT, alphaS, sigmaMax } = remdmSchedule(i, steps);
          const sigma = variant === 'rescale' ? f(eta * sigmaMax) : Math.min(eta, sigmaMax);
          table[2 * i] = sigma;
          table[2 * i + 1] = remdmUnmaskProbability(alphaT, alphaS, variant === 'conf' ? 0 : sigma);
        }
        return { steps, table };
      },
      // Per position: the confidence at its last reveal (f32 bits), for remdm-conf's σ_i.
      aux: (ctx) => ({ words: ctx.batch * ctx.canvasLength, fill: 0 }),
    },
  };
}

const SCHEDULE =
  'Linear schedule α_t = 1 − t over a fixed number of steps; masked positions are revealed with probability ' +
  '(α_s − (1 − σ)α_t)/(1 − α_t), everything left on the last step.';

export const REMDM_CAP = makeRemdm(
  'cap',
  'ReMDM (cap)',
  `Each revealed position is remasked with probability σ = min(η, (1 − α_s)/α_t) per step. ${SCHEDULE}`,
);

export const REMDM_RESCALE = makeRemdm(
  'rescale',
  'ReMDM (rescale)',
  `Each revealed position is remasked with probability σ = η·min(1, (1 − α_s)/α_t) per step. ${SCHEDULE}`,
);

export const REMDM_CONF = makeRemdm(
  'conf',
  'ReMDM (confidence)',
  'Revealed position i is remasked with probability σ_i ∝ softmax(−p_at_reveal) over the revealed positions, scaled so that ' +
    'their mean is min(η, (1 − α_s)/α_t), clamped to 1: tokens revealed with low confidence are remasked first. ' +
    `Masked positions have σ = 0. ${SCHEDULE}`,
);

export const REMDM_STRATEGIES: StrategyDefinition[] = [REMDM_CAP, REMDM_RESCALE, REMDM_CONF];
