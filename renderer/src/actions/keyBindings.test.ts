import { describe, expect, it } from 'vitest';
import { createAppStore, type AppState } from '../state/appStore';
import { branchedTree } from '../testing/testTree';
import { COMPARE_KEYS } from './exportActions';
import type { KeyBinding } from './keyBinding';
import { RUN_KEYS } from './runActions';
import { TOOL_KEYS } from './tools';
import { VERSION_KEYS } from './versionActions';
import { VIEW_KEYS } from './viewActions';

const BINDINGS = [
  ...RUN_KEYS,
  ...COMPARE_KEYS,
  ...VERSION_KEYS,
  ...VIEW_KEYS,
  ...TOOL_KEYS,
] as KeyBinding<unknown>[];

/** Which binding a key press picks, and what it does to the store and the actions. */
function press(key: Partial<KeyboardEvent>, setup?: (s: AppState) => void) {
  const store = createAppStore();
  setup?.(store.getState());
  const e = {
    key: '',
    ctrlKey: false,
    metaKey: false,
    altKey: false,
    shiftKey: false,
    ...key,
  } as KeyboardEvent;
  const calls: string[] = [];
  const actions = {
    undo: () => calls.push('undo'),
    redo: () => calls.push('redo'),
    cancel: () => calls.push('cancel'),
  };
  const binding = BINDINGS.find((b) => b.keyTest(e, store.getState()));
  binding?.perform(actions, store.getState());
  return { calls, binding, state: store.getState() };
}

describe('key bindings', () => {
  it('Ctrl/Cmd+Z undoes; Ctrl/Cmd+Shift+Z and Ctrl+Y redo; Alt leaves them alone', () => {
    expect(press({ key: 'z', ctrlKey: true }).calls).toEqual(['undo']);
    expect(press({ key: 'Z', metaKey: true, shiftKey: true }).calls).toEqual(['redo']);
    expect(press({ key: 'y', ctrlKey: true }).calls).toEqual(['redo']);
    expect(press({ key: 'z', ctrlKey: true, altKey: true }).binding).toBeUndefined();
  });

  it('Esc cancels a running edit, otherwise leaves the comparison, and works while typing', () => {
    const running = press({ key: 'Escape' }, (s) => {
      s.startJob('j', 'a', 4);
      s.startCompare('slider', 'a', 'b');
    });
    expect(running.calls).toEqual(['cancel']);
    expect(running.binding?.whileTyping).toBe(true);
    const comparing = press({ key: 'Escape' }, (s) => s.startCompare('slider', 'a', 'b'));
    expect(comparing.calls).toEqual([]);
    expect(comparing.state.compareMode).toBe('off');
    expect(comparing.binding?.keepDefault).toBe(true);
    expect(press({ key: 'Escape' }).binding).toBeUndefined();
  });

  it('tool letters pick a tool once a project is open, and not with a modifier', () => {
    expect(press({ key: 'b' }).binding).toBeUndefined();
    const open = (s: AppState) => s.openProject({ ...branchedTree(), path: '/p' });
    expect(press({ key: 'b' }, open).state.tool).toBe('brush');
    expect(press({ key: 'M' }, open).state.tool).toBe('box');
    expect(press({ key: 'b', ctrlKey: true }, open).binding).toBeUndefined();
  });

  it('0, 1, + and - zoom the canvas; with Ctrl/Cmd they are left to the browser', () => {
    const image = (s: AppState) => {
      s.setViewport({ width: 800, height: 600 });
      s.setImage({ id: 'p/a', name: 'a', width: 64, height: 48, format: 'png', byteLength: 0 });
    };
    expect(press({ key: '1' }, image).state.view.scale).toBe(1);
    const fit = press({ key: '0' }, image).state.view.scale;
    expect(press({ key: '=' }, image).state.view.scale).toBeCloseTo(fit * 1.25);
    expect(press({ key: '-' }, image).state.view.scale).toBeCloseTo(fit / 1.25);
    expect(press({ key: '=', ctrlKey: true }, image).binding).toBeUndefined();
  });
});
