import { describe, expect, it } from 'vitest';
import { CodedError } from '../../../electron/shared/result';
import { testEditorContext } from '../testing/editorContext';
import { branchedTree } from '../testing/testTree';
import { createReplayActions, replayText } from './replayActions';

function setup() {
  const asked: string[] = [];
  const { store, ctx } = testEditorContext({
    'version:replay': async ({ versionId }) => {
      asked.push(versionId);
      if (versionId === 'c')
        throw new CodedError('BAD_REQUEST', "the LoRA 'l4' in the library is not the file");
      return { identical: versionId === 'b', pixelsIdentical: versionId === 'b', changedFraction: 0.25 };
    },
  });
  store.getState().openProject({ ...branchedTree(), path: '/p' });
  return { store, asked, replay: createReplayActions(ctx).replay };
}

describe('replaying a version', () => {
  it('reports what the app found, in words', async () => {
    const { replay, asked } = setup();
    expect(replayText((await replay('b'))!)).toBe('Reproduced byte for byte');
    expect(replayText((await replay('a'))!)).toBe('Differs: 25.00 % of pixels changed');
    expect(replayText({ identical: false, pixelsIdentical: true, changedFraction: 0 })).toBe(
      'Same pixels, different file encoding',
    );
    expect(asked).toEqual(['b', 'a']);
  });

  it('a refused replay is a notice with the reason', async () => {
    const { replay, store } = setup();
    expect(await replay('c')).toBeNull();
    expect(store.getState().notices).toEqual([
      expect.objectContaining({
        title: "Couldn't replay this version",
        message: expect.stringMatching(/LoRA 'l4'/),
      }),
    ]);
  });
});
