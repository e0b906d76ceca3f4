/** Placeholders for the panels the editor will fill (issue 6): visible, labelled, honest about it. */
export function VersionsPanel() {
  return (
    <aside className="panel panel-left" aria-labelledby="versions-heading">
      <h2 id="versions-heading" className="panel-title">
        Versions
      </h2>
      <p className="panel-placeholder">
        Coming soon: every edit as a version, with branches, rollback and compare.
      </p>
    </aside>
  );
}

export function EditPanel() {
  return (
    <aside className="panel panel-right" aria-labelledby="edit-heading">
      <h2 id="edit-heading" className="panel-title">
        Edit
      </h2>
      <label className="field-label" htmlFor="instruction">
        Instruction
      </label>
      <textarea
        id="instruction"
        className="field"
        rows={4}
        disabled
        placeholder="Describe the change, e.g. “make the sky a sunset”"
      />
      <p className="panel-placeholder">Coming soon: instruction, seed, CFG, steps and Run.</p>
    </aside>
  );
}
