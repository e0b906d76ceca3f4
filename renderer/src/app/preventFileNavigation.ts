/**
 * A file dropped outside the canvas must not make the browser open it in place of the app (losing the
 * session in web mode; Electron denies the navigation, but the drop would still be lost silently).
 */
export function preventFileNavigation(target: Window = window): () => void {
  const swallow = (e: DragEvent) => {
    // A drop zone below (the canvas) has handled it already and chosen its own drop effect.
    if (e.defaultPrevented) return;
    if (!e.dataTransfer || !Array.from(e.dataTransfer.types).includes('Files')) return;
    e.preventDefault();
    if (e.type === 'dragover') e.dataTransfer.dropEffect = 'none';
  };
  const listeners = new AbortController();
  target.addEventListener('dragover', swallow, { signal: listeners.signal });
  target.addEventListener('drop', swallow, { signal: listeners.signal });
  return () => listeners.abort();
}
