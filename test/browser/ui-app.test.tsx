import { act } from 'react';
import { describe, expect, it } from 'vitest';
import { until, useMountedApp } from './ui-fixture';
import { addRuns, useApp } from '../../src/ui/store';

const app = useMountedApp();
const { q } = app;

describe('App', () => {
  it('shows the preset decoded in the worker: A valid, B invalid with the reason', async () => {
    await until(() => !!q('[data-testid=reason-b]'));
    expect(q('[data-testid=outcome-a]')!.textContent).toContain('✓ valid');
    expect(q('[data-testid=outcome-b]')!.textContent).toContain('✗ invalid');
    expect(q('[data-testid=reason-b]')!.textContent).toMatch(/mixes two people/);
  });

  it('keeps working when a setting is invalid, and re-decodes when it is fixed', async () => {
    const details = q<HTMLDetailsElement>('[data-side=b] details.side-settings-wrap')!;
    details.open = true;
    await act(async () => {});
    const input = [...details.querySelectorAll('label')].find((l) => l.textContent === 'tokens per step (k)')!.control as HTMLInputElement;
    const type = async (v: string) =>
      act(async () => {
        const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
        setter.call(input, v);
        input.dispatchEvent(new Event('input', { bubbles: true }));
      });
    await type('0');
    expect(details.querySelector('[role=alert]')!.textContent).toMatch(/between 1 and 64/);
    expect(useApp.getState().settings.b.params.k).toBe(3);
    expect(q('[data-testid=outcome-b]')).not.toBeNull();
    await type('1');
    await until(() => useApp.getState().sides.b.status === 'ready' && useApp.getState().sides.b.result!.trace.strategyParams.k === 1);
    await until(() => q('[data-testid=outcome-b]')!.textContent!.includes('✓ valid'));
  });

  it('opens the benchmark tab and draws imported results on the chart', async () => {
    addRuns([{ id: 'test', created: 1, status: 'imported', spec: { configs: [], samples: 10, seed: 1 },
      records: [1, 2, 4].map((k) => ({ task: 'letters/shuffle', n: 4, strategy: 'topk-random', params: { k }, samples: 10, correct: 10 - 3 * (k - 1), score: (10 - 3 * (k - 1)) / 10, ci95: [0.1, 0.9] as [number, number], tps: k, nfe: 4 / k, canvasLength: 4, seconds: 0, backend: 'cpu', seed: 1 })) }]);
    const tab = [...app.host.querySelectorAll('button')].find((b) => b.textContent?.startsWith('Benchmark'))!;
    await act(async () => tab.click());
    await until(() => !!q('[data-testid=chart-count]'));
    expect(q('[data-testid=chart-count]')!.textContent).toMatch(/^3 measured points for letters\/shuffle n=4/);
    await until(() => app.host.querySelectorAll('.recharts-scatter-symbol').length >= 3);
    // The closed form for shuffle overlays the measured curve, and Max TPS@x is listed for both.
    expect(q('table.max-tps')!.textContent).toContain('closed form');
  });
});
