/**
 * Drawing on the canvas with the region tools: drag a box (box and text tools), brush or erase mask
 * strokes, draw a lasso (Alt held at the end: it cuts the area out). Left button only, and not while space is held (that pans). Points are in image pixels.
 */
import { useEffect, useState, type RefObject } from 'react';
import type { AppStore } from '../../state/appStore';
import { boxFromPoints, type Box, type Stroke } from '../../state/regionSlice';
import { screenToImage } from '../../state/viewTransform';

export type ToolDraft = { box?: Box | null; stroke?: Stroke | null; textBox?: Box | null };

export function useToolPointer(
  host: RefObject<HTMLElement | null>,
  store: AppStore,
  spaceHeld: boolean,
): ToolDraft {
  const [draft, setDraft] = useState<ToolDraft>({});
  useEffect(() => {
    const element = host.current;
    if (!element) return;
    let active: { pointerId: number; start: { x: number; y: number }; points: number[] } | null = null;
    const toImage = (e: PointerEvent) => {
      const r = element.getBoundingClientRect();
      return screenToImage(store.getState().view, { x: e.clientX - r.left, y: e.clientY - r.top });
    };
    const update = (e: PointerEvent, done: boolean) => {
      if (!active) return;
      const s = store.getState();
      const image = s.image;
      if (!image) return;
      const p = toImage(e);
      if (s.tool === 'box' || s.tool === 'text') {
        const box = boxFromPoints(active.start, p, image);
        if (!done) setDraft(s.tool === 'box' ? { box } : { textBox: box });
        else if (s.tool === 'box') {
          if (box) s.setBox(box);
        } else s.setTextBox(box);
      } else {
        active.points.push(p.x, p.y);
        const lasso = s.tool === 'lasso';
        const stroke: Stroke = {
          mode: s.tool === 'erase' || (lasso && e.altKey) ? 'erase' : 'paint',
          radius: lasso ? 0 : s.brushSize / 2,
          points: [...active.points],
          ...(lasso ? { shape: 'lasso' as const } : {}),
        };
        if (!done) setDraft({ stroke });
        // A lasso needs an area: at least three points.
        else if (touchesImage(stroke, image) && (!lasso || stroke.points.length >= 6)) s.addStroke(stroke);
      }
      if (done) {
        active = null;
        setDraft({});
      }
    };
    const onDown = (e: PointerEvent) => {
      const s = store.getState();
      if (e.button !== 0 || spaceHeld || s.tool === 'navigate' || !s.image || s.compareMode !== 'off') return;
      e.preventDefault();
      element.setPointerCapture(e.pointerId);
      const start = toImage(e);
      active = { pointerId: e.pointerId, start, points: [start.x, start.y] };
      update(e, false);
    };
    const onMove = (e: PointerEvent) => {
      if (active?.pointerId === e.pointerId) update(e, false);
    };
    const onUp = (e: PointerEvent) => {
      if (active?.pointerId === e.pointerId) update(e, true);
    };
    const listeners = new AbortController();
    const { signal } = listeners;
    element.addEventListener('pointerdown', onDown, { signal });
    element.addEventListener('pointermove', onMove, { signal });
    element.addEventListener('pointerup', onUp, { signal });
    element.addEventListener('pointercancel', onUp, { signal });
    return () => listeners.abort();
  }, [host, store, spaceHeld]);
  return draft;
}

/** A stroke entirely off the image (a stray click on the empty canvas) changes nothing and is not recorded. */
function touchesImage(stroke: Stroke, image: { width: number; height: number }): boolean {
  const r = stroke.radius;
  for (let i = 0; i < stroke.points.length; i += 2) {
    const x = stroke.points[i]!;
    const y = stroke.points[i + 1]!;
    if (x >= -r && y >= -r && x <= image.width + r && y <= image.height + r) return true;
  }
  return false;
}
