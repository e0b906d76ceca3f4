/**
 * Paths the app is asked to open from outside: command-line arguments (first launch, or a second launch that
 * the running instance receives through `second-instance`), macOS `open-file`, and files dropped on the dock
 * or taskbar icon. Pure: the file system is passed in, so the rules are tested in plain Node.
 */
import { extname, isAbsolute, resolve } from 'node:path';

export type OpenTarget = { kind: 'image' | 'project'; path: string };

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp']);

export type ArgvContext = {
  /** The instance's working directory (for a second launch, the one `second-instance` reports). */
  cwd: string;
  /** `process.defaultApp`: started as `electron <app-dir> …`, so the first plain argument is the app, not a file. */
  defaultApp: boolean;
  isDirectory(path: string): boolean;
  exists(path: string): boolean;
};

/**
 * What to open from an argv: switches (Chromium's and ours) are skipped, relative paths resolve against the
 * launching shell's folder, and only existing images and folders are kept, each once.
 */
export function openTargetsFromArgv(argv: readonly string[], ctx: ArgvContext): OpenTarget[] {
  const args = argv.slice(1);
  let plain = args.filter((a) => a.length > 0 && !a.startsWith('-'));
  if (ctx.defaultApp) plain = plain.slice(1);
  const targets: OpenTarget[] = [];
  const seen = new Set<string>();
  for (const arg of plain) {
    const path = isAbsolute(arg) ? resolve(arg) : resolve(ctx.cwd, arg);
    if (seen.has(path)) continue;
    const target = classify(path, ctx);
    if (!target) continue;
    seen.add(path);
    targets.push(target);
  }
  return targets;
}

/** Whether a path names a file the app opens as an image (by extension; the bytes are checked later). */
export function isImagePath(path: string): boolean {
  return IMAGE_EXTENSIONS.has(extname(path).toLowerCase());
}

export function classify(path: string, ctx: Pick<ArgvContext, 'isDirectory' | 'exists'>): OpenTarget | null {
  if (!ctx.exists(path)) return null;
  if (ctx.isDirectory(path)) return { kind: 'project', path };
  return isImagePath(path) ? { kind: 'image', path } : null;
}

/**
 * Holds what arrives before the window can take it (macOS sends `open-file` before `ready`; a second launch
 * may come while the page loads), then hands it over in order once `flush` has a receiver.
 */
export function createOpenQueue(): {
  push(targets: OpenTarget[]): void;
  setReceiver(receive: ((target: OpenTarget) => void) | null): void;
} {
  const pending: OpenTarget[] = [];
  let receiver: ((target: OpenTarget) => void) | null = null;
  return {
    push(targets) {
      if (receiver) targets.forEach(receiver);
      else pending.push(...targets);
    },
    setReceiver(receive) {
      receiver = receive;
      if (receive) pending.splice(0).forEach(receive);
    },
  };
}

/** At most this many paths are taken from one drop: a drop is a handful of files, not a folder listing. */
export const MAX_DROPPED_PATHS = 32;

/**
 * What to open for each path the preload read off dropped files (`webUtils.getPathForFile`), in order: an
 * existing image or folder, or null for anything else (the page then reads that file itself and reports it).
 * Untrusted shape: anything but an array of absolute paths opens nothing.
 */
export function droppedTargets(
  paths: unknown,
  ctx: Pick<ArgvContext, 'isDirectory' | 'exists'>,
): (OpenTarget | null)[] {
  if (!Array.isArray(paths)) return [];
  return paths.map((path, i) =>
    i < MAX_DROPPED_PATHS && typeof path === 'string' && isAbsolute(path)
      ? classify(resolve(path), ctx)
      : null,
  );
}
