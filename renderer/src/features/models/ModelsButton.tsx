/** The top bar's Models button: opens the model manager over the workspace. */
import { useState } from 'react';
import { ModelsPanel } from './ModelsPanel';

export function ModelsButton() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="button" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        Models
      </button>
      {open && <ModelsPanel onClose={() => setOpen(false)} />}
    </>
  );
}
