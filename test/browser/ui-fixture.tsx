import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { App } from '../../src/ui/components/App';
import { PRESET, cloneSettings } from '../../src/ui/settings';
import { getEngine, setEngine, syncDecodes, useApp } from '../../src/ui/store';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

/** Polls `check` inside act() until it holds, or throws after `ms`. */
export async function until(check: () => boolean, ms = 30_000): Promise<void> {
  const end = performance.now() + ms;
  while (!check()) {
    if (performance.now() > end) throw new Error('timed out');
    await act(async () => new Promise((r) => setTimeout(r, 30)));
  }
}

export interface MountedApp {
  host: HTMLElement;
  q: <T extends Element = HTMLElement>(sel: string) => T | null;
  unmount: () => Promise<void>;
}

/**
 * The whole App with the real engine worker, on the CPU engine (GPU decodes have their own
 * tests), re-decoding on setting changes as boot() does for the page.
 */
export async function mountApp(): Promise<MountedApp> {
  useApp.setState({ settings: { ...cloneSettings(PRESET), engine: 'cpu' } });
  const host = document.createElement('div');
  document.body.append(host);
  const root = createRoot(host);
  await act(async () => root.render(<App />));
  const unsubscribe = useApp.subscribe((s, prev) => s.settings !== prev.settings && syncDecodes());
  syncDecodes();
  return {
    host,
    q: <T extends Element = HTMLElement>(sel: string) => host.querySelector<T>(sel),
    unmount: async () => {
      unsubscribe();
      await act(async () => root.unmount());
      host.remove();
      getEngine().terminate();
      setEngine(null);
    },
  };
}

/**
 * mountApp() once for the enclosing suite (beforeAll / afterAll); host and q read the mounted
 * app, so they are valid inside the suite's tests.
 */
export function useMountedApp(): Pick<MountedApp, 'host' | 'q'> {
  let app: MountedApp | null = null;
  beforeAll(async () => {
    app = await mountApp();
  });
  afterAll(() => app?.unmount());
  const mounted = () => {
    if (!app) throw new Error('the app is mounted in beforeAll: use it inside a test');
    return app;
  };
  return {
    get host() {
      return mounted().host;
    },
    q: <T extends Element = HTMLElement>(sel: string) => mounted().q<T>(sel),
  };
}


/**
 * Components rendered one at a time into hosts of their own: `render(el)` mounts and returns the
 * host; every mounted one is unmounted after each test (or earlier by `cleanup()`).
 */
export function useRender(): { render: (el: React.ReactElement) => Promise<HTMLElement>; cleanup: () => Promise<void> } {
  const mounted: { root: Root; host: HTMLElement }[] = [];
  const cleanup = async () => {
    for (const m of mounted.splice(0)) {
      await act(async () => m.root.unmount());
      m.host.remove();
    }
  };
  afterEach(cleanup);
  return {
    render: async (el) => {
      const host = document.createElement('div');
      document.body.append(host);
      const root = createRoot(host);
      mounted.push({ root, host });
      await act(async () => root.render(el));
      return host;
    },
    cleanup,
  };
}
