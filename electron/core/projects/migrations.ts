/**
 * Upgrades older `project.json` layouts to the current one. `migrations[n]` turns a version-n document into
 * a version-(n+1) document; loading applies them in order, then validates against the current schema.
 * A migration must not need the disk: everything it writes is derived from the old document.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';

import { ProjectError } from './errors';
import { CURRENT_SCHEMA_VERSION } from './schemas';

type Migration = (doc: Record<string, unknown>) => Record<string, unknown>;

/**
 * v0 (the prototype's format): nodes keyed by id in an object, epoch-millisecond times, blob paths with a
 * `blobs/` prefix, flat recipe fields and no model file hashes.
 */
const v0NodeSchema = z.object({
  parent: z.string().nullable(),
  created: z.number(),
  image: z.string(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  source: z.string().optional(),
  label: z.string().optional(),
  prompt: z.string().optional(),
  negative: z.string().optional(),
  seed: z.number().int().optional(),
  cfg: z.number().optional(),
  steps: z.number().int().optional(),
  model: z.string().optional(),
});
const v0Schema = z.object({
  version: z.literal(0),
  name: z.string(),
  created: z.number(),
  current: z.string(),
  nodes: z.record(z.string(), v0NodeSchema),
});

const fromV0: Migration = (doc) => {
  const v0 = v0Schema.parse(doc);
  const iso = (ms: number) => new Date(ms).toISOString();
  const blob = (path: string) => path.replace(/^blobs\//, '');
  const entries = Object.entries(v0.nodes).sort(([, a], [, b]) => a.created - b.created);
  const versions = entries.map(([id, node]) => {
    const parent = node.parent === null ? undefined : v0.nodes[node.parent];
    const isEdit = node.prompt !== undefined && parent !== undefined;
    const size = { width: node.width, height: node.height };
    return {
      id,
      parentId: node.parent,
      createdAt: iso(node.created),
      kind: isEdit ? 'edit' : 'import',
      image: { blob: blob(node.image), ...size },
      thumbnail: null,
      recipe:
        isEdit && parent
          ? {
              // v0 did not record file hashes: the recipe names the model but cannot pin its weights.
              model: { id: node.model ?? 'unknown', files: {} },
              input: blob(parent.image),
              prompt: node.prompt ?? '',
              negativePrompt: node.negative ?? '',
              seed: node.seed ?? 0,
              cfg: node.cfg ?? 1,
              steps: node.steps ?? 1,
              sizes: { input: { width: parent.width, height: parent.height }, output: size },
              region: null,
              options: {},
              timings: {},
            }
          : null,
      sourceName: node.source ?? null,
      label: node.label ?? null,
    };
  });
  return {
    schemaVersion: 1,
    generation: 0,
    // v0 had no project id: derive a stable one so that migrating twice gives the same project.
    id: createHash('sha256').update(`${v0.name}\0${v0.created}`).digest('hex').slice(0, 32),
    name: v0.name,
    createdAt: iso(v0.created),
    updatedAt: iso(Math.max(v0.created, ...entries.map(([, n]) => n.created))),
    head: v0.current,
    versions,
  };
};

export const migrations: Readonly<Record<number, Migration>> = { 0: fromV0 };

/** The schema version a raw document declares (v0 said `version`), or undefined if it declares none. */
export function declaredSchemaVersion(doc: unknown): number | undefined {
  if (typeof doc !== 'object' || doc === null) return undefined;
  const record = doc as Record<string, unknown>;
  const v = record.schemaVersion ?? record.version;
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}

/**
 * Brings `doc` up to CURRENT_SCHEMA_VERSION. Returns the document unchanged when it is current and the
 * version it started from. Throws PROJECT_TOO_NEW for a future version and PROJECT_CORRUPT when there is
 * no version or a migration rejects the document.
 */
export function migrateToCurrent(doc: unknown): { doc: unknown; fromVersion: number } {
  const from = declaredSchemaVersion(doc);
  if (from === undefined) throw new ProjectError('PROJECT_CORRUPT', 'project.json has no schema version.');
  if (from > CURRENT_SCHEMA_VERSION) {
    throw new ProjectError(
      'PROJECT_TOO_NEW',
      `This project was saved by a newer version of the app (format ${from}; this app reads up to ${CURRENT_SCHEMA_VERSION}).`,
    );
  }
  let current = doc as Record<string, unknown>;
  for (let v = from; v < CURRENT_SCHEMA_VERSION; v++) {
    const step = migrations[v];
    if (!step) throw new ProjectError('PROJECT_CORRUPT', `No migration from project format ${v}.`);
    try {
      current = step(current);
    } catch (error) {
      throw new ProjectError(
        'PROJECT_CORRUPT',
        `Could not upgrade project format ${v}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }
  return { doc: current, fromVersion: from };
}
