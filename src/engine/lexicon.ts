/**
 * Word lists that the shared vocabulary is built from. Order matters: token ids follow it, and
 * trained models depend on the ids, so only ever append.
 */

export const LETTERS = Array.from({ length: 26 }, (_, i) => String.fromCharCode(65 + i));

export const FIRST_NAMES = [
  'Jessica', 'Michael', 'Sarah', 'David', 'Emily', 'James',
  'Maria', 'Robert', 'Linda', 'Daniel', 'Laura', 'Kevin',
];

export const LAST_NAMES = [
  'Lopez', 'Smith', 'Johnson', 'Brown', 'Garcia', 'Miller',
  'Davis', 'Wilson', 'Moore', 'Taylor', 'Clark', 'Lewis',
];

/** Puzzle symbols, a row separator and the blank cell used in puzzle prompts. */
export const PUZZLE_SYMBOLS = ['1', '2', '3', '4'];
export const PUZZLE_MARKS = ['/', '_'];

export const PUNCTUATION = [',', '.'];

/**
 * The toy language of the text tasks (see src/engine/tasks/grammar.ts). Multi-token city names
 * ("New York", "Mexico City") make mixed reveals ("New City") visibly ungrammatical.
 */
export const GRAMMAR_WORDS = [
  // determiners and articles
  'the', 'a', 'an', 'this', 'every',
  // nouns
  'cat', 'dog', 'girl', 'boy', 'teacher', 'doctor', 'apple', 'owl', 'elephant', 'umbrella',
  'book', 'letter', 'car', 'city', 'park',
  // adjectives
  'big', 'small', 'old', 'young', 'happy', 'quiet', 'large', 'little', 'angry', 'honest',
  // verbs (third person singular present, and past participles for the passive)
  'sees', 'likes', 'finds', 'visits', 'reads', 'writes', 'seen', 'liked', 'found', 'visited',
  'read', 'written', 'is', 'was', 'by', 'in', 'near', 'to', 'and', 'goes', 'walks',
  // multi-token places
  'New', 'York', 'Mexico', 'City', 'Los', 'Angeles', 'San', 'Francisco', 'Hong', 'Kong', 'Paris', 'Rome',
];

/**
 * Words of text/summarize (src/engine/tasks/summarize.ts), appended after the first release:
 * dialogue marks, the future "will", the verbs' plain forms ("read" was already there) and times.
 */
export const SUMMARY_WORDS = [':', '?', 'we', 'will', 'yes', 'see', 'like', 'find', 'visit', 'write', 'today', 'tomorrow', 'tonight'];
