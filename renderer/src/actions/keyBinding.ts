/** A key that runs an action, declared beside the action (as excalidraw's `keyTest`). */
import type { AppState } from '../state/appStore';

export type KeyBinding<A> = {
  keyTest(e: KeyboardEvent, s: AppState): boolean;
  perform(actions: A, s: AppState): void;
  /** Also fires while a text field has focus (Esc); text fields keep their own keys otherwise. */
  whileTyping?: boolean;
  /** Lets the key's default happen too. */
  keepDefault?: boolean;
};

/** Ctrl, or Cmd on macOS. */
export { isMod } from '../../../electron/shared/shortcuts';
