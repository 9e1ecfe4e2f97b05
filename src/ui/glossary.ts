/**
 * The terms of the page, each explained once, in words a first-year student can follow. The
 * glossary panel lists them all; a "?" beside a term opens the same text.
 */
export interface GlossaryEntry {
  id: string;
  term: string;
  text: string;
}

export const GLOSSARY: readonly GlossaryEntry[] = [
  { id: 'mask', term: 'masked position', text: 'A place in the answer that is still blank (▒). A masked-diffusion model starts with every position masked and fills them in over several steps.' },
  { id: 'x0', term: 'x₀ (the model’s guess)', text: 'For every masked position, the token the model would put there now: its best guess of the clean answer x₀. A strategy chooses which of these guesses to keep (reveal) this step.' },
  { id: 'step', term: 'step', text: 'One call of the model on the whole canvas, after which some masked positions are revealed. Positions revealed in the same step are chosen independently of each other.' },
  { id: 'nfe', term: 'NFE', text: 'Number of function evaluations: how many times the model ran. With one call per step it equals the number of steps; fewer calls mean a faster answer.' },
  { id: 'tps', term: 'tokens per step', text: 'Canvas length divided by the number of steps (NFE). 1 means one token at a time; higher is faster but risks revealing dependent tokens together.' },
  { id: 'confidence', term: 'confidence', text: 'The probability the model gives its top guess at a position. The heat colour shows it on a fixed scale from 0 to 1.' },
  { id: 'margin', term: 'margin', text: 'Top probability minus the second: how clearly the best guess beats the runner-up. Fixed scale 0 to 1.' },
  { id: 'entropy', term: 'entropy', text: 'How spread out the model’s guesses at a position are, in nats (0 = certain). The heat shows low entropy bright, on a fixed scale 0 to 3 nats.' },
  { id: 'mi', term: 'mutual information', text: 'How much knowing one position tells you about another, in bits. 0 means independent; 1 bit means one position settles a yes/no question about the other.' },
  { id: 'tc', term: 'total correlation', text: 'For the positions revealed together in one step: the bits of dependence between them that independent draws throw away. 0 means revealing them together is as safe as one at a time.' },
  { id: 'pvalid', term: 'P(valid)', text: 'The chance that drawing the positions of this step independently, each from its own marginal, gives a combination that is still part of some valid answer.' },
  { id: 'bound', term: 'running bound', text: 'The total correlations of the steps so far, added up. The paper shows the error of a parallel decode is bounded below by this sum over the whole decode (its L_T).' },
  { id: 'oracle', term: 'oracle', text: 'A perfect model: it knows the exact distribution of correct answers, so every error you see comes from decoding many tokens at once, not from the model.' },
  { id: 'culprit', term: 'culprits (✗)', text: 'The positions revealed together in the step after which no valid answer was possible any more: the step that broke the answer.' },
  { id: 'padding', term: 'padding', text: 'Filler after the answer ([EOS]) and separators such as “,” or “/”. Skip padding steps over steps that reveal only these.' },
  { id: 'order', term: 'order τ', text: 'How left to right a decode went: Kendall’s τ between the step at which each position was revealed and the position itself (positions revealed in the same step count as ties). 1 = strictly left to right, −1 = right to left, near 0 = no order. “Without padding” leaves out the positions that end as [EOS] filler; ParallelBench logs both. — when τ is undefined: every position was revealed (or last rewritten) in the same step.' },
  { id: 'loo', term: 'leave-one-out probability', text: 'For a token already revealed: the probability the model gives it when that position alone is masked again and every other revealed token stays, p(xᵢ | prompt, every other revealed token). Verifying strategies (WINO, LLaDA 2.1’s edits) remask or rewrite revealed tokens whose probability is low.' },
  { id: 'tcbound', term: 'tc-bound', text: 'A strategy that keeps adding positions to a step only while their exact total correlation stays under ε bits: as fast as possible without losing the dependence between tokens.' },
];

export function glossaryEntry(id: string): GlossaryEntry {
  const e = GLOSSARY.find((g) => g.id === id);
  if (!e) throw new Error(`no glossary entry "${id}"`);
  return e;
}
