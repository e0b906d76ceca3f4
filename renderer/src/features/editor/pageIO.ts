/** The page's side of files and pixels: mask rasterizing on a canvas, downloads and the clipboard. */
import type { PixelSize } from '../../state/paramsSlice';
import type { RegionState } from '../../state/regionSlice';
import { growMask } from '../../ui/growMask';

/**
 * White where the edit may change pixels: a restored mask, the box, paint strokes and lassos, minus erase
 * strokes and lassos; grown or shrunk, then inverted, as the region says. Black elsewhere.
 */
export async function rasterizeMask(region: RegionState, size: PixelSize): Promise<Uint8Array> {
  const canvas = new OffscreenCanvas(size.width, size.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2D canvas context for the mask');
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, size.width, size.height);
  if (region.base) {
    const blob = new Blob([region.base.png as Uint8Array<ArrayBuffer>], { type: 'image/png' });
    const bitmap = await createImageBitmap(blob);
    ctx.drawImage(bitmap, 0, 0, size.width, size.height);
    bitmap.close();
  }
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
    if (stroke.shape === 'lasso') {
      ctx.closePath();
      ctx.fill();
    } else ctx.stroke();
  }
  if (region.grow || region.invert) {
    const pixels = ctx.getImageData(0, 0, size.width, size.height);
    const d = pixels.data;
    const grey = new Uint8Array(size.width * size.height);
    for (let i = 0; i < grey.length; i++) grey[i] = d[i * 4]!;
    const shaped = growMask(grey, size.width, size.height, region.grow ?? 0);
    for (let i = 0; i < shaped.length; i++) {
      const v = region.invert ? 255 - shaped[i]! : shaped[i]!;
      d[i * 4] = d[i * 4 + 1] = d[i * 4 + 2] = v;
      d[i * 4 + 3] = 255;
    }
    ctx.putImageData(pixels, 0, 0);
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
