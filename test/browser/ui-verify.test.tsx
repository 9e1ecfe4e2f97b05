import { act } from 'react';
import { beforeAll, describe, expect, it } from 'vitest';
import { decode, type DecodeTrace } from '../../src/engine/decode';
import { OracleDenoiser } from '../../src/engine/denoiser';
import { decodeOrderTau } from '../../src/engine/metrics';
import type { SweepRecord } from '../../src/engine/sweep';
import { generateSample } from '../../src/engine/tasks';
import { EOS_ID, MASK_ID, tokenText } from '../../src/engine/vocab';
import { BenchResults } from '../../src/ui/components/BenchResults';
import { DecodePanel } from '../../src/ui/components/DecodePanel';
import { Dependency } from '../../src/ui/components/Dependency';
import { PRESET, cloneSettings, defaultParams } from '../../src/ui/settings';
import { useApp } from '../../src/ui/store';
import { frameView } from '../../src/ui/traceView';
import { useRender } from './ui-fixture';

// Issue 10: the dependency view shows what a verification step checked (leave-one-out
// probabilities, remasks, edits), and the decode's summary its order τ with and without padding.

let wino: DecodeTrace;
let joint: DecodeTrace;
const { render, cleanup } = useRender();

beforeAll(async () => {
  // WINO with a low τ_in at T = 1 reveals wrong letters, and its exact verifier remasks some.
  wino = await decode(generateSample('letters/shuffle', { n: 5 }, 1, 0), new OracleDenoiser(0, 1), 'wino', { tauIn: 0.3, tauOut: 0.9 }, { seed: 1, temperature: 1, record: 'full' });
  // LLaDA 2.1's joint threshold on a noisy oracle (not exact) edits revealed tokens.
  joint = await decode(generateSample('letters/shuffle', { n: 5 }, 5, 0), new OracleDenoiser(0.5, 3), 'joint-threshold', { threshold: 0.3 }, { seed: 5, temperature: 1, record: 'full' });
});

/** The rows of the "Verified this step" table: position, token, probability text, outcome text. */
function tableRows(el: HTMLElement) {
  const table = el.querySelector<HTMLTableElement>('[data-testid=verified] table')!;
  expect(table).not.toBeNull();
  expect(table.caption!.textContent).toMatch(/checked by leave-one-out probability/);
  expect([...table.querySelectorAll('thead th')].map((th) => [th.textContent, th.getAttribute('scope')])).toEqual([
    ['position', 'col'], ['token', 'col'], ['leave‑one‑out probability', 'col'], ['outcome', 'col'],
  ]);
  // A folded run ("8–31", kept with the same token and shown probability) stands for each of its positions.
  return [...table.querySelectorAll<HTMLElement>('tbody tr')].flatMap((tr) => {
    const [, ...cells] = [...tr.children].map((c) => c.textContent!);
    expect(tr.firstElementChild!.getAttribute('scope')).toBe('row');
    const first = Number(tr.dataset.pos);
    const last = Number(tr.dataset.last);
    if (last > first) {
      expect(tr.firstElementChild!.textContent).toContain(`positions ${first} to ${last}`);
      expect(cells[0]).toMatch(new RegExp(` ×${last - first + 1}$`));
    } else expect(tr.firstElementChild!.textContent).toBe(String(first));
    const token = cells[0].replace(/ ×\d+$/, '');
    return Array.from({ length: last - first + 1 }, (_, k) => ({ pos: first + k, token, prob: cells[1], outcome: cells[2] }));
  });
}

/** The shown percentage is the trace's probability, rounded (one decimal; two below 1%). */
function expectPct(text: string, p: number): void {
  expect(text).toMatch(/^\d+\.\d{1,2}%$/);
  expect(Math.abs(Number(text.slice(0, -1)) - p * 100)).toBeLessThanOrEqual(0.05 + 1e-9);
}

