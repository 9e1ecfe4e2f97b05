import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EOS_ID, MASK_ID, PAD_ID, SEP_ID, TASK_IDS, taskTag, tokenId, tokenText, VOCAB_SIZE, vocabularyJson } from '../../src/engine/vocab';

/**
 * The shipped model (models/tiny-mdm.onnx) was trained on these token ids. Its card carries the
 * vocabulary it was trained with; every one of those ids must still mean the same token, so a
 * change that renumbers the vocabulary (a task tag inserted before other groups, a word list
 * reordered) fails here instead of silently breaking the model.
 */
const card = JSON.parse(readFileSync(new URL('../../models/tiny-mdm.json', import.meta.url), 'utf8')) as {
  vocabulary: { tokens: string[]; mask: number; eos: number; sep: number; pad: number };
};

describe("vocabulary pinned against the shipped model's card", () => {
  it('every token id of the card names the same token today', () => {
    const tokens = card.vocabulary.tokens;
    expect(tokens.length).toBeGreaterThan(100);
    expect(VOCAB_SIZE).toBeGreaterThanOrEqual(tokens.length);
    const moved = tokens.flatMap((t, i) => (tokenText(i) === t ? [] : [`${i}: card "${t}", now "${tokenText(i)}"`]));
    expect(moved).toEqual([]);
    tokens.forEach((t, i) => expect(tokenId(t)).toBe(i));
  });

  it('special ids match the card', () => {
    expect([MASK_ID, EOS_ID, SEP_ID, PAD_ID]).toEqual([card.vocabulary.mask, card.vocabulary.eos, card.vocabulary.sep, card.vocabulary.pad]);
  });

  it('tokens added since the card come after it (append-only)', () => {
    const now = vocabularyJson().tokens;
    expect(now.slice(0, card.vocabulary.tokens.length)).toEqual(card.vocabulary.tokens);
    expect(new Set(now).size).toBe(now.length);
  });

  it('every task has a tag token; tags of tasks added after the card are appended', () => {
    for (const id of TASK_IDS) {
      const tag = taskTag(id);
      expect(tokenText(tag)).toBe(`<${id}>`);
      if (!card.vocabulary.tokens.includes(`<${id}>`)) expect(tag).toBeGreaterThanOrEqual(card.vocabulary.tokens.length);
    }
  });
});
