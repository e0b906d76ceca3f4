/** The page's side of files and pixels: mask rasterizing on a canvas, downloads and the clipboard. */
import type { PixelSize } from '../../state/paramsSlice';
import type { RegionState } from '../../state/regionSlice';

/** White where the edit may change pixels: the box, paint strokes, minus erase strokes; black elsewhere. */
export async function rasterizeMask(region: RegionState, size: PixelSize): Promise<Uint8Array> {
  const canvas = new OffscreenCanvas(size.width, size.height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas context for the mask');
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, size.width, size.height);
  ctx.fillStyle = '#fff';
  if (region.box) ctx.fillRect(region.box.x, region.box.y, region.box.width, region.box.height);
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  for (const stroke of region.strokes) {
    const colour = stroke.mode === 'paint' ? '#fff' : '#000';
    ctx.strokeStyle = colour;
    ctx.fillStyle = colour;
    ctx.lineWidth = stroke.radius * 2;
    const p = stroke.points;
    if (p.length === 2) {
      ctx.beginPath();
      ctx.arc(p[0]!, p[1]!, stroke.radius, 0, Math.PI * 2);
      ctx.fill();
      continue;
    }
    ctx.beginPath();
    ctx.moveTo(p[0]!, p[1]!);
    for (let i = 2; i < p.length; i += 2) ctx.lineTo(p[i]!, p[i + 1]!);
    ctx.stroke();
  }
  const blob = await canvas.convertToBlob({ type: 'image/png' });
  return new Uint8Array(await blob.arrayBuffer());
}

/** Saves bytes through a Blob URL and a temporary `<a download>`, as the browser and Electron both allow. */
export function downloadBytes(bytes: Uint8Array, fileName: string, mime: string): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  // The download has started from the URL by now; give it a moment before freeing it.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export async function copyPngToClipboard(png: Uint8Array): Promise<void> {
  const blob = new Blob([png as Uint8Array<ArrayBuffer>], { type: 'image/png' });
  await navigator.clipboard.write([new ClipboardItem({ 'image/png': blob })]);
}
