/** A labelled slider and number field bound to one value: the slider to sweep, the field for an exact value. */
import { NumberField } from './NumberField';

type Props = {
  /** The number field's id; the slider's is `${id}-range`. */
  id: string;
  label: string;
  title: string;
  sliderLabel: string;
  range: { min: number; max: number };
  step?: number;
  value: number;
  onChange(value: number): void;
};

export function SliderField({ id, label, title, sliderLabel, range, step, value, onChange }: Props) {
  const { min, max } = range;
  return (
    <div className="control-row">
      <label htmlFor={id} title={title}>
        {label}
      </label>
      <input
        id={`${id}-range`}
        type="range"
        aria-label={sliderLabel}
        {...{ min, max, step, value }}
        onChange={(e) => onChange(e.currentTarget.valueAsNumber)}
      />
      <NumberField
        id={id}
        className="field number small"
        {...{ min, max, step, value }}
        onCommit={onChange}
      />
    </div>
  );
}
