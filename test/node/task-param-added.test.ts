import { describe, expect, it, vi } from 'vitest';
import type { TaskParamSpec } from '../../src/engine/tasks';

// Issue 9: "adding a task parameter touches only the task's module". Here a throwaway parameter
// is added to one task's module (the dial, through a mock of the task table: the only change) and
// the page must carry it like any other: its URL key, its control, its validation by the engine,
// the worker request. A page that special-cased parameter names would miss it and fail here.

const ZETA = vi.hoisted((): TaskParamSpec => ({ name: 'zeta', label: 'zeta (test only)', default: 3, min: 1, max: 7, integer: true, help: 'a parameter no code outside the task module knows' }));

vi.mock('../../src/engine/tasks', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/engine/tasks')>();
  const dial = real.getTask('dial');
  const withZeta = { ...dial, params: [...dial.params, ZETA] };
  return { ...real, TASKS: real.TASKS.map((t) => (t.id === 'dial' ? withZeta : t)), getTask: (id: string) => (id === 'dial' ? withZeta : real.getTask(id)) };
});

const { fromQuery, taskControls, toQuery } = await import('../../src/ui/settings');
const { decodeRequest } = await import('../../src/ui/store');

describe('a task parameter added in the task module alone', () => {
  it('gets a URL key, a control, the engine’s validation and a place in the worker request', () => {
    const { settings, messages } = fromQuery('task=dial&rho=0.5&zeta=6');
    expect(messages).toEqual([]);
    expect(settings.taskParams).toEqual({ rho: 0.5, zeta: 6 });
    expect(new URLSearchParams(toQuery(settings)).get('zeta')).toBe('6');
    expect(fromQuery(toQuery(settings)).settings).toStrictEqual(settings);

    const control = taskControls('dial').find((c) => c.spec.name === 'zeta');
    expect(control?.spec).toBe(ZETA);
    expect(control!.get(settings)).toBe(6);

    // Defaults from the spec; range and integer checks from the engine's checkTaskParam.
    expect(fromQuery('task=dial').settings.taskParams).toEqual({ rho: 0.9, zeta: 3 });
    expect(fromQuery('task=dial&zeta=8').messages).toEqual(['URL parameter "zeta=8": zeta must be an integer in [1, 7], got 8; using 3.']);
    expect(fromQuery('task=dial&zeta=2.5').messages).toEqual(['URL parameter "zeta=2.5": zeta must be an integer in [1, 7], got 2.5; using 3.']);
    // Only the dial has it.
    expect(fromQuery('task=letters/copy&zeta=2').messages).toHaveLength(1);

    expect(decodeRequest(settings, 'a', null)).toMatchObject({ task: 'dial', taskParams: { rho: 0.5, zeta: 6 } });
  });
});
