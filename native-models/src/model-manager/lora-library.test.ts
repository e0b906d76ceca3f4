import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeSafetensorsHeader } from '../safetensors';
import { addLoraFile, lightningSteps, listLoras, LoraLibraryError, resolveLora } from './lora-library';
import { sourcesDir } from './models-root';

/** A real safetensors file: the header for these F32 tensors, then zeros for their data. */
function safetensors(names: string[]): Uint8Array {
  const tensors = names.map((name) => ({ name, dtype: 'F32' as const, shape: [2, 2] }));
  const header = encodeSafetensorsHeader(tensors);
  const out = new Uint8Array(8 + header.length + 16 * names.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
  out.set(header, 8);
  return out;
}
const LORA = safetensors([
  'transformer_blocks.0.attn.to_q.lora_A.weight',
  'transformer_blocks.0.attn.to_q.lora_B.weight',
]);

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'lora-library-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('the LoRA library', () => {
  it('names Lightning LoRAs by their step count', () => {
    expect(lightningSteps('Qwen-Image-Edit-2511-Lightning-4steps-V1.0-bf16.safetensors')).toBe(4);
    expect(lightningSteps('qwen-image-edit-2509-lightning-8step')).toBe(8);
    expect(lightningSteps('my-style-4steps.safetensors')).toBeNull();
    expect(lightningSteps('lightning-style.safetensors')).toBeNull();
  });

  it('adds a LoRA file, lists it with its id, size and Lightning steps, and resolves the id', async () => {
    const added = await addLoraFile(root, 'Edit-Lightning-8steps.safetensors', LORA);
    expect(added).toMatchObject({
      id: 'file:Edit-Lightning-8steps.safetensors',
      name: 'Edit-Lightning-8steps',
      bytes: LORA.length,
      lightningSteps: 8,
      source: 'added',
    });
    expect(await listLoras(root)).toEqual([added]);
    expect((await resolveLora(root, added.id)).path).toBe(
      join(root, 'loras', 'Edit-Lightning-8steps.safetensors'),
    );
    await expect(resolveLora(root, 'file:other.safetensors')).rejects.toThrow(
      /no LoRA 'file:other.safetensors'/,
    );
  });

  it('lists a downloaded catalogue LoRA (source record and file present), not a partial one', async () => {
    const dir = sourcesDir(root, 'qwen-image-edit-2511-lightning-4step');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'Qwen-Image-Edit-2511-Lightning-4steps-V1.0-bf16.safetensors'), LORA);
    expect(await listLoras(root)).toEqual([]);
    writeFileSync(join(dir, 'source.json'), '{}');
    expect(await listLoras(root)).toEqual([
      expect.objectContaining({
        id: 'qwen-image-edit-2511-lightning-4step',
        lightningSteps: 4,
        baseId: 'qwen-image-edit-2511',
        source: 'catalogue',
      }),
    ]);
  });

  it('refuses a bad name, a non-safetensors file, a file without LoRA tensors and a duplicate, leaving nothing', async () => {
    await expect(addLoraFile(root, '../evil.safetensors', LORA)).resolves.toMatchObject({ name: 'evil' });
    await expect(addLoraFile(root, 'style.ckpt', LORA)).rejects.toThrow(/not a LoRA file name/);
    await expect(addLoraFile(root, 'junk.safetensors', new Uint8Array([1, 2, 3]))).rejects.toThrow(
      /'junk.safetensors' is not a safetensors file: truncated/,
    );
    await expect(
      addLoraFile(root, 'full.safetensors', safetensors(['transformer_blocks.0.attn.to_q.weight'])),
    ).rejects.toThrow(/holds no LoRA tensors/);
    await expect(addLoraFile(root, 'evil.safetensors', LORA)).rejects.toBeInstanceOf(LoraLibraryError);
    expect(readdirSync(join(root, 'loras'))).toEqual(['evil.safetensors']);
  });
});