describe('Verified this step', () => {
  it('lists exactly the positions a WINO step checked, their leave-one-out probabilities and which were remasked', async () => {
    // A step that kept some checked tokens and remasked others.
    const f = wino.steps.findIndex((st) => st.remasked.length > 0 && st.checked!.length > st.remasked.length) + 1;
    expect(f).toBeGreaterThan(0);
    const st = wino.steps[f - 1];
    const el = await render(<Dependency trace={wino} frame={f} exact />);
    expect(el.querySelector('[data-testid=verified] h3')!.textContent).toBe('Verified this step');
    expect(el.textContent).toMatch(/p\(xᵢ \| prompt, every other revealed token\)/);
    const rows = tableRows(el);
    expect(rows.map((r) => r.pos)).toEqual(st.checked);
    rows.forEach((r, i) => {
      const p = st.checked![i];
      expect(r.token).toBe(tokenText(st.canvasBefore![p]));
      expect(st.canvasBefore![p]).not.toBe(MASK_ID);
      expectPct(r.prob, st.checkedProbabilities![i]);
      // A token WINO kept below τ_out was spared by its cap, and says so.
      const capped = st.checkedProbabilities![i] < Math.fround(0.9);
      expect(r.outcome).toBe(st.remasked.includes(p) ? 'remasked ↺' : capped ? 'kept (below τ_out; cap reached)' : 'kept');
    });
    expect(rows.filter((r) => r.outcome === 'remasked ↺')).toHaveLength(st.remasked.length);
    // The canvas after the step shows the same positions masked again.
    for (const p of st.remasked) expect(frameView(wino, f).states[p]).toBe('remasked');
    expect(el.querySelector('[data-testid=extra-rows]')!.textContent).toContain(`Extra forward rows: ${st.extraRows}`);
    // The theory still follows (exact oracle).
    expect(el.textContent).toContain('total correlation');
  });

  it('folds runs of kept padding into one row and still accounts for every checked position', async () => {
    const t = await decode(generateSample('waiting-line/shuffle', { n: 3 }, 1, 0), new OracleDenoiser(0, 1), 'wino', { tauIn: 0.3, tauOut: 0.9 }, { seed: 1, temperature: 1, record: 'full' });
    const f = t.steps.findIndex((st) => st.remasked.length > 0) + 1;
    const st = t.steps[f - 1];
    const el = await render(<Dependency trace={t} frame={f} exact />);
    const rows = tableRows(el);
    expect(rows.map((r) => r.pos)).toEqual(st.checked);
    rows.forEach((r, i) => {
      const p = st.checked![i];
      expect(r.token).toBe(tokenText(st.canvasBefore![p]));
      expectPct(r.prob, st.checkedProbabilities![i]);
      // A token WINO kept below τ_out was spared by its cap, and says so.
      const capped = st.checkedProbabilities![i] < Math.fround(0.9);
      expect(r.outcome).toBe(st.remasked.includes(p) ? 'remasked ↺' : capped ? 'kept (below τ_out; cap reached)' : 'kept');
    });
    expect(rows.some((r) => r.outcome.endsWith('cap reached)'))).toBe(true);
    const folded = el.querySelectorAll<HTMLElement>('[data-testid=verified] tbody tr');
    expect(folded.length).toBeLessThan(st.checked!.length / 2);
    expect([...folded].some((tr) => tr.dataset.last !== tr.dataset.pos && tr.textContent!.includes('[EOS]'))).toBe(true);
  });

  it('shows nothing for a step that checked no token (the first step), nor at frame 0', async () => {
    expect(wino.steps[0].checked).toEqual([]);
    for (const f of [0, 1]) {
      const el = await render(<Dependency trace={wino} frame={f} exact />);
      expect(el.querySelector('[data-testid=verified]')).toBeNull();
      await cleanup();
    }
  });

  it('shows edits with their new token, before the not-exact early return', async () => {
    const f = joint.steps.findIndex((st) => (st.edited?.length ?? 0) > 0) + 1;
    expect(f).toBeGreaterThan(0);
    const st = joint.steps[f - 1];
    const el = await render(<Dependency trace={joint} frame={f} exact={false} />);
    expect(el.textContent).toMatch(/needs the exact oracle/);
    const rows = tableRows(el);
    expect(rows.map((r) => r.pos)).toEqual(st.checked);
    rows.forEach((r, i) => {
      const p = st.checked![i];
      expectPct(r.prob, st.checkedProbabilities![i]);
      const e = st.edited!.indexOf(p);
      expect(r.outcome).toBe(e >= 0 ? `edited ✎ → ${tokenText(st.editedTokens![e])}` : st.remasked.includes(p) ? 'remasked ↺' : 'kept');
    });
    expect(rows.filter((r) => r.outcome.startsWith('edited ✎'))).toHaveLength(st.edited!.length);
  });

  it('shows the verification for a model decode too', async () => {
    const f = wino.steps.findIndex((st) => st.remasked.length > 0) + 1;
    const el = await render(<Dependency trace={wino} frame={f} exact={false} model="Tiny MDM" />);
    expect(el.querySelector('[data-testid=dep-model]')).not.toBeNull();
    expect(tableRows(el).map((r) => r.pos)).toEqual(wino.steps[f - 1].checked);
  });
});

