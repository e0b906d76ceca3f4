import { describe, expect, it } from 'vitest';
import { PreviewSink } from './previewSink';

const frame = (jobId: string) => ({ jobId, width: 1, height: 1, pixels: new Uint8Array(4) });

describe('PreviewSink acknowledgements (what lets the sender send the next frame)', () => {
  it('acks a frame of the running job only once the canvas has painted it', () => {
    const sink = new PreviewSink();
    sink.onChange(() => undefined);
    sink.begin('job-1');
    const acks: string[] = [];
    sink.offer(frame('job-1'), () => acks.push('a'));
    expect(sink.latest?.jobId).toBe('job-1');
    expect(acks).toEqual([]);
    sink.painted();
    sink.painted();
    expect(acks).toEqual(['a']);
  });

  it('acks at once what nobody will paint: other jobs, no canvas, and a frame left when the run ends', () => {
    const sink = new PreviewSink();
    const acks: string[] = [];
    sink.begin('job-1');
    sink.offer(frame('job-1'), () => acks.push('no canvas'));
    const off = sink.onChange(() => undefined);
    sink.offer(frame('job-0'), () => acks.push('other job'));
    sink.offer(frame('job-1'), () => acks.push('ended'));
    sink.end();
    sink.begin('job-2');
    sink.offer(frame('job-2'), () => acks.push('canvas gone'));
    off();
    expect(acks).toEqual(['no canvas', 'other job', 'ended', 'canvas gone']);
  });
});
