/**
 * "Read text" in the text tool: the model's own language model reads the text inside the box (the whole
 * image without one), offline; the lines it found are listed and picking one fills the "Current text" field.
 */
import { useState } from 'react';
import { useServices } from '../../actions/services';
import { useAppStore } from '../../state/useAppStore';

type Reading = { text: string; lines: readonly string[] | null; demo: boolean };

export function TextReader({ onPick }: { onPick: (line: string) => void }) {
  const { editor } = useServices();
  const hasProject = useAppStore((s) => s.project !== null);
  const hasBox = useAppStore((s) => s.text.box !== null);
  const [reading, setReading] = useState<Reading | null>(null);
  const streaming = reading !== null && reading.lines === null;

  const read = async () => {
    setReading({ text: '', lines: null, demo: false });
    const outcome = await editor.readText((delta) =>
      setReading((r) => (r ? { ...r, text: r.text + delta } : r)),
    );
    if (!outcome.ok) return setReading(null);
    const { text, lines = [], demo } = outcome.result;
    setReading({ text, lines: lines.map((l) => l.text), demo });
  };

  return (
    <div className="text-reader">
      <button
        type="button"
        className="button"
        disabled={!hasProject || streaming}
        onClick={() => void read()}
        title={`Read the text ${hasBox ? 'in the box' : 'in the image'} with the model's own language model, offline`}
      >
        Read text
      </button>
      {streaming && (
        <>
          <p className="hint" aria-busy="true" data-testid="text-reading">
            {reading.text || 'Reading…'}
          </p>
          <button type="button" className="button" onClick={() => void editor.cancelReadText()}>
            Stop reading
          </button>
        </>
      )}
      {reading?.lines && (
        <>
          {reading.demo && (
            <p className="enhance-demo">Demo model (random weights): these lines are gibberish.</p>
          )}
          {reading.lines.length === 0 ? (
            <p className="hint">No text found.</p>
          ) : (
            <ul className="text-lines" aria-label="Text found">
              {reading.lines.map((line, i) => (
                <li key={i}>
                  <button
                    type="button"
                    className="button"
                    onClick={() => {
                      onPick(line);
                      setReading(null);
                    }}
                    title="Use this as the current text"
                  >
                    {line}
                  </button>
                </li>
              ))}
            </ul>
          )}
          <button type="button" className="button" onClick={() => setReading(null)}>
            Dismiss
          </button>
        </>
      )}
    </div>
  );
}
