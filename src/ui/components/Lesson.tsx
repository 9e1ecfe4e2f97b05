import { useEffect } from 'react';
import { LESSONS } from '../lessons';
import { useApp } from '../store';
import { closeLessons, openLesson, setPresenter, useTeach } from '../teach';

/**
 * A link that names only a lesson (?lesson=N) opens that lesson's preset; a link with more
 * settings (a shared view inside a lesson) keeps them. Read once, before the page rewrites the URL.
 */
const initial = typeof window === 'undefined' ? null : new URLSearchParams(window.location.search);
let initialLesson = initial && initial.has('lesson') && [...initial.keys()].every((k) => k === 'lesson') ? Number(initial.get('lesson')) : 0;

/** The open lesson: title, a few sentences, what to notice, one thing to try, and the way on. */
export function LessonPanel() {
  const n = useApp((s) => s.settings.lesson ?? 0);
  useEffect(() => {
    if (initialLesson >= 1 && initialLesson <= LESSONS.length) openLesson(initialLesson);
    else if (useApp.getState().settings.lesson) useTeach.setState({ skipPadding: true });
    initialLesson = 0;
  }, []);
  if (!n) return null;
  const lesson = LESSONS[n - 1];
  return (
    <section className="panel lesson-panel" aria-labelledby="lesson-title" data-testid="lesson" data-lesson={n}>
      <p className="lesson-progress" data-testid="lesson-progress">
        Lesson {n} of {LESSONS.length}{' '}
        <span aria-hidden="true">
          {LESSONS.map((_, i) => (i < n ? '●' : '○')).join('')}
        </span>
      </p>
      <h2 id="lesson-title">{lesson.title}</h2>
      <p className="lesson-text">{lesson.text()}</p>
      <p className="notice">
        <strong>Notice:</strong> {lesson.notice}
      </p>
      <div className="lesson-buttons">
        <button type="button" onClick={() => openLesson(n - 1)} disabled={n <= 1}>
          ← previous lesson
        </button>
        <button type="button" className="try" onClick={() => openLesson(n, true)} data-testid="try-this">
          Try this: {lesson.tryThis.label}
        </button>
        <button type="button" onClick={() => openLesson(n)}>
          back to the lesson’s start
        </button>
        <button type="button" onClick={() => openLesson(n + 1)} disabled={n >= LESSONS.length}>
          next lesson →
        </button>
        <button type="button" onClick={closeLessons}>
          close lessons
        </button>
      </div>
      <p className="hint">PageDown / PageUp (or a presentation clicker) step through, then move to the next lesson.</p>
    </section>
  );
}

/** Header buttons: start the lessons, enter or leave presenter mode. */
export function TeachButtons() {
  const lesson = useApp((s) => s.settings.lesson ?? 0);
  const presenter = useTeach((t) => t.presenter);
  return (
    <span className="teach-buttons">
      {!lesson && (
        <button type="button" onClick={() => openLesson(1)}>
          Lessons
        </button>
      )}
      <button type="button" aria-pressed={presenter} onClick={() => setPresenter(!presenter)}>
        {presenter ? 'Leave presenter mode' : 'Presenter mode'}
      </button>
    </span>
  );
}
