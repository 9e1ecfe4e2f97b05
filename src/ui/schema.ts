/**
 * A URL schema, as tensorflow/playground keeps its state: one ordered list of fields, each with
 * its URL key, how its value is written and read, its range, and the rules it must satisfy. The
 * same list drives parsing (any string gives a valid state plus messages, never an exception),
 * serialising, validation and the property tests' generators. DOM-free and React-free.
 *
 * Order matters: a field is read after the fields it depends on (a strategy's parameters after
 * the strategy), and a dynamic entry (a function of the state) is expanded when parsing reaches
 * it, so it sees what was read before it.
 */

/** The values a field can take, for generators (test/node/settings-schema.test.ts). */
export type Domain =
  | { kind: 'int'; min: number; max: number }
  | { kind: 'real'; min: number; max: number }
  | { kind: 'choice'; options: readonly string[] };

/** How one value is written in the URL. */
export interface Codec<T> {
  domain: Domain;
  /** The value written by `encode`, or null when the text is not of this type. */
  decode(text: string): T | null;
  encode(value: T): string;
  /** What the text must be, for messages ("must be a whole number in [0, 10]"). */
  expected: string;
  /** Why a value is outside the codec's own range, or null. */
  check(value: T): string | null;
  /** For a value `check` refuses: the part of it that is good (a list without its unknown items), or null. */
  salvage?(value: T): T | null;
}

export interface Field<S, T = unknown> {
  key: string;
  codec: Codec<T>;
  /** The value; undefined only for an optional key that is absent (not written, never a problem). */
  get(s: S): T;
  /** Writes the value (may reset what depends on it: a new strategy takes its default parameters). */
  set(s: S, value: T): void;
  /** Whether the key exists in this state (a size only for tasks that have sizes). Default: always. */
  applies?(s: S): boolean;
  /** Rules beyond the codec's range, against the rest of the state; the reason, or null. */
  rule?(s: S): string | null;
}

/** A field, or a function that lists fields from the state so far (a strategy's parameters). */
export type Entry<S> = Field<S, never> | ((s: S) => Field<S, never>[]);
export type Schema<S> = readonly Entry<S>[];

// Variance: a Field<S, number> is stored as Field<S, never>; the schema functions only pass a
// field's own decoded value back to it.
export type AnyField<S> = Field<S, unknown>;

/**
 * The fields in order, expanding a dynamic entry only when the walk reaches it: a caller that
 * changes `s` while walking (parsing, a generator) sees the fields of what it set.
 */
export function* fields<S>(schema: Schema<S>, s: S): Generator<AnyField<S>> {
  for (const e of schema) {
    if (typeof e === 'function') yield* e(s) as AnyField<S>[];
    else yield e as AnyField<S>;
  }
}

export const applies = <S>(f: AnyField<S>, s: S): boolean => f.applies?.(s) ?? true;

/** Why the field's current value is not valid in this state, or null. */
export function fieldProblem<S>(f: AnyField<S>, s: S): string | null {
  if (f.get(s) === undefined) return null;
  return f.codec.check(f.get(s)) ?? f.rule?.(s) ?? null;
}

/** Every applying field's key and value, in schema order (all of them: a link never depends on our defaults). */
export function formatQuery<S>(schema: Schema<S>, s: S): string {
  const q = new URLSearchParams();
  for (const f of fields(schema, s)) if (applies(f, s) && f.get(s) !== undefined) q.set(f.key, f.codec.encode(f.get(s)));
  return q.toString();
}

/**
 * Reads `search` over `base` (which it modifies and returns). A key that is missing keeps the
 * base's value; a bad one keeps it too and adds a message naming the key; an unknown one is
 * reported and ignored. Never throws.
 */
/** `others`: keys that another schema of the same query reads (not reported as unknown). */
export function parseQuery<S>(schema: Schema<S>, base: S, search: string, others: (key: string) => boolean = () => false): { state: S; messages: string[] } {
  const q = new URLSearchParams(search);
  const messages: string[] = [];
  const used = new Set<string>();
  for (const f of fields(schema, base)) {
    if (!applies(f, base)) continue;
    used.add(f.key);
    const text = q.get(f.key);
    if (text === null) continue;
    const before = f.get(base);
    // An optional key (absent before) stays absent.
    const bad = (why: string) => messages.push(`URL parameter "${short(f.key)}=${short(text)}": ${why}; ${before === undefined ? 'ignored' : `using ${f.codec.encode(before)}`}.`);
    const value = f.codec.decode(text);
    const why = value === null ? f.codec.expected : f.codec.check(value);
    // A list with some bad items keeps its good ones, with the message.
    const kept = why !== null && value !== null ? (f.codec.salvage?.(value) ?? null) : null;
    if (why !== null && kept === null) {
      bad(why);
      continue;
    }
    f.set(base, (kept ?? value) as unknown);
    const broken = f.rule?.(base) ?? null;
    if (broken !== null) {
      f.set(base, before);
      bad(broken);
    } else if (kept !== null) {
      messages.push(`URL parameter "${short(f.key)}=${short(text)}": ${why}; using ${short(f.codec.encode(kept)) || 'none'}.`);
    }
  }
  for (const key of new Set(q.keys())) {
    if (!used.has(key) && !others(key)) messages.push(`URL parameter "${short(key)}" is not one of ours (or does not apply to these settings); ignored.`);
  }
  return { state: base, messages };
}

