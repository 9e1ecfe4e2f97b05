import { rankDescending } from './common';
import type { StrategyDefinition } from './types';

/**
 * Slack on ε: the CPU accepts a set while C <= ε + TC_SLACK (f64 entropies of independent
 * positions differ from 0 by ~1e-15). The GPU receives the same f32(ε + TC_SLACK).
 */
export const TC_SLACK = 1e-12;

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
          if (tc > eps + TC_SLACK) break;
          chosen.push(p);
          sumH += h;
        }
        return { reveal: chosen, scores: chosen.map((p) => confidence[p]) };
      },
    };
  },
  gpu: {
    shader: 'tc_bound',
    uniforms: [['epsilon', 'f32']],
    uniformValues: (params) => ({ epsilon: params.epsilon + TC_SLACK }),
    // [0, batch): the count per sequence; then 4 scratch words per support member.
    aux: (ctx) => ({ words: ctx.batch + 4 * ctx.totalMembers, fill: 0 }),
    prepass: {
      shader: 'tc_bound_count',
      dispatch: 'sequences',
      rank: true,
      bindings: [
        { name: 'info', access: 'read', type: 'array<u32>' },
        { name: 'canvas', access: 'read', type: 'array<i32>' },
        { name: 'stats', access: 'read', type: 'array<f32>' },
        { name: 'members', access: 'read', type: 'array<u32>' },
        { name: 'member_weight', access: 'read', type: 'array<u32>' },
        { name: 'mis', access: 'read', type: 'array<u32>' },
        { name: 'perm', access: 'read', type: 'array<i32>' },
        { name: 'aux', access: 'read_write', type: 'array<atomic<u32>>' },
      ],
    },
  },
};
