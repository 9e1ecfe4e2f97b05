import { fromQuery, toQuery } from './settings';
import { initRuns, notify, refreshBackend, syncDecodes, useApp } from './store';

/**
 * Wires the store to the URL (every setting, the seed and the step, replaced as they change) and
 * to the engine worker (a changed setting re-decodes). Returns an unsubscribe for tests.
 */
export function boot(): () => void {
  const { settings, messages } = fromQuery(window.location.search);
  const stored = safeStorage('unmask-theme');
  const theme = stored === 'dark' || stored === 'light' ? stored : matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  useApp.setState({ settings, theme });
  if (messages.length === 1) notify('warning', messages[0]);
  else if (messages.length > 1) notify('warning', `This link had ${messages.length} problems; the page uses defaults for them:`, messages);
  const custom = (['a', 'b'] as const).filter((k) => settings[k].model === 'custom');
  if (custom.length) {
    const which = custom.map((k) => k.toUpperCase()).join(' and ');
    notify('info', `This link used your own model for decode ${which} (model=custom). A model file cannot be kept in a link: load it again in the settings of decode ${which} (“Your model…”). Until then the exact oracle decodes instead.`);
  }

  let timer: ReturnType<typeof setTimeout> | undefined;
  const unsub = useApp.subscribe((s, prev) => {
    if (s.theme !== prev.theme) safeStorage('unmask-theme', s.theme);
    if (s.settings === prev.settings) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      const q = toQuery(useApp.getState().settings);
      if (window.location.search.slice(1) !== q) history.replaceState(null, '', `${window.location.pathname}?${q}`);
    }, 80);
    syncDecodes();
  });
  syncDecodes();
  void refreshBackend();
  void initRuns();

  const onError = (e: ErrorEvent) => notify('error', `Unexpected error: ${e.message}`);
  const onRejection = (e: PromiseRejectionEvent) => notify('error', `Unexpected error: ${(e.reason as Error)?.message ?? String(e.reason)}`);
  window.addEventListener('error', onError);
  window.addEventListener('unhandledrejection', onRejection);
  return () => {
    unsub();
    clearTimeout(timer);
    window.removeEventListener('error', onError);
    window.removeEventListener('unhandledrejection', onRejection);
  };
}

function safeStorage(key: string, value?: string): string | null {
  try {
    if (value !== undefined) localStorage.setItem(key, value);
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}
