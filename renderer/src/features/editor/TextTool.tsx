/**
 * The text tool: the user boxes the text on the canvas and types the current and the new text; the tool
 * composes the instruction the model follows (editable before running) and runs it confined to the box.
 * "Read text" lists the text the model finds in the box, to pick the current text from.
 */
import { useServices } from '../../actions/services';
import { useAppStore } from '../../state/useAppStore';
import { TextReader } from './TextReader';

export function TextTool() {
  const { editor } = useServices();
  const text = useAppStore((s) => s.text);
  const setFields = useAppStore((s) => s.setTextFields);
  const setInstruction = useAppStore((s) => s.setInstruction);
  const busy = useAppStore((s) => s.jobStatus !== 'idle');
  const ready = text.box !== null && text.instruction.trim() !== '';
  return (
    <fieldset className="text-tool" aria-label="Text tool">
      <legend className="field-label">Replace text</legend>
      <p className="hint">
        {text.box
          ? `Area ${text.box.width}×${text.box.height} at ${text.box.x},${text.box.y}`
          : 'Drag a box around the text on the canvas.'}
      </p>
      <TextReader onPick={(current) => setFields({ current })} />
      <label className="field-label" htmlFor="text-current">
        Current text
      </label>
      <input
        id="text-current"
        className="field"
        value={text.current}
        onChange={(e) => setFields({ current: e.currentTarget.value })}
        placeholder="OPEN / 营业"
      />
      <label className="field-label" htmlFor="text-next">
        New text
      </label>
      <input
        id="text-next"
        className="field"
        value={text.next}
        onChange={(e) => setFields({ next: e.currentTarget.value })}
        placeholder="CLOSED / 休息"
      />
      <label className="field-label" htmlFor="text-instruction">
        Instruction sent to the model
      </label>
      <textarea
        id="text-instruction"
        className="field"
        rows={2}
        value={text.instruction}
        onChange={(e) => setInstruction(e.currentTarget.value)}
      />
      <button
        type="button"
        className="button button-primary"
        disabled={!ready || busy}
        onClick={() => void editor.run({ prompt: text.instruction, region: { box: text.box, strokes: [] } })}
        title="Runs the instruction above, confined to the text area"
      >
        Run text edit
      </button>
    </fieldset>
  );
}
