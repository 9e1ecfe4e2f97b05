import { useId, useState, type ReactNode } from 'react';
import { GLOSSARY, glossaryEntry } from '../glossary';

/**
 * A term with a small "?" button beside it that opens its explanation in place (click or tap,
 * never hover only); Escape or a second press closes it.
 */
export function Term({ id, children }: { id: string; children?: ReactNode }) {
  const entry = glossaryEntry(id);
  return <Explain term={entry.term} text={entry.text}>{children ?? entry.term}</Explain>;
}

/** The "?" of Term for any text (a control's help from its spec). */
export function Explain({ term, text, children }: { term: string; text: string; children?: ReactNode }) {
  const [open, setOpen] = useState(false);
  const tip = useId();
  return (
    <span className="term">
      {children ?? term}
      <button
        type="button"
        className="q"
        aria-expanded={open}
        aria-controls={tip}
        aria-label={`what is ${term}?`}
        onClick={() => setOpen(!open)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') setOpen(false);
        }}
      >
        ?
      </button>
      <span id={tip} className="term-tip" role="note" hidden={!open}>
        <strong>{term}:</strong> {text}
      </span>
    </span>
  );
}

/** Every term of the page, explained (a panel anyone can open; the "?" buttons show the same text). */
export function GlossaryPanel() {
  return (
    <details className="panel glossary" id="glossary">
      <summary>Glossary: the words on this page</summary>
      <dl>
        {GLOSSARY.map((g) => (
          <div key={g.id} id={`gloss-${g.id}`}>
            <dt>{g.term}</dt>
            <dd>{g.text}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}
