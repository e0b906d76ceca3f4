import { describe, expect, it } from 'vitest';
import { describeEngine, describeModel } from './statusText';

describe('describeEngine', () => {
  it('puts a lost connection before any engine state', () => {
    expect(describeEngine('closed', 'lost the connection to the app server', 'ready', '')).toMatchObject({
      text: 'Disconnected',
      tone: 'error',
      title: 'lost the connection to the app server',
    });
  });

  it('says connecting until the first engine state arrives, then names the state', () => {
    expect(describeEngine('connecting', '', null, '').text).toBe('Connecting…');
    expect(describeEngine('open', '', 'ready', '')).toMatchObject({ text: 'Engine ready', tone: 'ok' });
    expect(describeEngine('open', '', 'crashed', 'exit code 134').title).toBe('exit code 134');
  });
});

describe('describeModel', () => {
  it('says plainly when the demo model is in use', () => {
    expect(describeModel({ folder: '/m', status: 'demo', detail: '' })).toBe(
      'Model: demo (tiny, random weights)',
    );
  });

  it('names the reason when the model folder is unusable', () => {
    expect(
      describeModel({
        folder: '/m',
        status: 'invalid',
        detail: 'model.json lacks the component(s) vae_decoder',
      }),
    ).toBe('Model folder unusable: model.json lacks the component(s) vae_decoder');
  });
});
