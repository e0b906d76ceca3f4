import { selectIsDemoModel } from '../state/engineSlice';
import { useAppStore } from '../state/useAppStore';

/** Says plainly when the tiny random-weight model stands in for the real one: its edits are noise. */
export function DemoBanner() {
  const demo = useAppStore(selectIsDemoModel);
  const detail = useAppStore((s) => s.info?.model.detail ?? '');
  if (!demo) return null;
  return (
    <section className="demo-banner" aria-label="Model notice" data-testid="demo-banner" title={detail}>
      <strong>Demo model in use:</strong> a tiny model with random weights stands in for Qwen-Image-Edit, so
      edits will not follow your instructions. Output size defaults to about 512×512 so runs on the CPU stay
      quick; choose a size under Settings.
    </section>
  );
}
