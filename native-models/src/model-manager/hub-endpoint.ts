/** The hub base URL: an explicit choice, else `QWEN_EDIT_HF_ENDPOINT` or `HF_ENDPOINT` (mirrors), else the hub. */
import { DEFAULT_ENDPOINT } from './hub-api';

export function hubEndpoint(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  const endpoint = explicit ?? env.QWEN_EDIT_HF_ENDPOINT ?? env.HF_ENDPOINT ?? DEFAULT_ENDPOINT;
  const url = new URL(endpoint);
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new Error(`the hub endpoint must be an http(s) URL, got '${endpoint}'`);
  return endpoint.replace(/\/+$/, '');
}
