/** A two-tone tile that shows where an image is transparent, as every image editor does. */
let tile: HTMLCanvasElement | null = null;

/**
 * Typed as an image because Konva's `fillPatternImage` is, though it hands the source to `createPattern`,
 * which takes any canvas image source.
 */
export function checkerboardTile(): HTMLImageElement {
  if (tile) return tile as unknown as HTMLImageElement;
  const size = 16;
  tile = document.createElement('canvas');
  tile.width = size;
  tile.height = size;
  const ctx = tile.getContext('2d');
  if (ctx) {
    ctx.fillStyle = '#3a3a3a';
    ctx.fillRect(0, 0, size, size);
    ctx.fillStyle = '#4a4a4a';
    ctx.fillRect(0, 0, size / 2, size / 2);
    ctx.fillRect(size / 2, size / 2, size / 2, size / 2);
  }
  return tile as unknown as HTMLImageElement;
}
