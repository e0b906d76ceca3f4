/**
 * LoRAs for the next edit (issue 11): the library's LoRAs (downloaded from Models, or added here as a
 * .safetensors file), each with a strength and an on/off switch, and the Lightning LoRAs as one-click
 * "Fast (4 steps)" / "Fast (8 steps)" presets when they are installed.
 */
import { useEffect, useRef } from 'react';
import { useServices } from '../../actions/services';
import { LORA_STRENGTH, lightningLora, type LoraPick } from '../../state/lorasSlice';
import { useAppStore } from '../../state/useAppStore';
import { SliderField } from '../../ui/SliderField';

const LIGHTNING_NOTE =
  'Distilled (Lightning) models are weaker on small or dense text: for posters and fine lettering, run the full steps.';

export function LoraPanel() {
  const { editor } = useServices();
  const library = useAppStore((s) => s.loraLibrary);
  const folder = useAppStore((s) => s.loraFolder);
  const picks = useAppStore((s) => s.loras);
  const addLora = useAppStore((s) => s.addLora);
  const applyLightning = useAppStore((s) => s.applyLightning);
  const steps = useAppStore((s) => s.steps);
  const fast4 = useAppStore((s) => lightningLora(s, 4));
  const fast8 = useAppStore((s) => lightningLora(s, 8));
  const picker = useRef<HTMLInputElement>(null);
  const engineReady = useAppStore((s) => s.engineState === 'ready');
  useEffect(() => {
    // The engine keeps the library: ask once it is up (and again after a restart left it unknown).
    if (engineReady && library === null) void editor.refreshLoras();
  }, [editor, engineReady, library]);
  const unpicked = (library ?? []).filter((item) => !picks.some((p) => p.id === item.id));
  const activeFast = picks.find((p) => p.enabled && p.lightningSteps !== null)?.lightningSteps ?? null;
  return (
    <fieldset className="loras" data-testid="loras">
      <legend className="field-label">LoRAs</legend>
      {(fast4 || fast8) && (
        <>
          <div className="presets" role="group" aria-label="Lightning presets">
            {([fast4 && 4, fast8 && 8] as const).map(
              (n) =>
                n && (
                  <button
                    key={n}
                    type="button"
                    className={`button chip${activeFast === n && steps === n ? ' active' : ''}`}
                    onClick={() => applyLightning(n)}
                    title={`The Lightning LoRA at ${n} steps, CFG 1 (one transformer run per step): about ${n === 4 ? 12 : 6}× faster than 50 steps with CFG. ${LIGHTNING_NOTE}`}
                  >
                    Fast ({n} steps)
                  </button>
                ),
            )}
          </div>
          <p className="hint" data-testid="lightning-note">
            {LIGHTNING_NOTE}
          </p>
        </>
      )}
      {picks.length > 0 && (
        <ul className="lora-list">
          {picks.map((p) => (
            <LoraRow key={p.id} pick={p} />
          ))}
        </ul>
      )}
      <div className="control-row">
        {unpicked.length > 0 && (
          <select
            className="field"
            aria-label="Add a LoRA from the library"
            value=""
            onChange={(e) => {
              const item = unpicked.find((i) => i.id === e.currentTarget.value);
              if (item) addLora(item);
            }}
          >
            <option value="">Add a LoRA…</option>
            {unpicked.map((item) => (
              <option key={item.id} value={item.id}>
                {item.name}
              </option>
            ))}
          </select>
        )}
        <button
          type="button"
          className="button"
          onClick={() => void editor.refreshLoras()}
          title="List the library again (after a download in Models, or files copied into its folder)"
        >
          Refresh
        </button>
        <button
          type="button"
          className="button"
          onClick={() => picker.current?.click()}
          title={`Add a LoRA (.safetensors: diffusers/PEFT, kohya/ComfyUI or lightx2v names) to the library${folder ? `, or copy it into ${folder}` : ''}`}
        >
          Add a file…
        </button>
        <input
          ref={picker}
          type="file"
          accept=".safetensors"
          hidden
          data-testid="lora-input"
          onChange={(e) => {
            const file = e.currentTarget.files?.[0];
            e.currentTarget.value = '';
            if (file)
              void file
                .arrayBuffer()
                .then((b) =>
                  editor.addLoraFile({ name: file.name, bytes: new Uint8Array(b), type: file.type }),
                );
          }}
        />
      </div>
      {library !== null && library.length === 0 && (
        <p className="hint">No LoRAs yet: download a Lightning LoRA from Models, or add a file.</p>
      )}
    </fieldset>
  );
}

function LoraRow({ pick }: { pick: LoraPick }) {
  const setStrength = useAppStore((s) => s.setLoraStrength);
  const setEnabled = useAppStore((s) => s.setLoraEnabled);
  const remove = useAppStore((s) => s.removeLora);
  const id = `lora-${pick.id.replace(/[^\w-]/g, '_')}`;
  return (
    <li className="lora" data-testid="lora-pick">
      <div className="control-row">
        <label className="checkbox" title={pick.enabled ? 'On: fused into this edit' : 'Off: not used'}>
          <input
            type="checkbox"
            checked={pick.enabled}
            onChange={(e) => setEnabled(pick.id, e.currentTarget.checked)}
          />
          {pick.name}
        </label>
        <button
          type="button"
          className="button icon danger"
          aria-label={`Remove ${pick.name}`}
          onClick={() => remove(pick.id)}
        >
          ×
        </button>
      </div>
      <SliderField
        id={id}
        label="Strength"
        title="1 applies the LoRA as trained, 0 leaves the model as it is; above 1 exaggerates it"
        sliderLabel={`${pick.name} strength`}
        range={LORA_STRENGTH}
        step={0.05}
        value={pick.strength}
        onChange={(v) => setStrength(pick.id, v)}
      />
    </li>
  );
}