describe('order τ in the decode summary', () => {
  async function panel(trace: DecodeTrace, strategy: string, params: Record<string, number>): Promise<HTMLElement> {
    const base = cloneSettings(PRESET);
    const sample = { description: '', reference: new Int32Array(), prompt: new Int32Array() };
    useApp.setState({
      settings: { ...base, a: { ...base.a, strategy, params: { ...defaultParams(strategy), ...params } }, step: trace.steps.length },
      sides: {
        a: { status: 'ready', result: { trace, sample, ms: 1, backend: 'cpu' }, error: null, key: 'a' },
        b: { status: 'idle', result: null, error: null, key: '' },
        c: { status: 'idle', result: null, error: null, key: '' },
        d: { status: 'idle', result: null, error: null, key: '' },
      },
      playing: false,
    });
    return render(<DecodePanel side="a" />);
  }

  it('equals the engine’s τ over the trace’s reveal steps, with and without padding', async () => {
    // waiting-line pads its canvas with [EOS], so the two τ differ.
    const t = await decode(generateSample('waiting-line/shuffle', { n: 3 }, 1, 0), new OracleDenoiser(0, 1), 'wino', {}, { seed: 1, temperature: 1, record: 'full' });
    const el = await panel(t, 'wino', {});
    const tau = decodeOrderTau(t.revealStep, t.output, EOS_ID, false);
    const noPad = decodeOrderTau(t.revealStep, t.output, EOS_ID, true);
    expect(Number.isFinite(tau) && Number.isFinite(noPad)).toBe(true);
    expect(tau.toFixed(2)).not.toBe(noPad.toFixed(2));
    const label = el.querySelector('[data-testid=order-tau]')!;
    expect(label.textContent).toContain(`order τ`);
    expect(label.textContent).toContain(`${tau.toFixed(2)} (${noPad.toFixed(2)} without padding)`);
    // The glossary explains it behind the "?".
    expect(label.querySelector('[role=note]')!.textContent).toMatch(/Kendall’s τ between the step at which each position was revealed/);
  });

  it('shows — when everything was revealed in one step', async () => {
    const sample = generateSample('letters/shuffle', { n: 4 }, 1, 0);
    const one = await decode(sample, new OracleDenoiser(0, 1), 'topk-confidence', { k: sample.canvasLength }, { seed: 1, record: 'full' });
    expect(one.steps).toHaveLength(1);
    const el = await panel(one, 'topk-confidence', { k: sample.canvasLength });
    expect(el.querySelector('[data-testid=order-tau]')!.textContent).toContain('— (— without padding)');
  });
});

describe('results table', () => {
  it('shows the order τ with padding and without, right-aligned, each sortable', async () => {
    const rec = (strategy: string, kendall: number | null, kendallIgnorePad: number | null): SweepRecord => ({
      task: 'waiting-line/shuffle', n: 3, strategy, params: {}, samples: 4, correct: 4, score: 1, ci95: [0.5, 1], tps: 2, nfe: 5, canvasLength: 10,
      seconds: 0.1, backend: 'cpu', seed: 1, order: { kendall, kendallIgnorePad },
    });
    const records = [rec('a', 0.5, 0.9), rec('b', 0.8, -0.2), rec('c', null, null)];
    useApp.setState({ runs: [{ id: 'r1', created: 0, spec: { configs: [], samples: 4, seed: 1 }, records, status: 'done' }] });
    const el = await render(<BenchResults />);
    const heads = [...el.querySelectorAll<HTMLTableCellElement>('table.results thead th')];
    const col = (label: string) => heads.findIndex((th) => th.textContent!.startsWith(label));
    const withPad = col('order τ (with pad)');
    const noPad = col('order τ (no pad)');
    expect(withPad).toBeGreaterThan(0);
    expect(noPad).toBeGreaterThan(0);
    expect(heads[withPad].className).toBe('num');
    expect(heads[withPad].title).toMatch(/padding included/);
    expect(heads[noPad].title).toMatch(/leaving out the positions that end as padding/);
    const column = (i: number) => [...el.querySelectorAll('table.results tbody tr')].map((tr) => tr.children[i]);
    expect(column(withPad).map((td) => td.textContent)).toEqual(['0.50', '0.80', '—']);
    expect(column(noPad).map((td) => td.textContent)).toEqual(['0.90', '-0.20', '—']);
    expect(column(noPad).every((td) => td.className === 'num')).toBe(true);
    const strategies = () => column(heads.findIndex((th) => th.textContent === 'strategy')).map((td) => td.textContent);
    await act(async () => heads[withPad].querySelector('button')!.click());
    expect(strategies()).toEqual(['c', 'a', 'b']);
    expect(heads[withPad].getAttribute('aria-sort')).toBe('ascending');
    await act(async () => heads[noPad].querySelector('button')!.click());
    expect(strategies()).toEqual(['c', 'b', 'a']);
    await act(async () => heads[noPad].querySelector('button')!.click());
    expect(strategies()).toEqual(['a', 'b', 'c']);
    expect(heads[noPad].getAttribute('aria-sort')).toBe('descending');
  });
});
