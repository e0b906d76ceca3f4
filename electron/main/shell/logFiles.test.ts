import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRotatingLog, formatLine, lastLines, redact } from './logFiles';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qe-logs-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const at = new Date('2026-11-28T01:02:03.004Z');

describe('log files', () => {
  it('writes one line per entry with the job id, and drops lines below its level', () => {
    const log = createRotatingLog({ dir, name: 'engine', now: () => at });
    log.write('info', 'denoise step 3/6', { jobId: 'edit-1' });
    log.write('debug', 'tensor shapes');
    log.write('error', 'session failed\n  at run', { jobId: 'edit-1', code: 'ORT' });
    expect(readFileSync(join(dir, 'engine.log'), 'utf8')).toBe(
      '2026-11-28T01:02:03.004Z INFO  job=edit-1 denoise step 3/6\n' +
        '2026-11-28T01:02:03.004Z ERROR job=edit-1 session failed\n      at run {"code":"ORT"}\n',
    );
  });

  it('rotates at the size limit and keeps only the newest files', () => {
    const log = createRotatingLog({ dir, name: 'main', maxBytes: 200, keep: 2, now: () => at });
    for (let i = 0; i < 20; i++) log.write('info', `line ${String(i).padStart(2, '0')} ${'x'.repeat(40)}`);
    expect(readdirSync(dir).sort()).toEqual(['main.1.log', 'main.2.log', 'main.log']);
    for (const f of readdirSync(dir)) expect(readFileSync(join(dir, f)).length).toBeLessThanOrEqual(200);
    // Nothing is lost between the kept files: the newest lines are in order across them.
    expect(lastLines(dir, 'main', 5).map((l) => l.match(/line (\d+)/)![1])).toEqual([
      '15',
      '16',
      '17',
      '18',
      '19',
    ]);
    expect(readFileSync(join(dir, 'main.log'), 'utf8')).toContain('line 19');
  });

  it('continues an existing file after a restart, rotating at the same limit', () => {
    createRotatingLog({ dir, name: 'main', maxBytes: 150, now: () => at }).write('info', 'a'.repeat(80));
    createRotatingLog({ dir, name: 'main', maxBytes: 150, now: () => at }).write('info', 'b'.repeat(80));
    expect(readFileSync(join(dir, 'main.1.log'), 'utf8')).toContain('a'.repeat(80));
    expect(readFileSync(join(dir, 'main.log'), 'utf8')).toContain('b'.repeat(80));
  });

  it('keeps prompts out at info level and above, and tokens out at every level', () => {
    const info = formatLine('info', 'run', { jobId: 'j', prompt: 'make the cat purple', token: 'abc' }, at);
    expect(info).not.toContain('purple');
    expect(info).not.toContain('abc');
    expect(info).toContain('"prompt":"[19 chars]"');
    const debug = formatLine(
      'debug',
      'run',
      { prompt: 'make the cat purple', authorization: 'Bearer abc' },
      at,
    );
    expect(debug).toContain('make the cat purple');
    expect(debug).not.toContain('abc');

    const request = 'edit:run {"jobId":"j","settings":{"prompt":"replace \\"OPEN\\" with CLOSED","seed":3}}';
    expect(redact(request, 'error')).toBe(
      'edit:run {"jobId":"j","settings":{"prompt":"[redacted]","seed":3}}',
    );
    expect(redact(request, 'debug')).toBe(request);
    for (const secret of [
      'ws://127.0.0.1:5317/?token=s3cr3t',
      'QWEN_EDIT_TOKEN=s3cr3t npm run web',
      'Authorization: Bearer s3cr3t',
      '{"token": "s3cr3t"}',
    ])
      expect(redact(secret, 'debug'), secret).not.toContain('s3cr3t');
  });

  it('gives the last lines for a crash dialog, even right after a rotation', () => {
    expect(lastLines(dir, 'engine', 3)).toEqual([]);
    const log = createRotatingLog({ dir, name: 'engine', maxBytes: 120, now: () => at });
    log.write('info', 'loading model');
    log.write('error', 'onnxruntime: CUDA out of memory', { jobId: 'edit-9' });
    log.write('error', 'engine exited with code 134');
    expect(existsSync(join(dir, 'engine.1.log'))).toBe(true);
    const tail = lastLines(dir, 'engine', 2);
    expect(tail[0]).toContain('job=edit-9 onnxruntime: CUDA out of memory');
    expect(tail[1]).toContain('engine exited with code 134');
  });
});
