/**
 * Canvas navigation: wheel zoom around the cursor, pan with space+drag or the middle button (the zoom keys
 * are the view actions' bindings). Listens on the DOM, not on Konva shapes, so it works over empty canvas too.
 */
import { useEffect, useState, type RefObject } from 'react';
import type { AppStore } from '../../state/appStore';
import { wheelZoomFactor } from '../../state/viewTransform';
import { isTypingTarget } from '../../ui/isTypingTarget';

export type NavigationState = { spaceHeld: boolean; panning: boolean };

export function useCanvasNavigation(host: RefObject<HTMLElement | null>, store: AppStore): NavigationState {
  const [spaceHeld, setSpaceHeld] = useState(false);
  const [panning, setPanning] = useState(false);

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const local = (e: { clientX: number; clientY: number }) => {
      const r = element.getBoundingClientRect();
      return { x: e.clientX - r.left, y: e.clientY - r.top };
    };

    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      // Chromium reports a trackpad pinch as a wheel event with ctrlKey set and small deltas.
      const delta = e.ctrlKey ? e.deltaY * 4 : e.deltaY;
      store.getState().zoomBy(wheelZoomFactor(delta, e.deltaMode), local(e));
    };

    let space = false;
    let drag: { pointerId: number; x: number; y: number } | null = null;
    const onPointerDown = (e: PointerEvent) => {
      const wantsPan = e.button === 1 || (e.button === 0 && space);
      if (!wantsPan || !store.getState().image) return;
      e.preventDefault();
      element.setPointerCapture(e.pointerId);
      drag = { pointerId: e.pointerId, x: e.clientX, y: e.clientY };
      setPanning(true);
    };
    const onPointerMove = (e: PointerEvent) => {
      if (!drag || e.pointerId !== drag.pointerId) return;
      store.getState().panBy(e.clientX - drag.x, e.clientY - drag.y);
      drag = { ...drag, x: e.clientX, y: e.clientY };
    };
    const endDrag = (e: PointerEvent) => {
      if (!drag || e.pointerId !== drag.pointerId) return;
      drag = null;
      setPanning(false);
    };
    // Middle-click would otherwise start the browser's autoscroll on Linux and Windows.
    const onMouseDown = (e: MouseEvent) => {
      if (e.button === 1) e.preventDefault();
    };

    const onKeyDown = (e: KeyboardEvent) => {
      if (isTypingTarget(e.target) || e.altKey || e.metaKey || e.ctrlKey) return;
      if (e.code !== 'Space') return;
      if (!isButtonLike(e.target)) e.preventDefault();
      space = true;
      setSpaceHeld(true);
    };
    const onKeyUp = (e: KeyboardEvent) => {
      if (e.code !== 'Space') return;
      space = false;
      setSpaceHeld(false);
    };
    const onBlur = () => {
      space = false;
      setSpaceHeld(false);
    };

    const listeners = new AbortController();
    const { signal } = listeners;
    element.addEventListener('wheel', onWheel, { passive: false, signal });
    element.addEventListener('pointerdown', onPointerDown, { signal });
    element.addEventListener('pointermove', onPointerMove, { signal });
    element.addEventListener('pointerup', endDrag, { signal });
    element.addEventListener('pointercancel', endDrag, { signal });
    element.addEventListener('mousedown', onMouseDown, { signal });
    window.addEventListener('keydown', onKeyDown, { signal });
    window.addEventListener('keyup', onKeyUp, { signal });
    window.addEventListener('blur', onBlur, { signal });
    return () => listeners.abort();
  }, [host, store]);

  return { spaceHeld, panning };
}

/** Space activates a focused button; there it must keep doing so rather than arm panning silently. */
function isButtonLike(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLButtonElement ||
    (target instanceof HTMLElement && target.getAttribute('role') === 'button')
  );
}
