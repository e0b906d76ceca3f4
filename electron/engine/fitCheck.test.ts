import { describe, expect, it } from 'vitest';
import { ensureDemoModel } from '../../native-models/src';
import type { MachineInfo } from '../../native-models/src';
import { fitRefusal } from './fitCheck';

const MIB = 1024 ** 2;
const withGpu =
  (freeMiB: number): (() => Promise<MachineInfo>) =>
  async () => ({
    gpus: [{ index: 0, name: 'Test GPU', totalBytes: freeMiB * MIB, freeBytes: freeMiB * MIB }],
    ramBytes: 16e9,
    freeRamBytes: 8e9,
  });

describe('the fit check before an edit loads the model', () => {
  it('refuses on a GPU without room for the model and its activations, with the numbers', async () => {
    const dir = await ensureDemoModel(0);
    const refusal = await fitRefusal(
      dir,
      { width: 1024, height: 1024 },
      { cuda: true, machine: withGpu(2048), policy: 'resident' },
    );
    expect(refusal).toMatch(
      /^This fp32 model with the resident policy needs about \d+\.\d GB at 1024×1024, but GPU 0 \(Test GPU.*leaves 1\.6 GB usable; nothing was loaded\./,
    );
  });

  it('lets it run where it fits, on the CPU, and without a model folder', async () => {
    const dir = await ensureDemoModel(0);
    expect(
      await fitRefusal(
        dir,
        { width: 256, height: 256 },
        { cuda: true, machine: withGpu(81559), policy: 'resident' },
      ),
    ).toBeNull();
    expect(
      await fitRefusal(
        dir,
        { width: 1024, height: 1024 },
        { cuda: false, machine: withGpu(1), policy: 'resident' },
      ),
    ).toBeNull();
    expect(
      await fitRefusal(
        '',
        { width: 1024, height: 1024 },
        { cuda: true, machine: withGpu(1), policy: 'resident' },
      ),
    ).toBeNull();
  });
});
