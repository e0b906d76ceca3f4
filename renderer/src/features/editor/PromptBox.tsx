/** The instruction (multi-line; Ctrl/Cmd+Enter runs, never during IME composition), negative prompt, recent prompts. */
import type { KeyboardEvent } from 'react';
import { useServices } from '../../actions/services';
import { useAppStore } from '../../state/useAppStore';
import { EnhanceSuggestion } from './EnhanceSuggestion';

/** True while an input method is composing (Chinese, Japanese…): Enter then confirms a candidate. */
export function isComposing(e: KeyboardEvent): boolean {
  return e.nativeEvent.isComposing || e.keyCode === 229;
}

export function PromptBox() {
  const { editor } = useServices();
  const prompt = useAppStore((s) => s.prompt);
  const negative = useAppStore((s) => s.negativePrompt);
  const negativeOpen = useAppStore((s) => s.negativeOpen);
  const recent = useAppStore((s) => s.recentPrompts);
  const setPrompt = useAppStore((s) => s.setPrompt);
  const setNegative = useAppStore((s) => s.setNegativePrompt);
  const setNegativeOpen = useAppStore((s) => s.setNegativeOpen);
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (isComposing(e)) return;
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void editor.runBatch();
    }
  };
  return (
    <div className="prompt-box">
      <label className="field-label" htmlFor="instruction">
        Instruction
      </label>
      <textarea
        id="instruction"
        className="field"
        rows={4}
        value={prompt}
        onChange={(e) => setPrompt(e.currentTarget.value)}
        onKeyDown={onKeyDown}
        placeholder="Describe the change, e.g. “make the sky a sunset” (Ctrl+Enter runs)"
        spellCheck
      />
      <EnhanceSuggestion />
      {recent.length > 0 && (
        <select
          className="field recent-prompts"
          aria-label="Recent instructions"
          value=""
          onChange={(e) => e.currentTarget.value && setPrompt(e.currentTarget.value)}
        >
          <option value="">Recent instructions…</option>
          {recent.map((p) => (
            <option key={p} value={p}>
              {p.length > 60 ? `${p.slice(0, 60)}…` : p}
            </option>
          ))}
        </select>
      )}
      <details
        className="negative"
        open={negativeOpen}
        onToggle={(e) => setNegativeOpen(e.currentTarget.open)}
      >
        <summary title="What the result should avoid. Only used when CFG is above 1.">
          Negative prompt
        </summary>
        <label className="visually-hidden" htmlFor="negative-prompt">
          Negative prompt
        </label>
        <textarea
          id="negative-prompt"
          className="field"
          rows={2}
          value={negative}
          onChange={(e) => setNegative(e.currentTarget.value)}
          onKeyDown={onKeyDown}
          placeholder="e.g. blurry, distorted text"
        />
      </details>
    </div>
  );
}
