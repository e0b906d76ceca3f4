import { useEffect, useState } from 'react';
import type { ContractClient } from '../../../../electron/shared/client';

/**
 * Blob URLs of version thumbnails (or of a version's reference image `reference`, 0 = "Picture 2"), by
 * project/version: versions are immutable, so one fetch each.
 */
const cache = new Map<string, Promise<string | null>>();

export function useThumbnail(
  client: Pick<ContractClient, 'request'>,
  projectId: string,
  versionId: string,
  reference?: number,
): string | null {
  const key = `${projectId}/${versionId}${reference === undefined ? '' : `/ref${reference}`}`;
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    let pending = cache.get(key);
    if (!pending) {
      const request =
        reference === undefined
          ? client.request('version:image', { projectId, versionId, thumbnail: true })
          : client.request('version:reference', { projectId, versionId, index: reference, thumbnail: true });
      pending = request.then((r) =>
        r.ok
          ? URL.createObjectURL(new Blob([r.value.bytes as Uint8Array<ArrayBuffer>], { type: r.value.mime }))
          : null,
      );
      cache.set(key, pending);
    }
    void pending.then((u) => live && setUrl(u));
    return () => {
      live = false;
    };
  }, [client, key, projectId, versionId, reference]);
  return url;
}
