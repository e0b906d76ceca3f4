/** Facts about one version record that opening, editing and deleting all rely on. */
import { randomBytes } from 'node:crypto';

import type { BlobRef, VersionNode } from './schemas';

/** Every blob a version uses: its image, its thumbnail and its region mask. */
export function blobsOf(v: VersionNode): BlobRef[] {
  const refs = [v.image.blob];
  if (v.thumbnail) refs.push(v.thumbnail);
  if (v.recipe?.region) refs.push(v.recipe.region.mask);
  for (const r of v.recipe?.references ?? []) refs.push(r.blob, ...(r.thumbnail ? [r.thumbnail] : []));
  return refs;
}

/** Time-ordered, collision-safe and short: base-36 milliseconds plus 48 random bits. */
export function newVersionId(): string {
  return `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
}
