/** The Recent menu: projects opened before, newest first, loaded when the menu opens. */
import { useState } from 'react';
import type { ResultOf } from '../../../../electron/shared/contract';
import { useServices } from '../../actions/services';

export function RecentProjects() {
  const { client, editor } = useServices();
  const [items, setItems] = useState<ResultOf<'project:recent'>['items'] | null>(null);
  const [error, setError] = useState<string | null>(null);
  return (
    <details
      className="menu"
      onToggle={(e) => {
        if (!e.currentTarget.open) return;
        void client.request('project:recent', {}).then((r) => {
          if (r.ok) setItems(r.value.items);
          else setError(r.error.message);
        });
      }}
    >
      <summary className="button">Recent</summary>
      <ul className="menu-list" aria-label="Recent projects">
        {error && <li className="hint">{error}</li>}
        {items?.length === 0 && <li className="hint">No projects yet</li>}
        {items?.map((item) => (
          <li key={item.path}>
            <button
              type="button"
              className="menu-item"
              title={item.path}
              onClick={(e) => {
                e.currentTarget.closest('details')?.removeAttribute('open');
                void editor.openRecent(item.path);
              }}
            >
              {item.name} <span className="hint">{new Date(item.openedAt).toLocaleString()}</span>
            </button>
          </li>
        ))}
      </ul>
    </details>
  );
}
