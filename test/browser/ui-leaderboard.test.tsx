import { act } from 'react';
import { describe, expect, it } from 'vitest';
import { cpuBackend } from '../../src/engine/backend';
import { runConfig, type SweepRecord } from '../../src/engine/sweep';
import { Leaderboard } from '../../src/ui/components/Leaderboard';
import { useApp } from '../../src/ui/store';
import { useRender } from './ui-fixture';

const { render } = useRender();

describe('Leaderboard', () => {
  it("shows our Max TPS@x beside the paper's models, sorts by a column with the keyboard-reachable header, switches level", async () => {
    const base = { task: 'waiting-line/copy', n: 3, temperature: 0, block: 0, noise: 0 };
    const records: SweepRecord[] = [];
    for (const threshold of [1, 0.5]) records.push(await runConfig({ ...base, strategy: 'threshold', params: { threshold } }, 4, 1, cpuBackend));
    for (const k of [1, 2]) records.push(await runConfig({ ...base, strategy: 'topk-random', params: { k } }, 4, 1, cpuBackend));
    useApp.setState({ runs: [{ id: 'r', created: 0, spec: { configs: [], samples: 4, seed: 1 }, records, status: 'done' }] });
    const host = await render(<Leaderboard />);
    const heads = [...host.querySelectorAll('thead th')].map((th) => th.textContent);
    expect(heads.join('|')).toMatch(/strategy\|Unmask oracle\|LLaDA-1.5 \(paper\).*\|LLaDA \(paper\)\|Dream \(paper\)\|DiffuCoder \(paper\)/);
    const firstRow = () => host.querySelector('tbody tr th')!.textContent;
    // Sorted by LLaDA-1.5 @80 at first: WINO leads the paper's table.
    expect(firstRow()).toBe('wino');
    const oracleButton = [...host.querySelectorAll<HTMLButtonElement>('thead button')].find((b) => b.textContent!.startsWith('Unmask oracle'))!;
    await act(async () => oracleButton.click());
    expect(oracleButton.closest('th')!.getAttribute('aria-sort')).toBe('descending');
    // Copy is exact for the oracle at every setting: the threshold's fastest setting leads ours.
    expect(firstRow()).toBe('threshold (confidence-threshold)');
    const cell = () => host.querySelector('tbody tr td')!.textContent;
    expect(Number(cell())).toBeGreaterThan(2);
    // The level radio changes the paper's values (LLaDA-1.5 threshold: 4.09 at 80, 5.42 at 70).
    const paperCell = () => host.querySelectorAll('tbody tr')[0].querySelectorAll('td')[1].textContent;
    expect(paperCell()).toBe('4.09');
    await act(async () => host.querySelectorAll<HTMLInputElement>('input[type=radio]')[2].click());
    expect(paperCell()).toBe('5.42');
    expect(host.textContent).toContain('Unmask oracle: in-browser suite, mean of 1 tasks: waiting-line/copy');
  });
});
