/** What can be done with the viewed version: make it the head, reuse its settings, compare, label, delete, export. */
import { useState } from 'react';
import type { ExportOptions } from '../../actions/exportActions';
import { replayText } from '../../actions/replayActions';
import { useServices } from '../../actions/services';
import { selectViewedVersion } from '../../state/projectSlice';
import { useAppStore } from '../../state/useAppStore';

export function VersionActions({ onLabel }: { onLabel: (id: string) => void }) {
  const { editor } = useServices();
  const viewed = useAppStore(selectViewedVersion);
  const head = useAppStore((s) => s.project?.head);
  const unavailable = useAppStore((s) => s.project?.unavailable ?? []);
  const [quality, setQuality] = useState(92);
  const [scale, setScale] = useState(1);
  const [dpi, setDpi] = useState<number | null>(null);
  const [srgbProfile, setSrgbProfile] = useState(false);
  const [nameFrom, setNameFrom] = useState<'label' | 'prompt'>('label');
  const [replayed, setReplayed] = useState<{ id: string; text: string } | null>(null);
  if (!viewed) return null;
  const exportOptions = (format: 'png' | 'jpeg' | 'webp'): ExportOptions => ({
    ...(format !== 'png' ? { quality } : {}),
    ...(scale !== 1 ? { scale } : {}),
    ...(dpi !== null ? { dpi } : {}),
    ...(srgbProfile ? { srgbProfile } : {}),
    nameFrom,
  });
  const id = viewed.id;
  const missing = unavailable.includes(id);
  return (
    <div className="version-actions" role="group" aria-label="Version actions">
      <button
        type="button"
        className="button"
        disabled={head === id}
        onClick={() => void editor.makeHead(id)}
        title="Roll back (or forward) to this version; nothing is deleted (Enter)"
      >
        Make head
      </button>
      <button
        type="button"
        className="button"
        disabled={!viewed.recipe}
        onClick={() => void editor.useSettingsOf(id)}
        title="Put this version's prompt, seed and settings in the controls"
      >
        Use these settings
      </button>
      <button
        type="button"
        className="button"
        disabled={!viewed.parentId}
        onClick={() => void editor.compare('slider', viewed.parentId!, id)}
        title="Before/after slider against the version it was made from"
      >
        Compare
      </button>
      <button
        type="button"
        className="button"
        disabled={!viewed.recipe || missing}
        onClick={() => {
          setReplayed({ id, text: 'Replaying…' });
          void editor.replay(id).then((r) => setReplayed({ id, text: r ? replayText(r) : 'Replay failed' }));
        }}
        title="Run this version's recipe again (its pictures and LoRAs too) and check the result is the same file"
      >
        Replay
      </button>
      {replayed?.id === id && (
        <span className="hint" role="status" data-testid="replay-status">
          {replayed.text}
        </span>
      )}
      <button type="button" className="button" onClick={() => onLabel(id)} title="Name this version (F2)">
        Label…
      </button>
      <button
        type="button"
        className="button danger"
        disabled={!viewed.parentId}
        onClick={() => void editor.deleteBranch(id)}
        title="Delete this version and everything made from it (Delete; can be undone)"
      >
        Delete
      </button>
      <span className="action-group" role="group" aria-label="Export">
        {(['png', 'jpeg', 'webp'] as const).map((f) => (
          <button
            key={f}
            type="button"
            className="button"
            disabled={missing}
            onClick={() => void editor.exportVersion(id, f, exportOptions(f))}
            title={f === 'png' ? 'Export PNG with the recipe embedded' : `Export ${f.toUpperCase()}`}
          >
            {f === 'jpeg' ? 'JPEG' : f.toUpperCase()}
          </button>
        ))}
        <button
          type="button"
          className="button"
          disabled={missing}
          onClick={() => void editor.copyVersion(id)}
          title="Copy the image to the clipboard"
        >
          Copy
        </button>
        <details className="export-options">
          <summary title="Quality, scale, DPI, colour profile and file name of exported files">
            Options
          </summary>
          <label>
            JPEG/WebP quality{' '}
            <input
              type="number"
              className="field number small"
              min={1}
              max={100}
              value={quality}
              onChange={(e) =>
                setQuality(Math.min(100, Math.max(1, Math.round(Number(e.currentTarget.value) || 92))))
              }
            />
          </label>
          <label>
            Scale{' '}
            <input
              type="number"
              className="field number small"
              min={0.05}
              max={8}
              step={0.05}
              value={scale}
              onChange={(e) => setScale(Math.min(8, Math.max(0.05, Number(e.currentTarget.value) || 1)))}
            />
          </label>
          <label>
            DPI{' '}
            <input
              type="number"
              className="field number small"
              min={1}
              max={4800}
              placeholder="none"
              value={dpi ?? ''}
              onChange={(e) => {
                const v = Number(e.currentTarget.value);
                setDpi(e.currentTarget.value === '' || !(v >= 1) ? null : Math.min(4800, v));
              }}
            />
          </label>
          <label>
            <input
              type="checkbox"
              checked={srgbProfile}
              onChange={(e) => setSrgbProfile(e.currentTarget.checked)}
            />{' '}
            sRGB profile
          </label>
          <label>
            File name from{' '}
            <select
              className="field"
              value={nameFrom}
              onChange={(e) => setNameFrom(e.currentTarget.value === 'prompt' ? 'prompt' : 'label')}
            >
              <option value="label">Label</option>
              <option value="prompt">Prompt</option>
            </select>
          </label>
        </details>
      </span>
    </div>
  );
}
