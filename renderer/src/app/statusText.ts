/** Status-bar wording, kept apart from the component so it can be tested without a DOM. */
import type { EngineInfo, EngineState } from '../../../electron/shared/contract';
import type { Connection } from '../state/engineSlice';

export type Tone = 'ok' | 'busy' | 'warn' | 'error';

export function describeEngine(
  connection: Connection,
  connectionDetail: string,
  state: EngineState | null,
  detail: string,
): { text: string; tone: Tone; title: string } {
  if (connection === 'closed')
    return { text: 'Disconnected', tone: 'error', title: connectionDetail || 'not connected to the app' };
  if (connection === 'connecting' || state === null)
    return { text: 'Connecting…', tone: 'busy', title: 'connecting to the app' };
  const title = detail || `engine ${state}`;
  switch (state) {
    case 'ready':
      return { text: 'Engine ready', tone: 'ok', title };
    case 'busy':
      return { text: 'Engine busy', tone: 'busy', title };
    case 'starting':
      return { text: 'Engine starting…', tone: 'busy', title };
    case 'restarting':
      return { text: 'Engine restarting…', tone: 'warn', title };
    case 'crashed':
      return { text: 'Engine crashed', tone: 'error', title };
    case 'stopped':
      return { text: 'Engine stopped', tone: 'error', title };
  }
}

export function describeModel(model: EngineInfo['model']): string {
  switch (model.status) {
    case 'ready':
      return `Model: Qwen-Image-Edit${model.detail ? ` · ${model.detail}` : ''}`;
    case 'demo':
      return 'Model: demo (tiny, random weights)';
    case 'missing':
      return 'Model: not available yet';
    case 'invalid':
      // The reason is what the user needs to fix the folder (another pipeline, a broken model.json, …).
      return `Model folder unusable: ${model.detail}`;
  }
}
