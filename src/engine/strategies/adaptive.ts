import { above, rankDescending } from './common';
import type { StrategyDefinition } from './types';

/** Rules whose step size is decided by the scores (Fast-dLLM's threshold and factor, EB). */

export const THRESHOLD: StrategyDefinition = {
  id: 'threshold',
  title: 'Confidence threshold',
  family: 'adaptive',
  rule: 'Reveal every candidate whose confidence is above the threshold (strictly, as Fast-dLLM\'s code), and always the most confident one.',
  params: [{ name: 'threshold', label: 'threshold γ', default: 0.9, min: 0, max: 1, help: 'Confidence needed to reveal.' }],
  blocks: true,
  create(params) {
    const gamma = params.threshold;
    return {
      select(view) {
        const { confWeight, sumWeight, confidence } = view.stats;
        const ranked = rankDescending(view.candidates, (p) => confidence[p]);
        const reveal = ranked.filter((p, i) => i === 0 || above(confWeight[p], sumWeight[p], gamma));
        return { reveal, scores: reveal.map((p) => confidence[p]) };
      },
    };
  },
};

export const FACTOR: StrategyDefinition = {
  id: 'factor',
  title: 'Confidence factor',
  family: 'adaptive',
  rule:
    'Sort confidences c(1) ≥ c(2) ≥ …; reveal the largest n with (n + 1)(1 − c(n)) < f, at least one (Fast-dLLM). ' +
    "We do not copy the reference code's quirk of accepting all when only the last fails.",
  params: [{ name: 'factor', label: 'factor f', default: 1, min: 0, max: 64, help: 'Larger f reveals more per step.' }],
  blocks: true,
  create(params) {
    const factor = Math.fround(params.factor);
    return {
      select(view) {
        const { confWeight, sumWeight, confidence } = view.stats;
        const ranked = rankDescending(view.candidates, (p) => confidence[p]);
        // (n+1)(1 - w/s) < f  <=>  (n+1)(s - w) < f s, exact for the oracle's integer weights.
        let count = 1;
        for (let n = 1; n <= ranked.length; n++) {
          const p = ranked[n - 1];
          const lhs = Math.fround((n + 1) * Math.fround(sumWeight[p] - confWeight[p]));
          if (lhs < Math.fround(factor * sumWeight[p])) count = n;
        }
        const reveal = ranked.slice(0, count);
        return { reveal, scores: reveal.map((p) => confidence[p]) };
      },
    };
  },
};

export const EB_SAMPLER: StrategyDefinition = {
  id: 'eb',
  title: 'EB-sampler',
  family: 'adaptive',
  rule: 'Sort candidates by entropy (nats), lowest first; reveal the longest prefix U with Σ_U H − max_U H ≤ γ, at least one.',
  params: [{ name: 'gamma', label: 'error budget γ', default: 0.1, min: 0, max: 100, help: 'Entropy budget in nats.' }],
  blocks: true,
  create(params) {
    const gamma = Math.fround(params.gamma);
    return {
      select(view) {
        const { entropy } = view.stats;
        const ranked = rankDescending(view.candidates, (p) => -entropy[p]);
        let sum = 0;
        let count = 0;
        for (const p of ranked) {
          sum = Math.fround(sum + entropy[p]);
          // sorted ascending, so the prefix's max is its last entropy
          if (count > 0 && Math.fround(sum - entropy[p]) > gamma) break;
          count++;
        }
        const reveal = ranked.slice(0, Math.max(1, count));
        return { reveal, scores: reveal.map((p) => -entropy[p]) };
      },
    };
  },
};

export const TC_BOUND: StrategyDefinition = {
  id: 'tc-bound',
  title: 'Total-correlation bound (oracle)',
  family: 'oracle',
  rule:
    'Grow the set revealed this step in order of confidence while its exact total correlation given the revealed ' +
    'tokens stays at most ε bits: the fastest decode that perfect knowledge of the dependencies allows at (almost) no loss.',
  params: [{ name: 'epsilon', label: 'ε (bits)', default: 0.01, min: 0, max: 64, help: 'Total correlation allowed per step.' }],
  blocks: true,
  oracleOnly: true,
  create(params) {
    const eps = params.epsilon;
    return {
      select(view) {
        const cond = view.truth();
        if (!cond) throw new Error('tc-bound needs the exact oracle');
        const { confidence } = view.stats;
        const ranked = rankDescending(view.candidates, (p) => confidence[p]);
        const chosen = [ranked[0]];
        let sumH = cond.jointEntropy([ranked[0]]);
        for (const p of ranked.slice(1)) {
          const h = cond.jointEntropy([p]);
          const tc = sumH + h - cond.jointEntropy([...chosen, p]);
          if (tc > eps + 1e-12) break;
          chosen.push(p);
          sumH += h;
        }
        return { reveal: chosen, scores: chosen.map((p) => confidence[p]) };
      },
    };
  },
};