/** The first problem of each applying field that has one, in schema order. */
export function problems<S>(schema: Schema<S>, s: S): { key: string; message: string }[] {
  const out: { key: string; message: string }[] = [];
  for (const f of fields(schema, s)) {
    if (!applies(f, s)) continue;
    const message = fieldProblem(f, s);
    if (message !== null) out.push({ key: f.key, message });
  }
  return out;
}

/** Every field that applies to `s`, in order (for generators and documentation). */
export function applyingFields<S>(schema: Schema<S>, s: S): AnyField<S>[] {
  return [...fields(schema, s)].filter((f) => applies(f, s));
}

function describe(d: Domain): string {
  if (d.kind === 'choice') return `must be one of ${d.options.join(', ')}`;
  return `must be ${d.kind === 'int' ? 'a whole number' : 'a number'} in [${d.min}, ${d.max}]`;
}

function short(v: string): string {
  return v.length > 40 ? `${v.slice(0, 40)}…` : v;
}

// ---- codecs -------------------------------------------------------------------------------

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/** A finite decimal number; -0 reads as 0 so that a value and its text round-trip. */
function readNumber(text: string): number | null {
  const t = text.trim();
  if (!NUMBER.test(t)) return null;
  const v = Number(t);
  return Number.isFinite(v) ? v + 0 : null;
}

/**
 * Any finite number, its range checked elsewhere (by the engine's own validation, passed as the
 * field's rule); `domain` is the range the generators draw from.
 */
export function anyNumber(domain: { min: number; max: number; integer?: boolean }): Codec<number> {
  return {
    domain: { kind: domain.integer ? 'int' : 'real', min: domain.min, max: domain.max },
    decode: readNumber,
    encode: String,
    expected: 'must be a number',
    check: () => null,
  };
}

/** A number in [min, max], whole when `integer`. */
export function numberIn(min: number, max: number, integer = false): Codec<number> {
  const domain: Domain = { kind: integer ? 'int' : 'real', min, max };
  return {
    domain,
    decode: readNumber,
    encode: String,
    expected: describe(domain),
    check: (v) => (Number.isFinite(v) && v >= min && v <= max && (!integer || Number.isInteger(v)) ? null : describe(domain)),
  };
}

/** One of a list of names; `noun` names a long list in messages ("no such task") instead of listing it. */
export function oneOf<T extends string>(options: readonly T[], noun?: string): Codec<T> {
  const domain: Domain = { kind: 'choice', options };
  const expected = noun ? `no such ${noun}` : describe(domain);
  return {
    domain,
    decode: (t) => t as T,
    encode: (v) => v,
    expected,
    check: (v) => ((options as readonly string[]).includes(v) ? null : expected),
  };
}

/** A yes/no setting written 1 or 0. */
export const flag: Codec<boolean> = {
  domain: { kind: 'choice', options: ['0', '1'] },
  decode: (t) => (t === '1' ? true : t === '0' ? false : null),
  encode: (v) => (v ? '1' : '0'),
  expected: 'must be 0 or 1',
  check: (v) => (typeof v === 'boolean' ? null : 'must be 0 or 1'),
};

/** A whole number in [0, max], or `word` for -1 (the URL's step=end). */
export function wholeOr(word: string, max: number): Codec<number> {
  const why = `must be a whole number in [0, ${max}] or "${word}"`;
  return {
    domain: { kind: 'int', min: -1, max },
    decode: (t) => (t === word ? -1 : readNumber(t)),
    encode: (v) => (v === -1 ? word : String(v)),
    expected: why,
    check: (v) => (v === -1 || (Number.isInteger(v) && v >= 0 && v <= max) ? null : why),
  };
}

/** A comma list of numbers, kept as the text typed in a form field ("1, 2, 4"). */
export function numberListText(maxLength: number): Codec<string> {
  const expected = 'must be a comma list of numbers';
  const ok = (v: string) =>
    v.length <= maxLength && /^\s*[-+0-9.e]+(\s*[,\s]\s*[-+0-9.e]+)*\s*$/i.test(v) && v.split(/[,\s]+/).filter(Boolean).every((p) => Number.isFinite(Number(p)));
  return {
    domain: { kind: 'choice', options: ['0', '1', '1, 2, 4', '0.5,0.9', '3 4 5'] },
    decode: (t) => t,
    encode: (v) => v,
    expected,
    check: (v) => (ok(v) ? null : expected),
  };
}

/** Free text of at most `maxLength` characters. */
export function textUpTo(maxLength: number, examples: readonly string[]): Codec<string> {
  const expected = `must be at most ${maxLength} characters`;
  return { domain: { kind: 'choice', options: examples }, decode: (t) => t, encode: (v) => v, expected, check: (v) => (v.length <= maxLength ? null : expected) };
}

/**
 * A comma list of distinct names from `known`, in the order given. Unknown names are dropped
 * with a message and the known ones kept (a link naming one retired id keeps the rest).
 */
export function idList(known: readonly string[], noun: string): Codec<readonly string[]> {
  const ids = new Set(known);
  return {
    domain: { kind: 'choice', options: known },
    decode: (t) => [...new Set(t.split(',').filter(Boolean))],
    encode: (v) => v.join(','),
    expected: `must be a comma list of ${noun} ids`,
    check: (v) => {
      const unknown = v.filter((id) => !ids.has(id));
      return unknown.length ? `no such ${noun}: ${short(unknown.join(','))}` : null;
    },
    salvage: (v) => v.filter((id) => ids.has(id)),
  };
}

/** A field, typed by its codec (the schema stores fields of every value type together). */
export function field<S, T>(f: Field<S, T>): Field<S, never> {
  return f as unknown as Field<S, never>;
}
