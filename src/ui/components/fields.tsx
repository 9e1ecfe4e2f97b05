import { useEffect, useId, useState } from 'react';
import { Explain } from './Glossary';

interface NumberFieldProps {
  label: string;
  value: number;
  min: number;
  max: number;
  integer?: boolean;
  step?: number;
  help?: string;
  /** Shown by a "?" beside the label (Term's pattern) instead of only as a tooltip. */
  explain?: string;
  onCommit(v: number): void;
}

/**
 * A labelled number input that only passes on valid values: while the text is not a number in
 * range it shows why next to the field, and the last valid value stays in force.
 */
export function NumberField({ label, value, min, max, integer, step, help, explain, onCommit }: NumberFieldProps) {
  const id = useId();
  const [text, setText] = useState(String(value));
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    // An outside change (URL, preset) replaces the text unless it already says the same number.
    setText((t) => (Number(t) === value && t.trim() !== '' ? t : String(value)));
    setError(null);
  }, [value]);
  const check = (t: string): string | null => {
    if (t.trim() === '') return 'enter a number';
    const v = Number(t);
    if (!Number.isFinite(v)) return `"${t}" is not a number`;
    if (integer && !Number.isInteger(v)) return 'must be a whole number';
    if (v < min || v > max) return `must be between ${min} and ${max}`;
    return null;
  };
  return (
    <div className={`field${error ? ' invalid' : ''}`}>
      {explain ? (
        <Explain term={label} text={explain}>
          <label htmlFor={id}>{label}</label>
        </Explain>
      ) : (
        <label htmlFor={id}>{label}</label>
      )}
      <input
        id={id}
        type="number"
        inputMode="decimal"
        value={text}
        min={min}
        max={max}
        step={step ?? (integer ? 1 : 'any')}
        title={help}
        aria-invalid={!!error}
        aria-describedby={error ? `${id}-err` : undefined}
        onChange={(e) => {
          const t = e.target.value;
          setText(t);
          const err = check(t);
          setError(err);
          if (!err) onCommit(Number(t));
        }}
      />
      {error && (
        <span id={`${id}-err`} className="field-error" role="alert">
          {label}: {error}
        </span>
      )}
    </div>
  );
}

interface SelectFieldProps<T extends string> {
  label: string;
  value: T;
  options: readonly { value: T; label: string }[];
  onChange(v: T): void;
  help?: string;
}

export function SelectField<T extends string>({ label, value, options, onChange, help }: SelectFieldProps<T>) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} title={help} onChange={(e) => onChange(e.target.value as T)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}
