import { benchFromQuery, benchToQuery, decodeShare, shareFromHash } from './benchUrl';
import { SIDE_KEYS, fromQuery, toQuery } from './settings';
import { initRuns, notify, refreshBackend, showSharedRuns, syncDecodes, useApp } from './store';

/**
 * Wires the store to the URL (every setting, the seed and the step, replaced as they change) and
 * to the engine worker (a changed setting re-decodes). Returns an unsubscribe for tests.
 */
export function boot(): () => void {
  const { settings, messages } = fromQuery(window.location.search);
  const stored = safeStorage('unmask-theme');
  const theme = stored === 'dark' || stored === 'light' ? stored : matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  useApp.setState({ settings, theme });
  // Bench form and chart view (b.* and c.* keys), and results shared in the fragment (#r=…).
  const bench = benchFromQuery(window.location.search);
  if (bench.present) useApp.setState({ bench: { form: bench.form, chart: bench.chart } });
  messages.push(...bench.messages);
  if (messages.length === 1) notify('warning', messages[0]);
  else if (messages.length > 1) notify('warning', `This link had ${messages.length} problems; the page uses defaults for them:`, messages);
  const custom = SIDE_KEYS.filter((k) => settings[k]?.model === 'custom');
  if (custom.length) {
    const which = custom.map((k) => k.toUpperCase()).join(' and ');
    notify('info', `This link used your own model for decode ${which} (model=custom). A model file cannot be kept in a link: load it again in the settings of decode ${which} (“Your model…”). Until then the exact oracle decodes instead.`);
  }

  let timer: ReturnType<typeof setTimeout> | undefined;
  const unsub = useApp.subscribe((s, prev) => {
    if (s.theme !== prev.theme) safeStorage('unmask-theme', s.theme);
    if (s.settings === prev.settings && s.bench === prev.bench) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      const now = useApp.getState();
      const q = `${toQuery(now.settings)}&${benchToQuery(now.bench.form, now.bench.chart)}`;
      if (window.location.search.slice(1) !== q) history.replaceState(null, '', `${window.location.pathname}?${q}${window.location.hash}`);
    }, 80);
    if (s.settings !== prev.settings) syncDecodes();
  });
  syncDecodes();
  // Shared results: at startup, and when only the fragment changes (a link opened in this tab).
  const showShared = sharedFromHash();
  showShared();
  window.addEventListener('hashchange', showShared);
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
    window.removeEventListener('hashchange', showShared);
  };
}

/**
 * Reads results shared in the fragment (#r=…) and shows them beside the user's runs. The returned
 * function is called at startup and on every hashchange: the same link is shown once (a hash that
 * did not change, or changed away and back, is not decoded again), and a slow decode that a newer
 * link overtook is dropped.
 */
function sharedFromHash(): () => void {
  let last: string | null = null;
  return () => {
    const shared = shareFromHash(window.location.hash);
    if (shared === null || shared === last) return;
    last = shared;
    decodeShare(shared).then(
      (runs) => {
        if (last !== shared) return;
        showSharedRuns(runs);
        notify('info', `This link holds ${runs.reduce((a, r) => a + r.records.length, 0)} shared results, shown read-only beside your own runs; "Import into my runs" keeps them.`);
      },
      (e: Error) => {
        if (last === shared) notify('error', `The shared results in this link cannot be read: ${e.message}.`);
      },
    );
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
