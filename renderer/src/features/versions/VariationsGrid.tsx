/**
 * The variations grid (issue 13 §1): the seeds one Run made, as large thumbnails. Click or Space picks,
 * arrows browse, Enter keeps the picked ones (the focused one when none is) and discards the rest;
 * "Keep all" closes the grid with every variation a version.
 */
import { useServices } from '../../actions/services';
import { findVersion } from '../../state/projectSlice';
import { useAppStore } from '../../state/useAppStore';
import { useThumbnail } from './useThumbnail';

export function VariationsGrid() {
  const { editor } = useServices();
  const grid = useAppStore((s) => s.variations);
  const projectId = useAppStore((s) => s.project?.projectId);
  if (!grid || !projectId) return null;
  const kept = grid.picked.length;
  return (
    <section className="variations" role="dialog" aria-label="Variations">
      <div className="variations-grid" role="listbox" aria-multiselectable="true" aria-label="Variations">
        {grid.ids.map((id, i) => (
          <Cell key={id} projectId={projectId} versionId={id} focused={i === grid.focus} />
        ))}
      </div>
      <div className="variations-actions">
        <span className="hint">Arrows browse · Space picks · Enter keeps</span>
        <button type="button" className="button" onClick={() => editor.keepAllVariations()}>
          Keep all
        </button>
        <button
          type="button"
          className="button button-primary"
          disabled={kept === 0}
          onClick={() => void editor.keepVariations()}
        >
          {kept > 0 ? `Keep ${kept}` : 'Keep'}
        </button>
      </div>
    </section>
  );
}

function Cell({ projectId, versionId, focused }: { projectId: string; versionId: string; focused: boolean }) {
  const { client } = useServices();
  const thumb = useThumbnail(client, projectId, versionId);
  const seed = useAppStore((s) => findVersion(s, versionId)?.recipe?.seed);
  const picked = useAppStore((s) => s.variations?.picked.includes(versionId) ?? false);
  const togglePick = useAppStore((s) => s.togglePick);
  return (
    <button
      type="button"
      role="option"
      aria-selected={picked}
      className={`variation${focused ? ' focused' : ''}`}
      onClick={() => togglePick(versionId)}
    >
      {thumb ? <img src={thumb} alt="" /> : <span className="variation-empty" aria-hidden="true" />}
      <span className="variation-seed">seed {seed ?? '—'}</span>
    </button>
  );
}
