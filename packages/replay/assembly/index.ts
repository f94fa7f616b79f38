export { alloc } from './heap';
export { fieldOffset } from './record';
export { addHolderChunk, holderSpare, holderClear, holderEntry, holderPop, holderPush } from './holders';
export {
  addRecordChunk, blockLayout, chunkShift, block, lineAt, lineSigned, tsAt, tsSigned, cpuAt, cpuShift, pidAt, commAt, eventAt,
  opsAt, opsLength, flagBitsAt, flagBitsLength, indexAt, indexShift, indexMask, mapcountRaw, hasRefEvents, pageRefEvents, coreEvents, newBlock, recordAddress, run,
} from './core';
