import { SupportDistribution } from '../distribution';
import { RandomStream } from '../rng';
import { rhoToken, SEP_ID, taskTag, tokenId, tokenText } from '../vocab';
import { scoreBySupport } from './score';
import { checkTaskParam } from './params';
import type { ScoreResult, TaskDefinition, TaskParams, TaskParamSpec, TaskSample } from './types';

/**
 * The dependency dial: a two-token canvas whose joint the user sets with one number, rho.
 * Position 0 is "New" or "Mexico", position 1 is "York" or "City"; each position alone is a fair
 * coin whatever rho is, so a model that only knows the marginals is blind to the dial. The
 * "matched" pairs (New York, Mexico City) weigh round(1000 (1 + rho)) each and the "mixed" pairs
 * (New City, Mexico York) round(1000 (1 - rho)) each; weight 0 pairs are left out of the support,
 * so at rho = 1 only the real cities remain and revealing both positions in one step fails half
 * the time, while at rho = 0 the positions are independent and nothing is lost.
 */
export const DIAL_CANVAS = 2;
export const DIAL_DEFAULT_RHO = 0.9;

/** The dial's one parameter; flags, the page's control and the URL key come from it. */
export const RHO_PARAM: TaskParamSpec = {
  name: 'rho',
  label: 'correlation ρ',
  default: DIAL_DEFAULT_RHO,
  min: -1,
  max: 1,
  integer: false,
  help: 'dial correlation in [-1, 1]: how strongly the two words go together (1 = only "New York" and "Mexico City", 0 = independent, -1 = only the mixed pairs)',
};

const NEW = tokenId('New');
const MEXICO = tokenId('Mexico');
const YORK = tokenId('York');
const CITY = tokenId('City');
const FIRST = [NEW, MEXICO];
const SECOND = [YORK, CITY];

/** Binary entropy in bits. */
function h2(p: number): number {
  if (p <= 0 || p >= 1) return 0;
  return -(p * Math.log2(p) + (1 - p) * Math.log2(1 - p));
}

/**
 * Total correlation C = H(X0) + H(X1) - H(X0, X1) of the dial, in bits: both marginals are
 * uniform (1 bit each) and the joint is {(1+rho)/4 twice, (1-rho)/4 twice}, whose entropy is
 * 1 + H2((1+rho)/2), so C = 1 - H2((1+rho)/2). It is 0 at rho = 0 and 1 bit at rho = +-1.
 */
export function dialTotalCorrelation(rho: number): number {
  return 1 - h2((1 + rho) / 2);
}

/** Integer weights of (New York, New City, Mexico York, Mexico City), before dropping zeros. */
export function dialWeights(rho: number): { tokens: [number, number]; weight: number }[] {
  const matched = Math.round(1000 * (1 + rho));
  const mixed = Math.round(1000 * (1 - rho));
  return [
    { tokens: [NEW, YORK], weight: matched },
    { tokens: [NEW, CITY], weight: mixed },
    { tokens: [MEXICO, YORK], weight: mixed },
    { tokens: [MEXICO, CITY], weight: matched },
  ];
}

function generate(params: TaskParams, seed: number, index: number): TaskSample {
  const rho = checkTaskParam(RHO_PARAM, params.rho);
  const pairs = dialWeights(rho).filter((p) => p.weight > 0);
  const truth = new SupportDistribution(
    DIAL_CANVAS,
    pairs.map((p) => p.tokens),
    pairs.map((p) => p.weight),
  );
  return {
    task: 'dial',
    params: { n: params.n, rho },
    seed,
    index,
    // rho rounded to a tenth is in the prompt, so a model can learn the joint; the truth uses
    // the exact rho.
    prompt: Int32Array.from([taskTag('dial'), tokenId(rhoToken(rho)), SEP_ID]),
    canvasLength: DIAL_CANVAS,
    truth,
    reference: truth.sample(new RandomStream(seed, index + 0x40000000)),
    description: `Name a city: "New" or "Mexico", then "York" or "City", with correlation rho = ${rho}`,
  };
}

function explain(sample: TaskSample, output: ArrayLike<number>): string | null {
  if (!FIRST.includes(output[0])) return `position 0 must be "New" or "Mexico", found "${tokenText(output[0])}"`;
  if (!SECOND.includes(output[1])) return `position 1 must be "York" or "City", found "${tokenText(output[1])}"`;
  const rho = sample.params.rho ?? DIAL_DEFAULT_RHO;
  return `"${tokenText(output[0])} ${tokenText(output[1])}" is impossible when rho = ${rho}`;
}

function score(sample: TaskSample, output: ArrayLike<number>): ScoreResult {
  const r = scoreBySupport(sample.truth, output, (o) => explain(sample, o));
  // Both tokens together make an impossible pair; neither is wrong alone.
  if (!r.ok && FIRST.includes(output[0]) && SECOND.includes(output[1])) r.culprits = [0, 1];
  return r;
}

export const dialTask: TaskDefinition = {
  id: 'dial',
  family: 'dial',
  title: 'Dependency dial',
  rule:
    'Write "New" or "Mexico" then "York" or "City". Matched pairs (New York, Mexico City) have ' +
    'weight 1 + rho and mixed pairs (New City, Mexico York) 1 - rho; an output is valid iff its ' +
    'pair has positive probability (at rho = 1 only the two real cities count).',
  sizes: null,
  params: [RHO_PARAM],
  generate,
  score,
};
