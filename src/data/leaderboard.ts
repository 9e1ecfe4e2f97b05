import type { LeaderboardSource } from '../engine/leaderboard';
import { PAPER_MODELS, paperSource } from '../engine/leaderboard';
import diffucoder from './parallelbench-leaderboard/diffucoder.json';
import dream from './parallelbench-leaderboard/dream.json';
import llada10 from './parallelbench-leaderboard/llada10.json';
import llada15 from './parallelbench-leaderboard/llada15.json';

/** ParallelBench's published leaderboard (copied verbatim from its JSON files), one source per model. */
const FILES: Record<string, { results: Record<string, Record<string, number>> }> = { llada15, llada10, dream, diffucoder };

export const PAPER_SOURCES: LeaderboardSource[] = PAPER_MODELS.map((m) => paperSource(m, FILES[m.id]));
