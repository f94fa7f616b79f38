/**
 * Reads the MANIFEST.md files of shared/traces (written by lab/scripts/trace-stats.py),
 * independently of the ingest parser, so tests can hold ingest to numbers it did not make.
 *
 * trace-stats.py counted: `lines` = all lines; `stack lines` = lines starting with ` => `,
 * `=> ` or a tab (frames only, not the `<stack trace>` entry lines and not perf's blank
 * callchain terminators); `events` = lines with a `TS: name:` event (so `<stack trace>`
 * entries are NOT events, trace-cmd `kernel_stack:` entries are); markers = LOST/buffer
 * started lines. Event names are as printed (`kmem:mm_page_alloc` in perf).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedTracesDir } from './paths.js';

export interface ManifestEntry {
  /** Path of the trace relative to shared/traces, e.g. guest/pin/trace.txt.zst. */
  file: string;
  lines: number;
  stackLines: number;
  events: number;
  markers: number | null;
  eventsPerName: Record<string, number>;
}

function eventsBlock(section: string): Record<string, number> {
  const m = /events per name:\s*```\n([\s\S]*?)```/.exec(section);
  const out: Record<string, number> = {};
  if (m === null) return out;
  for (const line of (m[1] as string).split('\n')) {
    const e = /^\s*(\d+)\s+(\S+)\s*$/.exec(line);
    if (e !== null) out[e[2] as string] = Number(e[1]);
  }
  return out;
}

function sections(text: string): Array<[string, string]> {
  const parts = text.split(/^### /m).slice(1);
  return parts.map((p) => [p.slice(0, p.indexOf('\n')).trim(), p]);
}

export function guestManifest(dir = sharedTracesDir()): ManifestEntry[] {
  const text = readFileSync(join(dir, 'guest', 'MANIFEST.md'), 'utf8');
  return sections(text).map(([name, body]) => {
    const a = /trace\.txt\.zst: \d+ bytes compressed, (\d+) lines, (\d+) events, stack lines (\d+)/.exec(body);
    const b = /trace\.txt\.zst: lines=(\d+) stack lines=(\d+) events=(\d+)/.exec(body);
    if (a === null && b === null) throw new Error(`guest MANIFEST: no counts for ${name}`);
    const [lines, events, stackLines] = a !== null ? [a[1], a[2], a[3]] : [b?.[1], b?.[3], b?.[2]];
    return {
      file: `guest/${name.replace(/\/$/, '')}/trace.txt.zst`, lines: Number(lines), stackLines: Number(stackLines),
      events: Number(events), markers: null, eventsPerName: eventsBlock(body),
    };
  });
}

export function hostManifest(dir = sharedTracesDir()): ManifestEntry[] {
  const text = readFileSync(join(dir, 'host', 'MANIFEST.md'), 'utf8');
  return sections(text)
    .filter(([name]) => name.endsWith('.txt.zst'))
    .map(([name, body]) => {
      const m = /lines=(\d+) stack\/callchain_lines=(\d+)(?: lost\/buffer-start markers=(\d+))? events=(\d+)/.exec(body);
      if (m === null) throw new Error(`host MANIFEST: no counts for ${name}`);
      return {
        file: `host/${name}`, lines: Number(m[1]), stackLines: Number(m[2]), events: Number(m[4]),
        markers: m[3] === undefined ? null : Number(m[3]), eventsPerName: eventsBlock(body),
      };
    });
}
