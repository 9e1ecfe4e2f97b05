import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { camelToFlag } from '../../src/cli/args';
import { getStrategy } from '../../src/engine/strategies';

// Issue 10's CLI check for the field's frontier: `--list` names the nine ids with their flags,
// each decodes every task family with the oracle and with the tiny model from the CLI, and a bad
// parameter of each gets one line naming its flag and exit 2. (The engine-level properties of
// each strategy are in frontier.test.ts.)

const bench = (args: string[]) => spawnSync('npx', ['tsx', 'src/cli/bench.ts', ...args], { encoding: 'utf8', timeout: 300_000 });

/** The flags issue 10 names for each id (prophet and slowfast: their own schedule knobs). */
const NAMED: Record<string, string[]> = {
  wino: ['--tau-in', '--tau-out'],
  slowfast: [],
  dus: ['--base'],
  'pc-sampler': ['--lambda', '--alpha'],
  apd: ['--r', '--w', '--m'],
  rcr: ['--steps'],
  'dinfer-hierarchy': ['--threshold', '--threshold-low'],
  'joint-threshold': ['--threshold', '--edit-threshold', '--post-edit-steps'],
  prophet: [],
};
const FRONTIER = Object.keys(NAMED);

describe('the frontier strategies in the CLI', () => {
  it('--list names each of the nine ids with every flag of its parameters', () => {
    const r = bench(['--list']);
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    for (const id of FRONTIER) {
      const line = lines.find((l) => l.trim().split(/\s+/)[0] === id);
      expect(line, id).toBeDefined();
      const flags = line!.trim().split(/\s+/).slice(1);
      expect(flags, id).toEqual(getStrategy(id).params.map((p) => camelToFlag(p.name)));
      for (const f of NAMED[id]) expect(flags, id).toContain(f);
      expect(flags.length, id).toBeGreaterThan(0);
    }
  }, 300_000);

  it('a bad value of each one gets one line naming its flag and exit status 2', () => {
    const cases: [string, string, string][] = [
      ['slowfast', '--high-threshold', '2'],
      ['pc-sampler', '--alpha', '101'],
      ['rcr', '--cosine', '2'],
      ['dinfer-hierarchy', '--threshold-low', '1.5'],
      ['prophet', '--gap-early', '-1'],
    ];
    for (const [strategy, flag, value] of cases) {
      const r = bench(['--task', 'letters/copy', '--n', '3', '--samples', '1', '--strategy', strategy, flag, value]);
      expect(r.status, `${strategy} ${flag} ${value}`).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(flag);
    }
  }, 600_000);

  // One task per family; letters and the waiting line take --n, the others have fixed sizes.
  const families: [string[], string[]][] = [
    [['letters/shuffle', 'waiting-line/replace-random'], ['--n', '4']],
    [['puzzles/latin-square', 'text/w2s-easy', 'dial'], []],
  ];
  const denoisers: [string, string[], string][] = [
    ['the oracle', [], 'cpu'],
    ['the tiny model', ['--model', 'tiny', '--backend', 'ort-wasm'], 'ort-wasm'],
  ];
  it.each(denoisers)('all nine decode every task family with %s', (_, denoiser, backend) => {
    for (const [tasks, size] of families) {
      const r = bench(['--task', tasks.join(','), ...size, '--strategy', FRONTIER.join(','), '--samples', '1', '--workers', '1', '--json', ...denoiser]);
      expect(r.status, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout) as { results: { task: string; strategy: string; samples: number; nfe: number; tps: number; canvasLength: number; backend: string }[] };
      // One record per (task, strategy), every sample decoded to a full canvas in at least one forward pass.
      expect(doc.results.map((x) => `${x.task}|${x.strategy}`).sort()).toEqual(tasks.flatMap((t) => FRONTIER.map((s) => `${t}|${s}`)).sort());
      for (const x of doc.results) {
        expect(x.samples).toBe(1);
        // The model's runtime decoded it (the oracle runs on the CPU engine).
        expect(x.backend).toBe(backend);
        expect(x.nfe).toBeGreaterThanOrEqual(1);
        expect(x.tps * x.nfe).toBeCloseTo(x.canvasLength, 6);
      }
    }
  }, 900_000);
});
