/**
 * Outstanding FOLL_PIN pins per page, oldest first: 8 f64 per pin (line, row, pid,
 * commIndex, val, stackId, ts, spare), in an array of the page's own in this memory, whose
 * address, capacity and length are in the page record. Pins are rare (a page of a pinned
 * buffer holds a few), so an array starts at 4 pins and doubles; an outgrown array is not
 * reused (the pins of a replay take at most twice their peak). Unpins take the newest.
 */
import { alloc, heapRoom } from './heap';
import * as R from './record';

const PIN_BYTES: usize = 64;
const FIRST_CAPACITY: i32 = 4;

/** Address of pin k (0 = oldest) of the page at rec. */
export function pinEntry(rec: usize, k: i32): i32 {
  return load<i32>(rec + R.I_PIN_LIST) + k * <i32>PIN_BYTES;
}

export function pinLength(rec: usize): i32 { return load<i32>(rec + R.I_PIN_LENGTH); }

/** pinPush would succeed: the array has room or can grow (run() leaves the others to JS, which reports the lack of memory). */
export function pinRoom(rec: usize): bool {
  const capacity = load<i32>(rec + R.I_PIN_CAPACITY);
  return load<i32>(rec + R.I_PIN_LENGTH) < capacity || heapRoom((capacity == 0 ? FIRST_CAPACITY : capacity * 2) * <i32>PIN_BYTES);
}

/** Record a pin of the page at rec; false when out of memory. */
export function pinPush(rec: usize, line: f64, row: f64, pid: f64, commIndex: f64, val: f64, stackId: f64, ts: f64): bool {
  const length = load<i32>(rec + R.I_PIN_LENGTH);
  const capacity = load<i32>(rec + R.I_PIN_CAPACITY);
  if (length == capacity) {
    const grown = capacity == 0 ? FIRST_CAPACITY : capacity * 2;
    const at = alloc(grown * <i32>PIN_BYTES);
    if (at == 0) return false;
    if (length > 0) memory.copy(<usize>at, <usize>load<i32>(rec + R.I_PIN_LIST), <usize>length * PIN_BYTES);
    store<i32>(rec + R.I_PIN_LIST, at);
    store<i32>(rec + R.I_PIN_CAPACITY, grown);
  }
  const p = <usize>load<i32>(rec + R.I_PIN_LIST) + <usize>length * PIN_BYTES;
  store<f64>(p, line); store<f64>(p, row, 8); store<f64>(p, pid, 16); store<f64>(p, commIndex, 24);
  store<f64>(p, val, 32); store<f64>(p, stackId, 40); store<f64>(p, ts, 48);
  store<i32>(rec + R.I_PIN_LENGTH, length + 1);
  return true;
}

/** Forget the page's newest pin (an unpin) and return when it was taken; NaN when it had none. */
export function pinPopTs(rec: usize): f64 {
  const length = load<i32>(rec + R.I_PIN_LENGTH);
  if (length == 0) return NaN;
  store<i32>(rec + R.I_PIN_LENGTH, length - 1);
  return load<f64>(<usize>load<i32>(rec + R.I_PIN_LIST) + <usize>(length - 1) * PIN_BYTES, 48);
}

/** Forget the page's pins (a new life); the array stays for its next ones. */
export function pinClear(rec: usize): void { store<i32>(rec + R.I_PIN_LENGTH, 0); }
