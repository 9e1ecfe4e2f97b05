import { ALL_TOKENS, EOS_ID, MASK_ID, VOCAB_SIZE } from '../engine/vocab';
import { ModelError } from './errors';

/**
 * A model's vocabulary JSON, checked against the model and mapped onto the engine's vocabulary
 * (src/engine/vocab.ts): tasks, prompts and scores all speak the engine's ids, so every engine
 * token must exist in the model's list. Accepted forms: { tokens: [...], mask, eos } (what
 * vocabularyJson() writes), or a model card holding that object under "vocabulary" or "vocab".
 */
export interface ModelVocab {
  size: number;
  mask: number;
  eos: number;
  tokens: string[];
  /** Engine id -> model id, or null when the two vocabularies are identical. */
  engineToModel: Int32Array | null;
}

function pickId(o: Record<string, unknown>, names: string[]): number | undefined {
  for (const n of names) {
    const v = o[n];
    if (typeof v === 'number') return v;
  }
  return undefined;
}

/** Parses and checks a vocabulary; `logitsWidth` is the model's output width. Throws ModelError('vocab'). */
export function parseModelVocab(json: unknown, logitsWidth: number): ModelVocab {
  let obj: unknown = json;
  if (typeof obj === 'string') {
    try {
      obj = JSON.parse(obj);
    } catch (e) {
      throw new ModelError(`the vocabulary file is not valid JSON (${(e as Error).message})`, 'vocab');
    }
  }
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) {
    throw new ModelError('the vocabulary JSON must be an object { "tokens": [...], "mask": id, "eos": id }', 'vocab');
  }
  let o = obj as Record<string, unknown>;
  for (const key of ['vocabulary', 'vocab']) {
    const inner = o[key];
    if (inner && typeof inner === 'object' && !Array.isArray(inner)) {
      o = { ...(inner as Record<string, unknown>), mask: (inner as Record<string, unknown>).mask ?? o.mask ?? o.mask_id ?? o.maskId, eos: (inner as Record<string, unknown>).eos ?? o.eos ?? o.eos_id ?? o.eosId };
      break;
    }
    if (Array.isArray(inner) && !o.tokens) o = { ...o, tokens: inner };
  }
  const tokens = o.tokens;
  if (!Array.isArray(tokens) || tokens.some((t) => typeof t !== 'string')) {
    throw new ModelError('the vocabulary JSON has no "tokens" list of strings', 'vocab');
  }
  const mask = pickId(o, ['mask', 'mask_id', 'maskId', 'mask_token_id']);
  const eos = pickId(o, ['eos', 'eos_id', 'eosId', 'eos_token_id']);
  if (mask === undefined) throw new ModelError('the vocabulary JSON does not give the mask token id ("mask": id)', 'vocab');
  if (eos === undefined) throw new ModelError('the vocabulary JSON does not give the end-of-sequence token id ("eos": id)', 'vocab');
  const list = tokens as string[];
  if (list.length !== logitsWidth) {
    throw new ModelError(`the vocabulary has ${list.length} tokens but the model's logits are ${logitsWidth} wide; they must match`, 'vocab');
  }
  for (const [name, id] of [['mask', mask], ['eos', eos]] as const) {
    if (!Number.isInteger(id) || id < 0 || id >= list.length) throw new ModelError(`the vocabulary's ${name} id ${id} is outside its ${list.length} tokens`, 'vocab');
  }
  if (mask === eos) throw new ModelError('the vocabulary gives the same id to mask and eos', 'vocab');
  const index = new Map<string, number>();
  list.forEach((t, i) => {
    if (!index.has(t)) index.set(t, i);
  });
  const map = new Int32Array(VOCAB_SIZE);
  const missing: string[] = [];
  let identity = list.length === VOCAB_SIZE;
  for (let v = 0; v < VOCAB_SIZE; v++) {
    const id = v === MASK_ID ? mask : v === EOS_ID ? eos : index.get(ALL_TOKENS[v]);
    if (id === undefined) missing.push(ALL_TOKENS[v]);
    else {
      map[v] = id;
      if (id !== v) identity = false;
    }
  }
  if (missing.length > 0) {
    throw new ModelError(
      `the vocabulary lacks ${missing.length} of the engine's ${VOCAB_SIZE} tokens (${missing.slice(0, 5).map((t) => `"${t}"`).join(', ')}${missing.length > 5 ? ', …' : ''}); ` +
        'the tasks are written in the engine vocabulary (docs/FORMAT.md), so a model must know all of it',
      'vocab',
    );
  }
  return { size: list.length, mask, eos, tokens: list, engineToModel: identity ? null : map };
}
