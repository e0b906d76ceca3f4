import { describe, expect, it } from 'vitest';
import { modulationProviders, providerFromEnv, providerOrder } from './execution-provider';

describe('execution provider choice', () => {
  it('tries CUDA first only when its provider library is installed, unless forced', () => {
    expect(providerOrder('auto', true)).toEqual(['cuda', 'cpu']);
    expect(providerOrder('auto', false)).toEqual(['cpu']);
    expect(providerOrder('cpu', true)).toEqual(['cpu']);
    expect(providerOrder('cuda', false)).toEqual(['cuda']);
    expect(providerOrder('webgpu', true)).toEqual(['webgpu']);
  });

  it('reads QWEN_EDIT_EP', () => {
    expect(providerFromEnv({ QWEN_EDIT_EP: 'CPU' })).toBe('cpu');
    expect(providerFromEnv({ QWEN_EDIT_EP: 'cuda' })).toBe('cuda');
    expect(providerFromEnv({ QWEN_EDIT_EP: 'WebGPU' })).toBe('webgpu');
    expect(providerFromEnv({ QWEN_EDIT_EP: 'tpu' })).toBe('auto');
    expect(providerFromEnv({})).toBe('auto');
  });

  it('puts the modulation graph on the CPU under the low-memory policy on a GPU only', () => {
    expect(modulationProviders('low-memory', ['cuda', 'cpu'])).toEqual(['cpu']);
    expect(modulationProviders('low-memory', ['webgpu'])).toEqual(['cpu']);
    expect(modulationProviders('low-memory', ['cpu'])).toBeNull();
    expect(modulationProviders('resident', ['cuda', 'cpu'])).toBeNull();
  });
});
