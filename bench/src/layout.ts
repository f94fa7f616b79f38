/**
 * How one event is printed by each front-end: the per-line context (task, cpu, time) and
 * the argument text. Layouts follow the real files (see templates.ts):
 *
 *   ftrace    "%16s-%-7d (%7d) [%03d] %s %5lu.%06lu: %s: %s"        (guest 6.1 `trace`, record-tgid, irq-info)
 *   trace-cmd "klabtc: %16s-%-5d [%03d] %5lu.%06lu: %-21s %s"      (host `trace-cmd report` of instance klabtc)
 *   perf      "%16s %5d [%03d] %12s: %*s: %s"                      (host `perf script`; `%s %5d ...` when -g)
 *
 * Arguments: page_ref text is the kernel's print fmt, identical in all three except `%p`
 * (ftrace prints the raw pointer because the guest booted with no_hash_pointers; libtraceevent
 * prints glibc's `0x...` / `(nil)`). kmem `page=` is the vmemmap address in ftrace and the
 * pfn in hex in trace-cmd/perf (libtraceevent cannot evaluate pfn_to_page).
 */
import { EVENT_SYSTEM, PERF_EVENT_WIDTH, TRACE_CMD_INSTANCE, type Format, type Task } from './templates.js';

export interface Layout {
  readonly format: Format;
  /** Lines written before the first event (ftrace header is handled by the generator). */
  preamble(): string;
  /** Context + event name: everything up to the argument text. */
  context(task: Task, irq: string, tsMicros: number, event: string): string;
  /** Lines that carry a kernel stack for the event just printed ('' when the format has none). */
  stack(task: Task, irq: string, tsMicros: number, frames: readonly string[]): string;
  /** Number of trace entries a stack adds (ftrace counts `<stack trace>` as an entry). */
  readonly stackEntries: number;
  pointer(hex: string | null): string;
  page(pfn: number): string;
}

function seconds(tsMicros: number, width: number): string {
  const secs = Math.floor(tsMicros / 1e6);
  const usec = tsMicros - secs * 1e6;
  return `${String(secs).padStart(width)}.${String(usec).padStart(6, '0')}`;
}

const cpuColumn = (cpu: number): string => `[${String(cpu).padStart(3, '0')}]`;

/** Cache of per-task prefixes: the same few tasks print millions of times. */
function memo(make: (t: Task) => string): (t: Task) => string {
  const cache = new Map<Task, string>();
  return (t) => {
    let s = cache.get(t);
    if (s === undefined) { s = make(t); cache.set(t, s); }
    return s;
  };
}

/** `page=` of kmem events in ftrace: the vmemmap address (page struct = 64 bytes at 0xffffea0000000000). */
function vmemmapAddress(pfn: number): string {
  return `ffffea${(pfn * 64).toString(16).padStart(10, '0')}`;
}

export function ftraceLayout(): Layout {
  const prefix = memo((t) => `${t.comm.padStart(16)}-${String(t.pid).padEnd(7)} (${t.tgid === null ? '-------' : String(t.tgid).padStart(7)}) ${cpuColumn(t.cpu)} `);
  return {
    format: 'ftrace',
    preamble: () => '',
    context: (t, irq, ts, event) => `${prefix(t)}${irq} ${seconds(ts, 5)}: ${event}: `,
    stack: (t, irq, ts, frames) => `${prefix(t)}${irq} ${seconds(ts, 5)}: <stack trace>\n => ${frames.join('\n => ')}\n`,
    stackEntries: 1,
    pointer: (hex) => (hex === null ? '0000000000000000' : hex),
    page: vmemmapAddress,
  };
}

export function traceCmdLayout(): Layout {
  const prefix = memo((t) => `${TRACE_CMD_INSTANCE}: ${t.comm.padStart(16)}-${String(t.pid).padEnd(5)} ${cpuColumn(t.cpu)} `);
  return {
    format: 'trace-cmd',
    preamble: () => 'cpus=2\n',
    context: (t, _irq, ts, event) => `${prefix(t)}${seconds(ts, 5)}: ${(event + ':').padEnd(21)} `,
    // trace-cmd captures in shared/traces have no kernel_stack events: none are generated.
    stack: () => '',
    stackEntries: 0,
    pointer: (hex) => (hex === null ? '(nil)' : `0x${hex}`),
    page: (pfn) => `0x${pfn.toString(16)}`,
  };
}

/** perf's name for the idle task is swapper (ftrace/trace-cmd print <idle>). */
const perfComm = (t: Task): string => (t.pid === 0 ? 'swapper' : t.comm);

/** A stable fake kernel text address per symbol, so callchain lines have perf's shape. */
function symbolAddress(sym: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < sym.length; i++) h = Math.imul(h ^ sym.charCodeAt(i), 0x01000193) >>> 0;
  return `ffffffff8${(0x1000000 + (h % 0xe00000)).toString(16).padStart(7, '0')}`;
}

export function perfLayout(callchains: boolean): Layout {
  const plainPrefix = memo((t) => `${perfComm(t).padStart(16)} ${String(t.pid).padStart(5)} ${cpuColumn(t.cpu)} `);
  const chainPrefix = memo((t) => `${perfComm(t)} ${String(t.pid).padStart(5)} ${cpuColumn(t.cpu)} `);
  const eventName = new Map(Object.entries(EVENT_SYSTEM).map(([e, s]) => [e, `${s}:${e}`.padStart(PERF_EVENT_WIDTH)]));
  const frameLine = new Map<string, string>();
  const frame = (sym: string): string => {
    let s = frameLine.get(sym);
    if (s === undefined) {
      const off = (sym.length * 37) % 0x300;
      s = `\t${symbolAddress(sym)} ${sym}+0x${off.toString(16)} ([kernel.kallsyms])\n`;
      frameLine.set(sym, s);
    }
    return s;
  };
  return {
    format: 'perf',
    preamble: () => '',
    context: (t, _irq, ts, event) =>
      `${callchains ? chainPrefix(t) : plainPrefix(t)}${seconds(ts, 5).padStart(12)}: ${eventName.get(event) ?? event}: `,
    // perf -g: one tab-indented frame per line, a blank line ends the sample. perf does not
    // show the tracepoint's own trace_event_raw_event_* frame (it samples at the tracepoint).
    stack: (_t, _irq, _ts, frames) => (callchains ? frames.slice(1).map(frame).join('') + '\n' : ''),
    stackEntries: 0,
    pointer: (hex) => (hex === null ? '(nil)' : `0x${hex}`),
    page: (pfn) => `0x${pfn.toString(16)}`,
  };
}

export function layoutFor(format: Format, stacks: boolean): Layout {
  switch (format) {
    case 'ftrace': return ftraceLayout();
    case 'trace-cmd': return traceCmdLayout();
    case 'perf': return perfLayout(stacks);
  }
}
