/**
 * The running edit's per-step preview, over the image on its own non-listening layer. Frames are decoded
 * and drawn on animation frames, latest wins; a slow decode never overwrites a newer frame. When the run
 * ends the layer is cleared and the final image (the new version) shows through.
 */
import type Konva from 'konva';
import { useEffect, useRef } from 'react';
import { Image as KonvaImage, Layer } from 'react-konva';
import type { Box } from '../../state/regionSlice';
import type { Size } from '../../state/viewTransform';
import type { PreviewSink } from '../../ui/previewSink';

/** `clip`: a box region; only its inside can change, so only its inside previews. */
export function PreviewLayer({ sink, size, clip }: { sink: PreviewSink; size: Size; clip?: Box | null }) {
  const layer = useRef<Konva.Layer>(null);
  const node = useRef<Konva.Image>(null);
  useEffect(() => {
    let frameRequest = 0;
    let decoding = false;
    let drawnVersion = -1;
    let bitmap: ImageBitmap | null = null;
    let disposed = false;
    const clear = () => {
      node.current?.image(undefined);
      node.current?.visible(false);
      layer.current?.draw();
      bitmap?.close();
      bitmap = null;
    };
    const drawLatest = async () => {
      frameRequest = 0;
      if (decoding || disposed) return;
      const version = sink.version;
      const frame = sink.latest;
      if (version === drawnVersion) return;
      drawnVersion = version;
      if (!frame) return clear();
      decoding = true;
      try {
        const pixels = new Uint8ClampedArray(
          frame.pixels.buffer as ArrayBuffer,
          frame.pixels.byteOffset,
          frame.pixels.byteLength,
        );
        const next = await createImageBitmap(new ImageData(pixels, frame.width, frame.height));
        if (disposed || sink.latest === null) {
          next.close();
          if (!disposed) clear();
          return;
        }
        node.current?.image(next);
        node.current?.visible(true);
        layer.current?.draw();
        bitmap?.close();
        bitmap = next;
      } finally {
        decoding = false;
        sink.painted();
      }
      // A newer frame came while this one decoded: draw it on the next animation frame.
      if (sink.version !== drawnVersion) schedule();
    };
    const schedule = () => {
      if (!frameRequest) frameRequest = requestAnimationFrame(() => void drawLatest());
    };
    const off = sink.onChange(schedule);
    return () => {
      disposed = true;
      off();
      cancelAnimationFrame(frameRequest);
      bitmap?.close();
    };
  }, [sink]);
  return (
    <Layer
      ref={layer}
      listening={false}
      name="preview-layer"
      {...(clip ? { clipX: clip.x, clipY: clip.y, clipWidth: clip.width, clipHeight: clip.height } : {})}
    >
      <KonvaImage
        ref={node}
        image={undefined}
        visible={false}
        width={size.width}
        height={size.height}
        listening={false}
        perfectDrawEnabled={false}
      />
    </Layer>
  );
}
