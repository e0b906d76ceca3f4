/** Seed (dice, lock), CFG, steps, output size and presets, each with a tooltip that says what it trades. */
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ASPECT_PRESETS, aspectWarning, lockedResize, sizeAtAspect } from '../../state/aspectPresets';
import { selectIsDemoModel } from '../../state/engineSlice';
import { selectViewedVersion } from '../../state/projectSlice';
import {
  CFG_RANGE,
  PRESETS,
  resolveOutputSize,
  SEED_RANGE,
  SIDE_RANGE,
  STEPS_RANGE,
  type PresetName,
  type SizeMode,
} from '../../state/paramsSlice';
import { useAppStore } from '../../state/useAppStore';
import { NumberField } from '../../ui/NumberField';
import { SliderField } from '../../ui/SliderField';

export function Controls() {
  // Only the fields shown here: typing in the prompt or a progress event must not re-render the controls.
  const s = useAppStore(
    useShallow((st) => ({
      seed: st.seed,
      seedLocked: st.seedLocked,
      cfg: st.cfg,
      steps: st.steps,
      sizeMode: st.sizeMode,
      customSize: st.customSize,
      applyPreset: st.applyPreset,
      setSeed: st.setSeed,
      rollSeed: st.rollSeed,
      setSeedLocked: st.setSeedLocked,
      setCfg: st.setCfg,
      setSteps: st.setSteps,
      setSizeMode: st.setSizeMode,
      setCustomSize: st.setCustomSize,
    })),
  );
  const viewed = useAppStore(selectViewedVersion);
  const demo = useAppStore(selectIsDemoModel);
  const source = viewed ? { width: viewed.image.width, height: viewed.image.height } : null;
  const size = resolveOutputSize(s.sizeMode, s.customSize, source, demo);
  const [aspectLocked, setAspectLocked] = useState(false);
  const resize = (next: { width: number; height: number }) =>
    s.setCustomSize(aspectLocked ? lockedResize(s.customSize, next) : next);
  const warning = size && s.sizeMode === 'custom' ? aspectWarning(size, source) : null;
  return (
    <fieldset className="controls">
      <legend className="field-label">Settings</legend>
      <div className="presets" role="group" aria-label="Presets">
        {(Object.keys(PRESETS) as PresetName[]).map((name) => (
          <button
            key={name}
            type="button"
            className={`button chip${s.steps === PRESETS[name].steps && s.cfg === PRESETS[name].cfg ? ' active' : ''}`}
            onClick={() => s.applyPreset(name)}
            title={`${PRESETS[name].steps} steps, CFG ${PRESETS[name].cfg}. ${name === 'quality' ? 'The official default: best results, slowest.' : 'Fewer steps: faster, rougher.'}`}
          >
            {PRESETS[name].label}
          </button>
        ))}
      </div>
      <div className="control-row">
        <label htmlFor="seed" title="The same seed and settings reproduce the same result exactly.">
          Seed
        </label>
        <NumberField
          id="seed"
          className="field number"
          min={SEED_RANGE.min}
          max={SEED_RANGE.max}
          value={s.seed}
          onCommit={s.setSeed}
        />
        <button
          type="button"
          className="button icon"
          onClick={() => s.rollSeed()}
          title="New random seed"
          aria-label="New random seed"
        >
          Random
        </button>
        <button
          type="button"
          className={`button icon${s.seedLocked ? ' active' : ''}`}
          aria-pressed={s.seedLocked}
          onClick={() => s.setSeedLocked(!s.seedLocked)}
          title={s.seedLocked ? 'Seed locked: every run uses it' : 'Seed unlocked: a new one after each run'}
          aria-label="Lock seed"
        >
          {s.seedLocked ? 'Locked' : 'Lock'}
        </button>
      </div>
      <SliderField
        id="cfg"
        label="CFG"
        title="True CFG scale: how strongly the result follows the instruction. Higher follows more closely but can look harsh; 1 turns guidance off and runs twice as fast."
        sliderLabel="CFG scale slider"
        range={CFG_RANGE}
        step={0.1}
        value={s.cfg}
        onChange={s.setCfg}
      />
      <SliderField
        id="steps"
        label="Steps"
        title="Denoising steps: more steps give cleaner detail, and each one costs the same time."
        sliderLabel="Steps slider"
        range={STEPS_RANGE}
        value={s.steps}
        onChange={s.setSteps}
      />
      <div className="control-row">
        <label
          htmlFor="size-mode"
          title="The model works best at about 1 megapixel; larger is slower, smaller loses detail. Same as source keeps the input's size and pastes back only what changed, so untouched pixels keep their exact bytes."
        >
          Size
        </label>
        <select
          id="size-mode"
          className="field"
          value={s.sizeMode}
          onChange={(e) => s.setSizeMode(e.currentTarget.value as SizeMode)}
        >
          <option value="auto">{demo ? 'Auto (small: demo model)' : 'Auto (≈1 MP)'}</option>
          <option value="source">Same as source (paste back)</option>
          <option value="custom">Custom</option>
        </select>
      </div>
      {s.sizeMode === 'custom' && (
        <div className="control-row">
          <label htmlFor="size-width">W×H</label>
          <NumberField
            id="size-width"
            aria-label="Output width"
            className="field number small"
            min={SIDE_RANGE.min}
            max={SIDE_RANGE.max}
            step={16}
            value={s.customSize.width}
            onCommit={(width) => resize({ ...s.customSize, width })}
          />
          <NumberField
            id="size-height"
            aria-label="Output height"
            className="field number small"
            min={SIDE_RANGE.min}
            max={SIDE_RANGE.max}
            step={16}
            value={s.customSize.height}
            onCommit={(height) => resize({ ...s.customSize, height })}
          />
          <label title="Keep the width:height ratio when one side changes">
            <input
              type="checkbox"
              checked={aspectLocked}
              onChange={(e) => setAspectLocked(e.currentTarget.checked)}
            />{' '}
            Lock aspect
          </label>
        </div>
      )}
      {s.sizeMode === 'custom' && (
        <div className="control-row">
          <label htmlFor="aspect-preset">Aspect</label>
          <select
            id="aspect-preset"
            className="field"
            value=""
            title="Poster, print and social ratios at the current area"
            onChange={(e) => {
              const preset = ASPECT_PRESETS.find((p) => p.id === e.currentTarget.value);
              if (preset)
                s.setCustomSize(sizeAtAspect(preset.ratio, s.customSize.width * s.customSize.height));
            }}
          >
            <option value="">Preset…</option>
            {ASPECT_PRESETS.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
          </select>
        </div>
      )}
      {warning && (
        <p className="hint warning" role="status" data-testid="aspect-warning">
          {warning}
        </p>
      )}
      <p className="hint" data-testid="output-size">
        Output: {size ? `${size.width}×${size.height}` : '≈1 MP at the input’s aspect ratio'}
      </p>
    </fieldset>
  );
}
