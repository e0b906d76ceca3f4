/**
 * The branch mark beside a version that starts a branch. Drawn as an SVG, not a text glyph: "⑂" is missing
 * from many system fonts (and the app bundles none that has it), so it rendered as a box on some machines.
 */
export function BranchIcon() {
  return (
    <svg
      className="branch-mark"
      viewBox="0 0 12 12"
      width="12"
      height="12"
      role="img"
      aria-label="Branch"
      data-testid="branch-icon"
    >
      <title>Branch</title>
      <path d="M3 1.5v9M3 7.5c0-2.5 6-2 6-4.5V1.5" fill="none" stroke="currentColor" strokeWidth="1.5" />
      <circle cx="3" cy="10" r="1.5" fill="currentColor" />
      <circle cx="9" cy="2" r="1.5" fill="currentColor" />
    </svg>
  );
}
