/**
 * A number input that lets the user type freely: the text is theirs while they type (an empty field or "1"
 * on the way to "12" is not clamped under their fingers); every complete value is committed at once, and on
 * blur the field shows the value in effect.
 */
import { useEffect, useRef, useState, type InputHTMLAttributes } from 'react';

export function NumberField({
  value,
  onCommit,
  ...rest
}: { value: number; onCommit: (value: number) => void } & Omit<
  InputHTMLAttributes<HTMLInputElement>,
  'value' | 'onChange' | 'type'
>) {
  const [draft, setDraft] = useState<string | null>(null);
  const ownChange = useRef(false);
  // A value set from elsewhere (a preset, "Use these settings", a restored recipe) replaces what was typed.
  useEffect(() => {
    if (!ownChange.current) setDraft(null);
    ownChange.current = false;
  }, [value]);
  return (
    <input
      {...rest}
      type="number"
      value={draft ?? String(value)}
      onChange={(e) => {
        const text = e.currentTarget.value;
        setDraft(text);
        const n = e.currentTarget.valueAsNumber;
        if (text.trim() !== '' && Number.isFinite(n) && n !== value) {
          ownChange.current = true;
          onCommit(n);
        }
      }}
      onBlur={() => {
        ownChange.current = false;
        setDraft(null);
      }}
    />
  );
}
