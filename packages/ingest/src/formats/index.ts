import type { Frontend } from '../meta-types.js';
import { ftrace } from './ftrace.js';
import { perfScript } from './perf-script.js';
import { traceCmd } from './trace-cmd.js';
import type { FrontendModule } from './types.js';

/** Line-oriented front-ends in sniffing order (trace-cmd before ftrace: same context, more tell-tales). */
export const LINE_FRONTENDS: readonly FrontendModule[] = [traceCmd, perfScript, ftrace];

export function lineFrontend(f: Frontend): FrontendModule {
  const m = LINE_FRONTENDS.find((x) => x.frontend === f);
  if (m === undefined) throw new Error(`no line tokenizer for ${f}`);
  return m;
}
