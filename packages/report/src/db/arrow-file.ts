/**
 * An Arrow IPC file whose column buffers are read from disk only when a query first needs them.
 *
 * A query reads a few of the 21 event columns (the report's events-only phase: 5 of them,
 * a third of a 600 MB events.arrow), yet reading the whole file costs ~0.5 s on 1 GB of trace.
 * So the file gets a zero-filled buffer of its full size that mirrors it byte for byte: first
 * only the small parts are read into it (the magic, the footer, the dictionary batches and
 * each record batch's metadata, found through the footer's blocks as replay's batch reader
 * finds them), and apache-arrow parses that into a Table whose column
 * buffers are views of the still-empty body regions. `loadBatch(batch, columns)` then reads exactly the
 * regions of those views from the file. Untouched pages of a zero-filled allocation are never
 * backed by memory, so columns nobody asks for cost neither time nor RSS.
 *
 * If apache-arrow ever copies a buffer instead of viewing it (it does so e.g. for misaligned or
 * compressed bodies), a lazy fill could not reach the copy: such a file is read whole instead.
 */
import { tableFromIPC, type Data, type Table } from 'apache-arrow';
import { Footer } from 'apache-arrow/ipc/metadata/file';
import { readExactlyAt } from '@pagetrace/ingest';
import { closeSync, fstatSync, openSync } from 'node:fs';
import type { LoadBatchColumns } from './arrow-scan.js';

export interface LazyArrowFile {
  readonly table: Table;
  /** Reads the buffers of these columns (indices into the schema) of one record batch, unless already read. */
  loadBatch: LoadBatchColumns;
  close(): void;
}

const MAGIC_BYTES = 8; // "ARROW1" + 2 bytes of padding
const FOOTER_TAIL = 10; // int32 footer length + "ARROW1"

export function openArrowFileLazily(path: string): LazyArrowFile {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const file = Buffer.alloc(size);
    const read = (start: number, length: number): void => readExactlyAt(fd, file.subarray(start, start + length), start);
    read(0, Math.min(size, MAGIC_BYTES));
    readAllButRecordBatchBodies(file, size, read);
    const table = tableFromIPC(file);
    if (!allBuffersViewInto(table, file)) {
      read(0, size);
      closeSync(fd);
      return { table: tableFromIPC(file), loadBatch: () => undefined, close: () => undefined };
    }
    // loaded[column][batch] = 1 once read
    const loaded = table.schema.fields.map(() => new Uint8Array(table.batches.length));
    const loadBatch = (batch: number, columns: readonly number[]): void => {
      for (const column of columns) {
        const flags = loaded[column];
        if (!flags || flags[batch] === undefined || flags[batch]) continue;
        for (const data of table.batches[batch]?.getChildAt(column)?.data ?? []) forEachBuffer(data, (view) => read(view.byteOffset - file.byteOffset, view.byteLength));
        flags[batch] = 1;
      }
    };
    return {
      table,
      loadBatch,
      close: () => closeSync(fd),
    };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/**
 * The footer, then through its blocks every dictionary batch and each record batch's metadata
 * (schema and dictionaries are small and parsed eagerly; the schema is the footer's own).
 * A footer or block that does not fit the file is left unread: apache-arrow then reports it.
 */
function readAllButRecordBatchBodies(file: Buffer, size: number, read: (start: number, length: number) => void): void {
  if (size < MAGIC_BYTES + FOOTER_TAIL) return;
  read(size - FOOTER_TAIL, FOOTER_TAIL);
  const footerLength = file.readInt32LE(size - FOOTER_TAIL);
  if (footerLength <= 0 || footerLength > size - FOOTER_TAIL - MAGIC_BYTES) return;
  const footerStart = size - FOOTER_TAIL - footerLength;
  read(footerStart, footerLength);
  let footer: Footer;
  try {
    footer = Footer.decode(file.subarray(footerStart, footerStart + footerLength));
  } catch {
    return;
  }
  const readBlock = (offset: number, length: number): void => { if (offset >= 0 && length > 0 && offset + length <= footerStart) read(offset, length); };
  for (const b of footer.dictionaryBatches()) readBlock(b.offset, b.metaDataLength + b.bodyLength);
  for (const b of footer.recordBatches()) readBlock(b.offset, b.metaDataLength);
}

function forEachBuffer(data: Data, visit: (view: ArrayBufferView) => void): void {
  for (const view of [data.valueOffsets, data.values, data.nullBitmap, data.typeIds] as (ArrayBufferView | undefined)[]) {
    if (view && view.byteLength > 0) visit(view);
  }
  for (const child of data.children) forEachBuffer(child, visit);
}

function allBuffersViewInto(table: Table, file: Buffer): boolean {
  let views = true;
  for (const batch of table.batches) {
    for (let c = 0; c < batch.numCols; c++) {
      for (const data of batch.getChildAt(c)?.data ?? []) forEachBuffer(data, (view) => { if (view.buffer !== file.buffer) views = false; });
    }
  }
  return views;
}
