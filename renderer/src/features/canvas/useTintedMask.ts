import { useEffect, useState } from 'react';
import type { BaseMask } from '../../state/regionSlice';

/**
 * A restored region mask (white = editable) decoded and tinted like a painted region, for the overlay.
 * Null while it decodes or when there is none.
 */
export function useTintedMask(mask: BaseMask | undefined, rgba: readonly [number, number, number, number]) {
  const [canvas, setCanvas] = useState<HTMLCanvasElement | null>(null);
  const [r, g, b, a] = rgba;
  useEffect(() => {
    setCanvas(null);
    if (!mask) return;
    let live = true;
    void createImageBitmap(new Blob([mask.png as Uint8Array<ArrayBuffer>], { type: 'image/png' })).then(
      (bitmap) => {
        const out = document.createElement('canvas');
        out.width = bitmap.width;
        out.height = bitmap.height;
        const ctx = out.getContext('2d', { willReadFrequently: true });
        if (ctx && live) {
          ctx.drawImage(bitmap, 0, 0);
          const data = ctx.getImageData(0, 0, out.width, out.height);
          const d = data.data;
          for (let i = 0; i < d.length; i += 4) {
            const on = d[i]! >= 128;
            d[i] = r;
            d[i + 1] = g;
            d[i + 2] = b;
            d[i + 3] = on ? a : 0;
          }
          ctx.putImageData(data, 0, 0);
          setCanvas(out);
        }
        bitmap.close();
      },
      () => undefined, // an undecodable mask shows no overlay; the edit's rasterizer reports it
    );
    return () => {
      live = false;
    };
  }, [mask, r, g, b, a]);
  return canvas;
}
