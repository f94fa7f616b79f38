/** Tiny argv helpers shared by the bench CLIs (generate, run): `--name value` and `--flag`. */

const UNITS: Record<string, number> = { '': 1, B: 1, K: 1024, KB: 1024, KIB: 1024, M: 1024 ** 2, MB: 1024 ** 2, MIB: 1024 ** 2, G: 1024 ** 3, GB: 1024 ** 3, GIB: 1024 ** 3 };

/** "1GB", "5GB", "4MB", "512K", "1000000" -> bytes (binary units: 1GB = 2^30). */
export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = m ? UNITS[m[2]!.toUpperCase()] : undefined;
  if (!m || unit === undefined) throw new Error(`bad size "${text}" (expected e.g. 1GB, 64MB, 512KB)`);
  return Math.round(Number(m[1]) * unit);
}

export function formatSize(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${+(bytes / 1024 ** 3).toFixed(2)}GB`;
  if (bytes >= 1024 ** 2) return `${+(bytes / 1024 ** 2).toFixed(1)}MB`;
  return `${+(bytes / 1024).toFixed(1)}KB`;
}

export class Args {
  constructor(private readonly argv: readonly string[]) {}

  value(name: string, short?: string): string | undefined {
    for (let i = 0; i < this.argv.length; i++) {
      const a = this.argv[i]!;
      if (a === `--${name}` || (short !== undefined && a === `-${short}`)) {
        const v = this.argv[i + 1];
        if (v === undefined) throw new Error(`--${name} needs a value`);
        return v;
      }
      if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
    }
    return undefined;
  }

  flag(name: string): boolean {
    return this.argv.includes(`--${name}`);
  }
}
