import { STRATEGIES } from '../engine/strategies';
import { LESSON_COUNT, fromQuery, type ViewSettings } from './settings';

/**
 * The lesson track: eight short lessons, each a preset (the full URL state, so every lesson is a
 * link a teacher can share: ?lesson=N), a few sentences for a first-year student, one thing to
 * notice, and one "try this" change on top of the preset.
 */
export interface Lesson {
  title: string;
  /** URL query of the preset (every setting it needs; the rest take their defaults). */
  preset: string;
  /** A few sentences; may depend on what the page offers at run time (the strategy table). */
  text: () => string;
  notice: string;
  /** One change to try: a label and the query applied on top of the preset. */
  tryThis: { label: string; query: string };
}

const has = (id: string) => STRATEGIES.some((s) => s.id === id);

export const LESSONS: readonly Lesson[] = [
  {
    title: 'One step of masked diffusion',
    preset: 'task=letters/copy&n=6&a=topk-confidence&a.k=1&compare=0&step=1&heat=confidence',
    text: () =>
      'A masked-diffusion language model writes its answer on a canvas that starts fully masked (▒). At every step it looks at the prompt and the canvas, guesses a token for every masked position (its guess x₀), and keeps some of those guesses: they are revealed. Here the task is to copy six letters, and one token is revealed per step.',
    notice: 'After step 1 exactly one cell is revealed (★). The colour of each still-masked cell is the model’s confidence in its guess there.',
    tryThis: { label: 'Reveal two tokens per step', query: 'a.k=2&step=end' },
  },
  {
    title: 'Tokens revealed together are drawn independently',
    preset: 'task=letters/shuffle&n=4&seed=1&a=topk-confidence&a.k=1&b=topk-confidence&b.k=3&compare=1&step=end',
    text: () =>
      'Now the letters must come back in any order, each exactly once. The model knows this perfectly (it is the exact oracle), so every single guess is reasonable. But when a step reveals several positions, each is drawn from its own guess, independently of the others. A reveals one letter per step; B reveals three at once. Text breaks the same way: in the summary task (text/summarize, in our small toy language) a name or a place revealed in the same step as another can mix with it, and the summary then says something the dialogue never did.',
    notice: 'B repeats a letter or drops one: two positions that were each fine alone picked the same letter. A, one token per step, is always valid.',
    tryThis: { label: 'Another prompt (seed 2)', query: 'seed=2' },
  },
  {
    title: 'Total correlation, made visible',
    preset: 'task=dial&rho=1&seed=3&a=topk-confidence&a.k=1&a.temp=1&b=topk-confidence&b.k=2&b.temp=1&compare=1&step=end',
    text: () =>
      'The dial is the smallest possible dependency: an answer of two words whose link is set by ρ. B reveals both words in one step. The bits of dependence it throws away are the total correlation of that step; with two positions it is just their mutual information. The paper shows this sum bounds the error of a parallel decode from below.',
    notice: 'At ρ = 1 only “New York” and “Mexico City” exist. In B’s “Where dependencies broke” panel the total correlation is 1 bit and P(valid combination) is 0.5: half the time B names a city that does not exist.',
    tryThis: { label: 'Set ρ = 0 (independent words)', query: 'rho=0' },
  },
  {
    title: 'Why the order matters',
    preset: 'task=waiting-line/shuffle&n=3&seed=2&a=topk-confidence&a.k=2&b=topk-random&b.k=2&compare=1&step=0',
    text: () =>
      'Both decodes reveal two tokens per step; only the order differs. Confidence-first reveals the easy padding ([EOS], commas) first, so at the end only the names are left, and they must be revealed two at a time, first and last names together. Random order spreads the names over the whole decode, mixed with padding, so fewer dependent tokens share a step.',
    notice: 'Step with → (padding-only steps are skipped): A spends its early steps on padding and reveals names in pairs at the end; compare the total correlation of those steps with B’s.',
    tryThis: { label: 'Another prompt (seed 3)', query: 'seed=3' },
  },
  {
    title: 'Adaptive thresholds',
    preset: 'task=waiting-line/shuffle&n=3&seed=1&a=threshold&a.threshold=0.9&b=threshold&b.threshold=0.3&compare=1&step=0',
    text: () =>
      'Instead of a fixed number per step, a threshold strategy reveals every position whose confidence is at least γ. Padding is certain, so it all goes at once; a name the model is unsure of waits. With γ = 0.9 the decode is fast where it is safe and careful where it is not; with γ = 0.3 it reveals uncertain names together.',
    notice: 'A needs only a handful of steps and stays valid; B finishes in one step and breaks.',
    tryThis: { label: 'Give B the threshold 0.9 too', query: 'b.threshold=0.9' },
  },
  {
    title: 'The trade-off chart and Max TPS',
    preset: 'task=letters/shuffle&n=6&seed=1&a=topk-random&a.k=1&b=topk-random&b.k=3&compare=1&step=end',
    text: () =>
      'One decode is an anecdote; a benchmark runs hundreds. The benchmark tab plots each strategy’s score against its tokens per step: quality falls as speed rises, and how fast it falls is the whole story. Max TPS@x reads that curve for you: the most tokens per step a strategy reaches while keeping at least x% of its score (PB90 and friends in the paper).',
    notice: 'B is three times faster than A. Whether it breaks on this one prompt is luck; the chart shows how often it breaks over many prompts, and at which speed each strategy stops being good enough.',
    tryThis: { label: 'Open the benchmark & trade-off chart', query: 'tab=bench' },
  },
  {
    title: 'A real trained model breaks the same way',
    preset: 'task=letters/shuffle&n=4&seed=1&a=topk-confidence&a.k=1&a.model=tiny&a.runtime=auto&b=topk-confidence&b.k=2&b.model=tiny&b.runtime=auto&compare=1&step=end',
    text: () =>
      'So far the model was the exact oracle. Tiny MDM is a small masked-diffusion transformer trained here on these tasks. One token per step it solves the shuffle; two per step it makes the same kind of mistake as the oracle, because the failure comes from revealing dependent tokens together, not from a bad model.',
    notice: 'A (one per step) is valid; B (two per step) repeats or drops a letter. The theory panel says it is exact only for the oracle.',
    tryThis: { label: 'B one token per step too', query: 'b.k=1' },
  },
  {
    title: 'Decoding fast without loss',
    preset: 'task=waiting-line/shuffle&n=3&seed=1&a=tc-bound&a.epsilon=0.01&b=topk-confidence&b.k=3&compare=1&step=0',
    text: () => {
      const extra = ['wino', 'apd'].filter(has);
      const verifiers = extra.length
        ? ` ${extra.map((s) => s.toUpperCase()).join(' and ')} take another route: draft many tokens, then keep only those a verifier accepts; they are in the strategy menu of each decode.`
        : ' Strategies that draft many tokens and keep only those a verifier accepts (WINO, APD) will join the strategy menu once available.';
      return `tc-bound reveals as many positions as it can while their exact total correlation stays under ε bits. Independent padding goes in a few big steps; the dependent names one at a time. It needs far fewer steps than one token per step and loses nothing.${verifiers}`;
    },
    notice: 'A (tc-bound) takes a few steps and is valid; B (three per step, confidence order) is slower than A here and still breaks.',
    tryThis: { label: 'Allow ε = 1 bit per step', query: 'a.epsilon=1' },
  },
];

if (LESSONS.length !== LESSON_COUNT) throw new Error(`LESSON_COUNT (${LESSON_COUNT}) must equal the number of lessons (${LESSONS.length})`);

/** Settings of lesson n (1-based), optionally with its "try this" change applied. */
export function lessonSettings(n: number, tryIt = false): { settings: ViewSettings; messages: string[] } {
  const lesson = LESSONS[n - 1];
  const q = `${lesson.preset}${tryIt ? `&${lesson.tryThis.query}` : ''}`;
  // The try query repeats keys of the preset: the last value wins.
  const merged = new URLSearchParams();
  for (const [k, v] of new URLSearchParams(q)) merged.set(k, v);
  merged.set('lesson', String(n));
  return fromQuery(merged.toString());
}
