import { act } from 'react';
import { beforeAll, describe, expect, it } from 'vitest';
import { decode, type DecodeTrace } from '../../src/engine/decode';
import { OracleDenoiser } from '../../src/engine/denoiser';
import { generateSample } from '../../src/engine/tasks';
import { Candidates } from '../../src/ui/components/Candidates';
import { Dependency } from '../../src/ui/components/Dependency';
import { Player } from '../../src/ui/components/Player';
import { TokenCanvas } from '../../src/ui/components/TokenCanvas';
import { PRESET, cloneSettings } from '../../src/ui/settings';
import { useApp } from '../../src/ui/store';
import { breakingFrame, candidatesAt, frameView } from '../../src/ui/traceView';
import { useRender } from './ui-fixture';

let k1: DecodeTrace;
let k3: DecodeTrace;
const { render } = useRender();

beforeAll(async () => {
  // The preset of the first screen, decoded on the CPU engine here.
  const sample = generateSample('waiting-line/shuffle', { n: 3 }, 1, 0);
  k1 = await decode(sample, new OracleDenoiser(0, 1), 'topk-confidence', { k: 1 }, { seed: 1, record: 'full' });
  k3 = await decode(sample, new OracleDenoiser(0, 1), 'topk-confidence', { k: 3 }, { seed: 1, record: 'full' });
});

describe('trace views', () => {
  it('derives states, order and the breaking step from the recorded trace', () => {
    const v0 = frameView(k3, 0);
    expect(v0.states.every((s) => s === 'masked')).toBe(true);
    const v1 = frameView(k3, 1);
    expect(v1.states.filter((s) => s === 'new')).toHaveLength(k3.steps[0].revealed.length);
    const end = frameView(k3, k3.steps.length);
    expect(end.final).toBe(true);
    expect(end.states.every((s) => s === 'earlier' || s === 'new')).toBe(true);
    expect(k3.score.ok).toBe(false);
    const b = breakingFrame(k3)!;
    expect(b).toBeGreaterThan(0);
    expect(k3.steps[b - 1].theory!.validProbability).toBeLessThan(1);
    expect(breakingFrame(k1)).toBeNull();
  });

  it('gives candidates before and after temperature', () => {
    const step = k1.steps[k1.steps.length - 3];
    const p = step.revealed[0];
    // Greedy: all the mass on the argmax (shared by exact ties), which is among the candidates.
    const greedy = candidatesAt(step, p);
    expect(greedy.reduce((a, c) => a + c.q, 0)).toBeCloseTo(1, 5);
    expect(greedy[0].q).toBeGreaterThan(0);
  });
});

describe('TokenCanvas', () => {
  it('marks states without colour: glyphs, border classes and labels', async () => {
    let selected = -1;
    const el = await render(<TokenCanvas trace={k3} frame={1} heat="confidence" selected={-1} onSelect={(p) => (selected = p)} label="B" />);
    const cells = [...el.querySelectorAll<HTMLButtonElement>('button.cell')];
    expect(cells).toHaveLength(k3.canvasLength);
    const fresh = cells.filter((c) => c.dataset.state === 'new');
    expect(fresh).toHaveLength(k3.steps[0].revealed.length);
    expect(fresh[0].textContent).toContain('★');
    expect(fresh[0].querySelector('.sr-only')!.textContent).toMatch(/revealed this step at step 1/);
    const masked = cells.filter((c) => c.dataset.state === 'masked');
    expect(masked[0].textContent).toContain('?');
    expect(masked[0].querySelector('.sr-only')!.textContent).toMatch(/masked, confidence/);
    await act(async () => masked[0].click());
    expect(selected).toBe(Number(masked[0].querySelector('.sr-only')!.textContent!.match(/position (\d+)/)![1]));
  });

  it('marks the culprits (the positions revealed in the breaking step) at the end of an invalid decode', async () => {
    const el = await render(<TokenCanvas trace={k3} frame={k3.steps.length} heat="entropy" selected={-1} onSelect={() => {}} label="B" />);
    const culprits = [...el.querySelectorAll<HTMLElement>('[data-culprit]')];
    const b = breakingFrame(k3)!;
    expect(culprits.map((c) => Number(c.dataset.pos))).toEqual([...k3.steps[b - 1].revealed].sort((x, y) => x - y));
    expect(culprits[0].textContent).toContain('✗');
    expect(culprits[0].querySelector('.sr-only')!.textContent).toMatch(/made the output invalid/);
  });
});

describe('Candidates and Dependency', () => {
  it('shows bars for a selected masked position', async () => {
    const p = k1.steps[0].revealed[0];
    const el = await render(<Candidates trace={k1} frame={1} pos={p} />);
    expect(el.querySelectorAll('tbody tr').length).toBeGreaterThan(0);
    expect(el.textContent).toContain('greedy');
  });

  it('shows total correlation, P(valid) and links for the step that broke the answer', async () => {
    const b = breakingFrame(k3)!;
    const el = await render(<Dependency trace={k3} frame={b} exact />);
    expect(el.textContent).toContain('total correlation');
    expect(el.textContent).toContain(`${k3.steps[b - 1].theory!.totalCorrelation.toFixed(3)} bits`);
    expect(el.querySelectorAll('svg path.link').length).toBeGreaterThan(0);
    expect(el.querySelector('.mi canvas')).not.toBeNull();
  });

  it('explains that theory needs the exact oracle', async () => {
    const el = await render(<Dependency trace={k3} frame={1} exact={false} />);
    expect(el.textContent).toMatch(/needs the exact oracle/);
  });
});

describe('Player', () => {
  it('steps with the keyboard, toggles play with space and announces the step', async () => {
    useApp.setState({
      settings: { ...cloneSettings(PRESET), step: 0 },
      sides: {
        a: { status: 'ready', result: { trace: k1, sample: { description: '', reference: new Int32Array(), prompt: new Int32Array() }, ms: 1, backend: 'cpu' }, error: null, key: 'a' },
        b: { status: 'ready', result: { trace: k3, sample: { description: '', reference: new Int32Array(), prompt: new Int32Array() }, ms: 1, backend: 'cpu' }, error: null, key: 'b' },
        c: { status: 'idle', result: null, error: null, key: '' },
        d: { status: 'idle', result: null, error: null, key: '' },
      },
      playing: false,
    });
    const el = await render(<Player />);
    const key = (k: string) => act(async () => void window.dispatchEvent(new KeyboardEvent('keydown', { key: k })));
    await key('ArrowRight');
    await key('ArrowRight');
    expect(useApp.getState().settings.step).toBe(2);
    await key('ArrowLeft');
    expect(useApp.getState().settings.step).toBe(1);
    expect(el.querySelector('[aria-live]')!.textContent).toMatch(/^Step 1 of 32\. A revealed position \d+\. B revealed positions/);
    await key('End');
    expect(el.querySelector('output')!.textContent).toBe('32 / 32');
    await key(' ');
    expect(useApp.getState().playing).toBe(true);
    await key(' ');
    expect(useApp.getState().playing).toBe(false);
    // Play at the end starts over from the first step.
    expect(useApp.getState().settings.step).toBe(0);
    await key('End');
    const back = el.querySelector<HTMLButtonElement>('button[aria-label="step back"]')!;
    await act(async () => back.click());
    expect(useApp.getState().settings.step).toBe(31);
    const range = el.querySelector<HTMLInputElement>('input[type=range]')!;
    expect(range.max).toBe('32');
  });
});
