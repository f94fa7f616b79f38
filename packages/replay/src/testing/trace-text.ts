/**
 * Real trace text as records (an event line plus the stack lines that belong to it), for
 * the mutator: records can be edited, dropped and inserted, and the text rendered again
 * with the 1-based line number of every record.
 */
import { readFileSync } from 'node:fs';
import { decompress } from 'fzstd';

export interface TraceRecord {
  /** The event (or header) line. */
  text: string;
  /** Lines attached to it: a `<stack trace>` entry and its ` => ` frames, perf callchain lines. */
  attached: string[];
  dropped: boolean;
  /** Marks records a mutation inserted (for line lookup). */
  id: number;
}

export interface ParsedEvent {
  cpu: number;
  ts: string;
  event: string;
  args: string;
  pfn: number | null;
}

const EVENT_RE = /\[(\d{3})\]\s+(?:\S{1,8}\s+)?(\d+\.\d+): ([A-Za-z_0-9:]+): ?(.*)$/;

export function parseEventLine(text: string): ParsedEvent | null {
  if (text.startsWith('#')) return null;
  const m = EVENT_RE.exec(text);
  if (m === null) return null;
  const args = m[4] as string;
  const pm = /\bpfn=(0x[0-9a-f]+|\d+)/.exec(args);
  return { cpu: Number(m[1]), ts: m[2] as string, event: (m[3] as string).replace(/^.*:/, ''), args, pfn: pm === null ? null : Number(pm[1]) };
}

export function field(args: string, name: string): number | null {
  const m = new RegExp(`\\b${name}=(-?(?:0x[0-9a-f]+|\\d+))`).exec(args);
  return m === null ? null : Number(m[1]);
}

export function withField(text: string, name: string, value: number): string {
  return text.replace(new RegExp(`\\b${name}=-?(?:0x[0-9a-f]+|\\d+)`), `${name}=${value}`);
}

export class TraceText {
  readonly records: TraceRecord[] = [];
  private nextId = 0;

  static fromFile(path: string): TraceText {
    const raw = readFileSync(path);
    const bytes = path.endsWith('.zst') ? decompress(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength)) : raw;
    return TraceText.fromText(Buffer.from(bytes).toString('utf8'));
  }

  static fromText(text: string): TraceText {
    const t = new TraceText();
    const lines = text.split('\n');
    if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    for (const line of lines) {
      const last = t.records[t.records.length - 1];
      if (last !== undefined && isAttached(line)) last.attached.push(line);
      else t.records.push(t.make(line));
    }
    return t;
  }

  make(text: string): TraceRecord { return { text, attached: [], dropped: false, id: this.nextId++ }; }

  /** Insert a new record after index `at` (returns the new record). */
  insertAfter(at: number, text: string): TraceRecord {
    const r = this.make(text);
    this.records.splice(at + 1, 0, r);
    return r;
  }

  /** Render; `lineOf` maps record ids to their 1-based line in the rendered text. */
  render(): { text: string; lineOf: Map<number, number> } {
    const out: string[] = [];
    const lineOf = new Map<number, number>();
    for (const r of this.records) {
      if (r.dropped) continue;
      out.push(r.text);
      lineOf.set(r.id, out.length);
      for (const a of r.attached) out.push(a);
    }
    return { text: `${out.join('\n')}\n`, lineOf };
  }
}

/** A line that belongs to the preceding event: stacktrace entry and frames, perf callchains. */
function isAttached(line: string): boolean {
  return line.startsWith(' => ') || line.includes(': <stack trace>') || line.startsWith('\t') || line === '';
}
