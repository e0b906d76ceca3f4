import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraphBuilder } from '../../native-models/src/onnx';
import { nodePlacement } from './placement';

const T =
  '2026-11-28 03:21:38.597390609 [V:onnxruntime:, session_state.cc:1380 VerifyEachNodeIsAssignedToAnEp]';

describe('ORT node placement', () => {
  it('reads a split placement: the nodes the GPU provider lacks, by op type', () => {
    const log = [
      `${T} Node placements`,
      `${T}  Node(s) placed on [WebGpuExecutionProvider]. Number of nodes: 5`,
      `${T}   MatMul (a)`,
      `${T}   Add (b)`,
      `${T}  Node(s) placed on [CPUExecutionProvider]. Number of nodes: 3`,
      `${T}   RotaryEmbedding (r1)`,
      `${T}   RotaryEmbedding (r2)`,
      `${T}   Shape ()`,
      '2026-11-28 03:21:38.598334700 [V:onnxruntime:, session_state.cc:186 CreateGraphInfo] SaveMLValueNameIndexMapping',
      '2026-11-28 03:21:38.598334700 [V:onnxruntime:, other.cc:1 Other]   Unrelated (x)',
    ].join('\n');
    expect(nodePlacement(log)).toEqual({
      nodes: { WebGpuExecutionProvider: 5, CPUExecutionProvider: 3 },
      elsewhere: { CPUExecutionProvider: { RotaryEmbedding: 2, Shape: 1 } },
    });
  });

  it("reads a real session's verbose log", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'placement-'));
    try {
      const g = new GraphBuilder({ name: 'p' });
      const x = g.input('x', 'float32', [2, 2]);
      g.output(g.op('Relu', [g.op('MatMul', [x, x])]), 'y', 'float32', [2, 2]);
      const { modelPath } = await g.save(dir);
      const child = spawnSync(
        process.execPath,
        [
          '-e',
          "require('onnxruntime-node').InferenceSession.create(process.argv[1], { executionProviders: ['cpu'], logSeverityLevel: 0, graphOptimizationLevel: 'disabled' }).then((s) => s.release())",
          modelPath,
        ],
        { encoding: 'utf8' },
      );
      expect(child.status).toBe(0);
      expect(nodePlacement(child.stderr)).toEqual({
        nodes: { CPUExecutionProvider: g.view().nodes.length },
        elsewhere: {},
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
