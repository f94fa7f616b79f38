/** The line reader: the parser's per-line loops that run for every event line (src/wasm/line-reader.ts loads it). */
export { layout } from './memory';
export { readContext } from './context';
export { readInPrintOrder } from './print-order';
export { dictReset, intern } from './dict';
