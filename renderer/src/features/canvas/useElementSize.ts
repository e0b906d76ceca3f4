import { useEffect, type RefObject } from 'react';

/** Reports the element's content-box size now and on every resize. */
export function useElementSize(
  ref: RefObject<HTMLElement | null>,
  onSize: (w: number, h: number) => void,
): void {
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const report = () => onSize(element.clientWidth, element.clientHeight);
    report();
    const observer = new ResizeObserver(report);
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref, onSize]);
}
