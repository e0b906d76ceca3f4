/**
 * "Enhance" beside the instruction: the model's own language model rewrites it for the viewed image (offline);
 * the suggestion streams in, can be edited, and replaces the instruction only when accepted (the recipe then
 * keeps both texts).
 */
import { useState } from 'react';
import { useServices } from '../../actions/services';
import { useAppStore } from '../../state/useAppStore';

type Suggestion = { original: string; text: string; streaming: boolean; demo: boolean };

export function EnhanceSuggestion() {
  const { editor } = useServices();
  const prompt = useAppStore((s) => s.prompt);
  const hasProject = useAppStore((s) => s.project !== null);
  const busy = useAppStore((s) => s.jobStatus !== 'idle');
  const acceptEnhanced = useAppStore((s) => s.acceptEnhanced);
  const [suggestion, setSuggestion] = useState<Suggestion | null>(null);

  const start = async () => {
    const original = prompt.trim();
    setSuggestion({ original, text: '', streaming: true, demo: false });
    const outcome = await editor.enhance(original, (delta) =>
      setSuggestion((s) => (s ? { ...s, text: s.text + delta } : s)),
    );
    if (!outcome.ok) return setSuggestion(null);
    setSuggestion({ original, text: outcome.result.text, streaming: false, demo: outcome.result.demo });
  };

  return (
    <div className="enhance">
      <button
        type="button"
        className="button"
        disabled={!hasProject || busy || !prompt.trim() || suggestion?.streaming === true}
        onClick={() => void start()}
        title="Rewrite the instruction precisely with the model's own language model, offline"
      >
        Enhance
      </button>
      {suggestion && (
        <div className="enhance-suggestion" role="group" aria-label="Suggested instruction">
          {suggestion.demo && (
            <p className="enhance-demo">Demo model (random weights): this suggestion is gibberish.</p>
          )}
          <label className="visually-hidden" htmlFor="enhanced-instruction">
            Suggested instruction
          </label>
          <textarea
            id="enhanced-instruction"
            className="field"
            rows={3}
            value={suggestion.text}
            readOnly={suggestion.streaming}
            aria-busy={suggestion.streaming}
            onChange={(e) => setSuggestion({ ...suggestion, text: e.currentTarget.value })}
          />
          {suggestion.streaming ? (
            <button type="button" className="button" onClick={() => void editor.cancelEnhance()}>
              Stop
            </button>
          ) : (
            <>
              <button
                type="button"
                className="button button-primary"
                disabled={!suggestion.text.trim()}
                onClick={() => {
                  acceptEnhanced(suggestion.original, suggestion.text.trim());
                  setSuggestion(null);
                }}
              >
                Accept
              </button>
              <button type="button" className="button" onClick={() => setSuggestion(null)}>
                Reject
              </button>
            </>
          )}
        </div>
      )}
    </div>
  );
}
