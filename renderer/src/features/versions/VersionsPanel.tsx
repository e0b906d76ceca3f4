/**
 * The version tree: every version with its thumbnail, prompt and seed, branches indented under the version
 * they grew from, the head marked. Click views a version, double-click (or Make head) rolls back to it;
 * arrows move (up/down through the list, left to the parent, right to the first child).
 */
import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useServices } from '../../actions/services';
import { selectViewedVersion, treeRows, versionDetail, type TreeRow } from '../../state/projectSlice';
import { useAppStore } from '../../state/useAppStore';
import { BranchIcon } from './BranchIcon';
import { useThumbnail } from './useThumbnail';
import { VersionActions } from './VersionActions';
import { useVersionCaption } from './VersionCaption';

export function VersionsPanel() {
  const { editor } = useServices();
  const project = useAppStore((s) => s.project);
  const hidden = useAppStore((s) => s.hiddenBranches);
  const viewedId = useAppStore((s) => s.viewedId);
  const rows = useMemo(() => treeRows(project, hidden), [project, hidden]);
  const list = useRef<HTMLUListElement>(null);
  const [editingLabel, setEditingLabel] = useState<string | null>(null);

  const focusRow = (id: string) => {
    void editor.showVersion(id);
    requestAnimationFrame(() =>
      list.current?.querySelector<HTMLElement>(`[data-version-id="${id}"]`)?.focus(),
    );
  };
  const onKeyDown = (e: KeyboardEvent<HTMLUListElement>) => {
    if (editingLabel) return;
    const index = rows.findIndex((r) => r.node.id === viewedId);
    const row = rows[index];
    if (!row) return;
    const go = (r: TreeRow | undefined) => r && focusRow(r.node.id);
    switch (e.key) {
      case 'ArrowDown':
        go(rows[index + 1]);
        break;
      case 'ArrowUp':
        go(rows[index - 1]);
        break;
      case 'ArrowLeft':
        go(rows.find((r) => r.node.id === row.node.parentId));
        break;
      case 'ArrowRight':
        go(rows.find((r) => r.node.parentId === row.node.id));
        break;
      case 'Home':
        go(rows[0]);
        break;
      case 'End':
        go(rows.at(-1));
        break;
      case 'Enter':
        void editor.makeHead(row.node.id);
        break;
      case 'F2':
        setEditingLabel(row.node.id);
        break;
      case 'Delete':
        void editor.deleteBranch(row.node.id);
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  return (
    <aside className="panel panel-left" aria-labelledby="versions-heading">
      <h2 id="versions-heading" className="panel-title">
        Versions {project && <span className="panel-count">{rows.length}</span>}
      </h2>
      {!project && <p className="panel-placeholder">Open an image: every edit becomes a version here.</p>}
      {project?.readOnly && (
        <p className="hint" role="note">
          Read-only: {project.readOnlyReason}
        </p>
      )}
      {project && (
        <ul
          ref={list}
          className="version-tree"
          role="tree"
          aria-label="Version tree"
          onKeyDown={onKeyDown}
          data-testid="version-tree"
        >
          {rows.map((row) => (
            <VersionRow
              key={row.node.id}
              row={row}
              projectId={project.projectId}
              viewed={row.node.id === viewedId}
              editing={editingLabel === row.node.id}
              onEndEditing={() => setEditingLabel(null)}
            />
          ))}
        </ul>
      )}
      {project && <VersionActions onLabel={(id) => setEditingLabel(id)} />}
    </aside>
  );
}

function VersionRow({
  row,
  projectId,
  viewed,
  editing,
  onEndEditing,
}: {
  row: TreeRow;
  projectId: string;
  viewed: boolean;
  editing: boolean;
  onEndEditing: () => void;
}) {
  const { editor, client } = useServices();
  const thumb = useThumbnail(client, projectId, row.node.id);
  const caption = useVersionCaption(row.node.id);
  const { node } = row;
  const title = node.label || (node.recipe ? node.recipe.prompt : (node.sourceName ?? 'Original'));
  const detail = `${versionDetail(row, timeOfDay)}${loraText(node.recipe?.loras)}`;
  return (
    <li
      role="treeitem"
      aria-level={row.depth + 1}
      aria-selected={viewed}
      aria-current={row.isHead ? 'true' : undefined}
      tabIndex={viewed ? 0 : -1}
      data-version-id={node.id}
      data-head={row.isHead ? 'true' : undefined}
      className={`version-row${viewed ? ' viewed' : ''}${row.isHead ? ' head' : ''}${row.branch ? ' branch' : ''}`}
      style={{ paddingLeft: 8 + row.depth * 14 }}
      onClick={() => void editor.showVersion(node.id)}
      onDoubleClick={() => void editor.makeHead(node.id)}
      onContextMenu={caption.onContextMenu}
      onKeyDown={caption.onKeyDown}
    >
      {thumb ? <img className="thumb" src={thumb} alt="" /> : <span className="thumb" aria-hidden="true" />}
      <span className="version-text">
        {editing ? (
          <input
            className="field label-input"
            aria-label="Version label"
            defaultValue={node.label ?? ''}
            autoFocus
            onClick={(e) => e.stopPropagation()}
            onKeyDown={(e) => {
              e.stopPropagation();
              if (e.key === 'Enter') {
                void editor.setLabel(node.id, e.currentTarget.value);
                onEndEditing();
              } else if (e.key === 'Escape') onEndEditing();
            }}
            onBlur={(e) => {
              void editor.setLabel(node.id, e.currentTarget.value);
              onEndEditing();
            }}
          />
        ) : (
          <span className="version-title">
            {row.branch && (
              <>
                <BranchIcon />{' '}
              </>
            )}
            {title}
          </span>
        )}
        <span className="version-detail" title={new Date(node.createdAt).toLocaleString()}>
          {detail}
        </span>
        {node.recipe?.references?.length ? (
          <span className="version-references" data-testid="version-references">
            {node.recipe.references.map((_, i) => (
              <ReferenceThumb key={i} projectId={projectId} versionId={node.id} index={i} />
            ))}
          </span>
        ) : null}
      </span>
      {row.isHead && (
        <span className="head-badge" title="The head: the current version of the project">
          HEAD
        </span>
      )}
      {caption.view}
    </li>
  );
}

const loraText = (loras: readonly { name: string; strength: number }[] | undefined) =>
  loras?.length ? ` · LoRA ${loras.map((l) => `${l.name} ×${l.strength}`).join(', ')}` : '';

/** A reference image the version's edit saw, small, named as the instruction names it. */
function ReferenceThumb({
  projectId,
  versionId,
  index,
}: {
  projectId: string;
  versionId: string;
  index: number;
}) {
  const { client } = useServices();
  const url = useThumbnail(client, projectId, versionId, index);
  const name = `Picture ${index + 2}`;
  return url ? (
    <img className="reference-thumb" src={url} alt={name} title={name} />
  ) : (
    <span className="reference-thumb" title={name} />
  );
}

export { selectViewedVersion };

/** `14:03:22` in the user's locale: seconds apart is enough to tell runs apart. */
function timeOfDay(iso: string): string {
  return new Date(iso).toLocaleTimeString(undefined, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}
