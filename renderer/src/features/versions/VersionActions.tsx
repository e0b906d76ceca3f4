/** What can be done with the viewed version: make it the head, reuse its settings, compare, label, delete, export. */
import { useServices } from '../../actions/services';
import { selectViewedVersion } from '../../state/projectSlice';
import { useAppStore } from '../../state/useAppStore';

export function VersionActions({ onLabel }: { onLabel: (id: string) => void }) {
  const { editor } = useServices();
  const viewed = useAppStore(selectViewedVersion);
  const head = useAppStore((s) => s.project?.head);
  const unavailable = useAppStore((s) => s.project?.unavailable ?? []);
  if (!viewed) return null;
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
        onClick={() => editor.useSettingsOf(id)}
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
            onClick={() => void editor.exportVersion(id, f)}
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
      </span>
    </div>
  );
}
