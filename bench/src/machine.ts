/** The machine a measurement came from: figures mean nothing without it. */
import { cpus, release, totalmem, platform } from 'node:os';
import { readFileSync } from 'node:fs';

export interface Machine {
  cpuModel: string;
  cores: number;
  ramBytes: number;
  node: string;
  os: string;
  /** Where the bench files live (the disk a `cat` baseline reads). */
  cwd: string;
}

export function describeMachine(): Machine {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() || cpuModelFromProc() || 'unknown',
    cores: list.length,
    ramBytes: totalmem(),
    node: process.version,
    os: `${platform()} ${release()}`,
    cwd: process.cwd(),
  };
}

function cpuModelFromProc(): string | null {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    return m?.[1]?.trim() ?? null;
  } catch {
    return null;
  }
}
