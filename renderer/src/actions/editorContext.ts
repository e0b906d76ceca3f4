/** What every editor action shares: the app side, the store, the decoded images, and how failures show. */
import type { ContractClient } from '../../../electron/shared/client';
import type { AppError } from '../../../electron/shared/result';
import type { AppState, AppStore } from '../state/appStore';
import type { Closable, ImageRegistry } from '../ui/imageRegistry';
import type { PreviewSink } from '../ui/previewSink';
import type { MaskRasterizer } from './buildSettings';
import { PendingDeletes } from './pendingDeletes';

export type Decoded = Closable & { width: number; height: number };

export type EditorDeps<T extends Decoded> = {
  client: Pick<ContractClient, 'request' | 'on'>;
  store: AppStore;
  images: ImageRegistry<T>;
  decode(bytes: Uint8Array, mimeType: string): Promise<T>;
  preview?: PreviewSink;
  rasterizeMask: MaskRasterizer;
  /** Saves bytes as a file (a Blob URL and `<a download>` in the page). */
  download?(bytes: Uint8Array, fileName: string, mime: string): void;
  /** Puts a PNG on the clipboard. */
  copyImage?(png: Uint8Array): Promise<void>;
  /** How long a deleted branch can be brought back before it is deleted on disk. */
  undoWindowMs?: number;
  newJobId?(): string;
};

export const versionKey = (projectId: string, versionId: string) => `${projectId}/${versionId}`;

export function createEditorContext<T extends Decoded>(d: EditorDeps<T>) {
  return {
    d,
    /** The store's current state (read afresh: every await may have changed it). */
    get s(): AppState {
      return d.store.getState();
    },
    pendingDeletes: new PendingDeletes(),
    fail(title: string, error: AppError, retry?: () => void): void {
      this.s.pushNotice({
        tone: 'error',
        title,
        message: error.message || error.code,
        ...(retry ? { action: { label: 'Retry', run: retry } } : {}),
      });
    },
  };
}

export type EditorContext<T extends Decoded> = ReturnType<typeof createEditorContext<T>>;
