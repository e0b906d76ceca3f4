/** Errors and confirmations, newest last. Errors are alerts, announced by screen readers at once. */
import { useAppStore } from '../state/useAppStore';

export function Notices() {
  const notices = useAppStore((s) => s.notices);
  const dismiss = useAppStore((s) => s.dismissNotice);
  return (
    <section className="notices" aria-label="Notifications">
      {notices.map((n) => (
        <div key={n.id} className={`notice notice-${n.tone}`} role={n.tone === 'error' ? 'alert' : 'status'}>
          <div className="notice-text">
            <p className="notice-title">{n.title}</p>
            <p className="notice-message">{n.message}</p>
          </div>
          {n.action && (
            <button
              type="button"
              className="button notice-action"
              onClick={() => {
                n.action?.run();
                dismiss(n.id);
              }}
            >
              {n.action.label}
            </button>
          )}
          <button
            type="button"
            className="notice-close"
            onClick={() => dismiss(n.id)}
            aria-label={`Dismiss: ${n.title}`}
          >
            ×
          </button>
        </div>
      ))}
    </section>
  );
}
