import { useEffect, useState } from 'react';
import type { ContractClient } from '../../../../electron/shared/client';

/** Blob URLs of version thumbnails, by project/version: versions are immutable, so one fetch each. */
const cache = new Map<string, Promise<string | null>>();

export function useThumbnail(
  client: Pick<ContractClient, 'request'>,
  projectId: string,
  versionId: string,
): string | null {
  const key = `${projectId}/${versionId}`;
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    let pending = cache.get(key);
    if (!pending) {
      pending = client
        .request('version:image', { projectId, versionId, thumbnail: true })
        .then((r) =>
          r.ok
            ? URL.createObjectURL(
                new Blob([r.value.bytes as Uint8Array<ArrayBuffer>], { type: r.value.mime }),
              )
            : null,
        );
      cache.set(key, pending);
    }
    void pending.then((u) => live && setUrl(u));
    return () => {
      live = false;
    };
  }, [client, key, projectId, versionId]);
  return url;
}
