/**
 * The LoRAs an opened model runs with: the set a request asks for is fused at load time into the
 * transformer-side graphs' sessions, which are rebuilt only when the set (files' contents and strengths)
 * changes. LoRAs fused at conversion (listed in model.json) come first in what it reports.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fuseAtLoad, LoraError, openLoraFile } from '../lora';
import type { LoraFile } from '../lora';
import type { LoadedModel } from '../model-store/open-model';
import type { ComponentName } from '../model-store/manifest';
import { EditRequestError } from './edit-request';
import type { LoraChoice, LoraRecipe } from './edit-vocabulary';

export type LoraSessions = Readonly<{ use(choices: readonly LoraChoice[]): Promise<readonly LoraRecipe[]> }>;

export function loraSessions(dir: string, loaded: LoadedModel, onChange: () => void): LoraSessions {
  const converted: readonly LoraRecipe[] = (loaded.manifest.loras ?? []).map((l) => ({
    ...l,
    fused: 'conversion',
  }));
  const fusable = (Object.keys(loaded.manifest.components) as ComponentName[]).filter(
    (c) => loaded.manifest.components[c]?.source === 'transformer',
  );
  /** Hashing a LoRA file again only when its size or time stamp changed. */
  const opened = new Map<string, { stamp: string; file: LoraFile }>();
  let current = '[]';

  async function open(path: string): Promise<LoraFile> {
    const full = resolve(path);
    const info = await stat(full).catch(() => {
      throw new LoraError(`LoRA ${path}: file not found`);
    });
    const stamp = `${info.size}:${info.mtimeMs}`;
    const known = opened.get(full);
    if (known?.stamp === stamp) return known.file;
    const file = await openLoraFile(full);
    opened.set(full, { stamp, file });
    return file;
  }

  return {
    async use(choices) {
      try {
        const files = [];
        for (const c of choices) files.push(await open(c.path));
        const applications = files.map((lora, i) => ({ lora, strength: choices[i]!.strength }));
        const key = JSON.stringify(applications.map((a) => [a.lora.sha256, a.strength]));
        if (key !== current) {
          const fusion = await fuseAtLoad(dir, loaded.manifest, applications);
          for (const c of fusable) await loaded.useSource(c, fusion.sources.get(c));
          current = key;
          onChange();
        }
        return [
          ...converted,
          ...applications.map(({ lora, strength }) => ({
            name: lora.name,
            sha256: lora.sha256,
            strength,
            fused: 'load' as const,
          })),
        ];
      } catch (error) {
        if (error instanceof LoraError) throw new EditRequestError(error.message);
        throw error;
      }
    },
  };
}
