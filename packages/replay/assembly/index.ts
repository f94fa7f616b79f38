export { alloc } from './heap';
export { fieldOffset } from './record';
export { addHolderChunk, holderClear, holderEntry, holderPop, holderPush, holderSpare } from './holders';
export { pinClear, pinEntry, pinLength, pinPopTs, pinPush } from './pins';
export { createPage, deviceCount, devicesAt, indexAdd, indexGet, pageCount, recordAddress, setChunkShift } from './pages';
export { blockLayout, block } from './block';
export { columnTable, fill } from './fill';
export {
  lineAt, lineSigned, tsAt, tsSigned, cpuAt, cpuShift, pidAt, commAt, eventAt, opsAt, opsLength, flagBitsAt,
  flagBitsLength, mapcountRaw, hasRefEvents, pageRefEvents, coreEvents, stopRow, pendingTs, windowNs, pendingAt, pendingCount, newBlock, run,
} from './core';
