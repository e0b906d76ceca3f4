/**
 * What the machine has: each NVIDIA GPU's total and free memory from `nvidia-smi --query-gpu` (NVML's numbers,
 * without binding NVML), and the RAM. No nvidia-smi, or one that fails: no GPUs, never an error.
 */
import { execFile } from 'node:child_process';
import { freemem, totalmem } from 'node:os';

export type GpuInfo = Readonly<{ index: number; name: string; totalBytes: number; freeBytes: number }>;
export type MachineInfo = Readonly<{ gpus: readonly GpuInfo[]; ramBytes: number; freeRamBytes: number }>;

const MIB = 1024 * 1024;
export const NVIDIA_SMI_ARGS = [
  '--query-gpu=index,name,memory.total,memory.free',
  '--format=csv,noheader,nounits',
];

/** Parses `index, name, total MiB, free MiB` lines; lines that do not parse are skipped. */
export function parseNvidiaSmi(text: string): GpuInfo[] {
  return text
    .split('\n')
    .map((line) => line.split(',').map((s) => s.trim()))
    .filter((cols) => cols.length === 4 && cols.every(Boolean))
    .map(([index, name, total, free]) => ({
      index: Number(index),
      name: name!,
      totalBytes: Number(total) * MIB,
      freeBytes: Number(free) * MIB,
    }))
    .filter(
      (g) => Number.isInteger(g.index) && Number.isFinite(g.totalBytes) && Number.isFinite(g.freeBytes),
    );
}

export function queryGpus(command = 'nvidia-smi'): Promise<GpuInfo[]> {
  return new Promise((resolve) => {
    execFile(command, NVIDIA_SMI_ARGS, { timeout: 10_000 }, (error, stdout) =>
      resolve(error ? [] : parseNvidiaSmi(stdout)),
    );
  });
}

export async function probeMachine(command?: string): Promise<MachineInfo> {
  return { gpus: await queryGpus(command), ramBytes: totalmem(), freeRamBytes: freemem() };
}
