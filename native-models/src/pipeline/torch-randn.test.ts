import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Mt19937 } from './mt19937';
import { TorchCpuRandn, torchRandn } from './torch-randn';

type Case = {
  seed: number;
  shape: number[];
  sha256: string;
  values?: number[];
  head?: number[];
  tail?: number[];
};
type Golden = {
  cases: (Case | { seed: number; sequence: number[][]; values: number[][] })[];
  large: Case[];
};
// Made with Debian's python3-torch 1.13 (CPU capability AVX2): torch.manual_seed(seed); torch.randn(shape).
const golden = JSON.parse(
  readFileSync(new URL('fixtures/torch-randn.json', import.meta.url), 'utf8'),
) as Golden;
const sha = (v: Float32Array) => createHash('sha256').update(new Uint8Array(v.buffer)).digest('hex');

describe('Mt19937', () => {
  it('produces the reference sequence of the standard generator for seed 5489', () => {
    const mt = new Mt19937(5489);
    expect([mt.nextUint32(), mt.nextUint32(), mt.nextUint32()]).toEqual([3499211612, 581869302, 3890346734]);
    // The C++ standard fixes the 10000th output of default-seeded std::mt19937.
    for (let i = 3; i < 9999; i++) mt.nextUint32();
    expect(mt.nextUint32()).toBe(4123659995);
  });
});

describe('torchRandn', () => {
  for (const c of golden.cases) {
    if ('sequence' in c) {
      it(`continues the stream across draws like torch (seed ${c.seed})`, () => {
        const g = new TorchCpuRandn(c.seed);
        c.sequence.forEach((shape, k) =>
          expect(Array.from(g.randn(shape))).toEqual(c.values[k]!.map(Math.fround)),
        );
      });
      continue;
    }
    it(`matches torch bit for bit: seed ${c.seed}, shape [${c.shape.join(',')}]`, () => {
      const v = torchRandn(c.seed, c.shape);
      expect(sha(v)).toBe(c.sha256);
      if (c.values) expect(Array.from(v)).toEqual(c.values);
      if (c.head) expect(Array.from(v.subarray(0, c.head.length))).toEqual(c.head);
      if (c.tail) expect(Array.from(v.subarray(v.length - c.tail.length))).toEqual(c.tail);
    });
  }

  it('matches torch on 1024x1024-sized latents (262,144 values) for several seeds', () => {
    for (const c of golden.large) expect(sha(torchRandn(c.seed, c.shape)), `seed ${c.seed}`).toBe(c.sha256);
  });

  it('agrees with the published golden values of checkpoint-names.md', () => {
    expect(Array.from(torchRandn(0, [4]))).toEqual([
      1.5409960746765137, -0.293428897857666, -2.1787893772125244, 0.5684312582015991,
    ]);
    expect(Array.from(torchRandn(42, [4, 4]).subarray(0, 4))).toEqual([
      1.9269152879714966, 1.4872840642929077, 0.9007171988487244, -2.1055209636688232,
    ]);
  });
});
