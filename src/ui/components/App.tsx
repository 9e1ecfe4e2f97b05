import { lazy, Suspense, useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { getTask } from '../../engine/tasks';
import { dismiss, setSettings, useApp } from '../store';
import { BackendPanel } from './BackendPanel';
import { DecodePanel, VerdictBar } from './DecodePanel';
import { GlossaryPanel } from './Glossary';
import { LessonPanel, TeachButtons } from './Lesson';
import { useTeach } from '../teach';
import { SharedSettings } from './DecodeSettings';
import { SIDE_KEYS, shownSides } from '../settings';
import { Player } from './Player';
import { CanvasLegend } from './TokenCanvas';

const BenchTab = lazy(() => import('./BenchTab'));
const SIDE_GRID = ['one', 'two', 'three', 'four'];

export function App() {
  const tab = useApp((s) => s.settings.tab);
  const theme = useApp((s) => s.theme);
  const presenter = useTeach((t) => t.presenter);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  return (
    <div className={presenter ? 'app presenter' : 'app'}>
      <a className="skip-link" href="#main">Skip to the decodes</a>
      <header className="top">
        <h1>Unmask <span className="sub">why decoding many tokens at once breaks answers</span></h1>
        <nav aria-label="views" className="tabs">
          <button type="button" aria-pressed={tab === 'decode'} onClick={() => setSettings({ tab: 'decode' })}>Step through a decode</button>
          <button type="button" aria-pressed={tab === 'bench'} onClick={() => setSettings({ tab: 'bench' })}>Benchmark &amp; trade-off chart</button>
        </nav>
        <TeachButtons />
        <button type="button" className="theme" onClick={() => useApp.setState({ theme: theme === 'dark' ? 'light' : 'dark' })} aria-label={`switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}>
          {theme === 'dark' ? '☀ light' : '☾ dark'}
        </button>
      </header>
      <Messages />
      <GpuBanner />
      <main id="main" tabIndex={-1}>
        <LessonPanel />
        {tab === 'decode' ? (
          <DecodeTab />
        ) : (
          <Suspense fallback={<p className="hint">Loading the chart…</p>}>
            <BenchTab />
          </Suspense>
        )}
      </main>
      <footer>
        <BackendPanel />
      </footer>
    </div>
  );
}

function DecodeTab() {
  // Only what this view reads: a step (settings.step) re-renders the panels, not the whole tab.
  const s = useApp(useShallow((st) => ({ task: st.settings.task, compare: st.settings.compare, heat: st.settings.heat, count: shownSides(st.settings).length })));
  const desc = useApp((st) => st.sides.a.result?.sample.description);
  const task = getTask(s.task);
  return (
    <>
      <VerdictBar />
      <section className="lesson" aria-label="about this view">
        <p>
          <strong>{task.title}.</strong> {task.rule} {desc && <span className="prompt">Prompt: <q>{desc}</q>.</span>}
        </p>
        {task.family === 'text' && (
          <p className="hint">
            <strong>A toy language:</strong> these sentences come from a small grammar whose every sentence can be listed and
            parsed, so the oracle is exact. Multi-token phrases (“New York”, “Mexico City”) show how parallel reveals mix them up.
          </p>
        )}
        {s.task === 'waiting-line/shuffle' && s.compare && (
          <p className="hint">
            A reveals one token per step; B reveals several at once. Each token is a good guess on its own, but tokens chosen
            together are drawn independently — so B can pair a first name with the wrong last name. Use ← → to step through.
          </p>
        )}
      </section>
      <SharedSettings />
      <Player />
      <CanvasLegend heat={s.heat} />
      {/* One panel per decode, A to D; the class picks the grid (styles.css). */}
      <div className={`sides ${SIDE_GRID[s.count - 1]}`} data-testid="sides">
        {SIDE_KEYS.slice(0, s.count).map((k) => (
          <DecodePanel key={k} side={k} />
        ))}
      </div>
      <GlossaryPanel />
    </>
  );
}

function Messages() {
  const messages = useApp((s) => s.messages);
  if (messages.length === 0) return null;
  return (
    <div className="messages" role="alert" data-testid="messages">
      {messages.map((m) => (
        <div key={m.id} className={`msg msg-${m.level}`}>
          <span className="msg-kind">{m.level === 'error' ? '✗ Error' : m.level === 'warning' ? '⚠ Warning' : 'ℹ Note'}:</span> {m.text}{' '}
          <button type="button" onClick={() => dismiss(m.id)} aria-label="dismiss message">dismiss</button>
          {m.details && (
            <ul>
              {m.details.map((d) => (
                <li key={d}>{d}</li>
              ))}
            </ul>
          )}
        </div>
      ))}
    </div>
  );
}

function GpuBanner() {
  const info = useApp((s) => s.backend);
  if (!info || info.backend !== 'cpu' || info.note === null || info.note.startsWith('CPU engine chosen')) return null;
  return (
    <p className="banner" role="status" data-testid="gpu-banner">
      <span aria-hidden="true">⚠ </span>
      {info.webgpu ? '' : 'No WebGPU here. '}
      {info.note} Everything works; sweeps are just slower.
    </p>
  );
}
