import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/**
 * `--backend dawn` (WebGPU in Node through the `webgpu` package, here on Chromium's SwiftShader
 * ICD; the CLI finds it by itself, src/cli/dawn.ts) must give the CPU engine's records exactly:
 * same scores, NFE and TPS for every config of a sweep over several strategies and task families.
 */
const bench = (args: string[]) => {
  const r = spawnSync('npx', ['tsx', 'src/cli/bench.ts', ...args, '--json'], { encoding: 'utf8', timeout: 240_000 });
  if (r.status !== 0) throw new Error(`bench ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout).results as Record<string, unknown>[];
};
/** A record without what legitimately differs between backends: the wall time and the backend's name. */
const comparable = (records: Record<string, unknown>[]) => records.map(({ seconds: _s, backend: _b, ...rest }) => rest);

describe('--backend dawn', () => {
  it('equals --backend cpu on a sweep of several strategies (oracle)', () => {
    const sweeps = [
      ['--task', 'letters/shuffle', '--n', '6', '--strategy', 'topk-random,topk-confidence,topk-margin,topk-entropy', '--k', '1,2,3'],
      ['--task', 'waiting-line/shuffle', '--n', '4', '--strategy', 'threshold', '--threshold', '0.9,0.5', '--temperature', '0,1'],
      ['--task', 'text/w2s-hard', '--strategy', 'factor,eb', '--temperature', '1'],
    ];
    for (const s of sweeps) {
      const args = [...s, '--samples', '24', '--seed', '5', '--batch', '16'];
      const cpu = bench(args);
      const dawn = bench([...args, '--backend', 'dawn']);
      expect(dawn.every((r) => r.backend === 'dawn')).toBe(true);
      expect(cpu.length).toBeGreaterThan(1);
      expect(comparable(dawn)).toEqual(comparable(cpu));
      // The sweep is not degenerate: parallel top-k breaks some shuffles.
      if (s[1] === 'letters/shuffle') expect(new Set(cpu.map((r) => r.score)).size).toBeGreaterThan(1);
    }
  }, 300_000);

  it('runs our WGSL transformer in Node with the CPU twin\'s tokens (--model tiny)', () => {
    const args = ['--model', 'tiny', '--task', 'letters/shuffle', '--n', '6', '--strategy', 'topk-confidence', '--k', '2', '--samples', '3', '--seed', '2'];
    const cpu = bench([...args, '--backend', 'cpu']);
    const dawn = bench([...args, '--backend', 'dawn']);
    expect(comparable(dawn)).toEqual(comparable(cpu));
  }, 300_000);
});
