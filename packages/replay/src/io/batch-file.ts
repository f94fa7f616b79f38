/**
 * The record batches of an Arrow IPC file read into two reused buffers, each batch's read
 * overlapping the work on the previous one.
 *
 * Why not Arrow JS's own file reader over a FileHandle: it allocates a fresh ArrayBuffer for
 * every batch body (6 MB each, 618 MB over a 1 GB trace's events.arrow). V8 counts that as
 * external memory and answers it with young-generation collections ("external memory
 * pressure": 31 of 47 scavenges of a 1 GB replay, ~6 % of its CPU), although the replay
 * keeps nothing of a batch. Here each batch's bytes (metadata and body, one read) land in
 * one of two buffers allocated once, and Arrow's synchronous file reader decodes the batch
 * as views on them: no copy, no allocation per batch beyond Arrow's small objects.
 *
 * The price is a shorter life: a batch and its arrays are valid only until the callback
 * returns (the buffer is then refilled). The footer, schema and dictionaries are read into
 * buffers of their own (dictionaries outlive every batch).
 */
import { RecordBatchFileReader, RecordBatchReader, Table, tableToIPC, type RecordBatch } from 'apache-arrow';
import { RandomAccessFile } from 'apache-arrow/io/file';
import { readExactlyAt } from '@pagetrace/ingest';
import { closeSync, fstatSync, openSync, read } from 'node:fs';

/** Bytes [start, start + bytes.length) of the file, already read. */
interface Region { start: number; bytes: Uint8Array }

/**
 * A RandomAccessFile (what Arrow's sync file reader reads through) over a file descriptor:
 * reads inside the current batch's region are views on the prefetched buffer, any other
 * read (footer, schema, dictionaries) is a synchronous read into a buffer of its own.
 */
class RegionFile extends RandomAccessFile {
  region: Region | null = null;

  constructor(private readonly fd: number, size: number) {
    super(new Uint8Array(0), size);
  }

  override readAt(position: number, nBytes: number): Uint8Array {
    return this.bytes(position, Math.max(0, Math.min(this.size, position + nBytes) - position));
  }

  override read(nBytes?: number | null): Uint8Array | null {
    const { size, position } = this;
    if (position >= size) return null;
    const n = Math.min(size - position, typeof nBytes === 'number' ? nBytes : Number.POSITIVE_INFINITY);
    this.position = position + n;
    return this.bytes(position, n);
  }

  override close(): void { /* the descriptor is closed by forEachBatch */ }

  private bytes(position: number, n: number): Uint8Array {
    const r = this.region;
    if (r !== null && position >= r.start && position + n <= r.start + r.bytes.length) {
      return r.bytes.subarray(position - r.start, position - r.start + n);
    }
    const out = new Uint8Array(n);
    readExactlyAt(this.fd, out, position);
    return out;
  }
}

/** An asynchronous read of out.length bytes at position (the libuv thread pool). */
function readAsync(fd: number, out: Uint8Array, position: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const step = (off: number): void => {
      if (off >= out.length) { resolve(); return; }
      read(fd, out, off, out.length - off, position + off, (err, got) => {
        if (err !== null) reject(err);
        else if (got === 0) reject(new Error(`unexpected end of file at byte ${position + off}`));
        else step(off + got);
      });
    };
    step(0);
  });
}

type ReaderImpl = new (file: RandomAccessFile) => object;

let fileReaderImpl: ReaderImpl | null | undefined;

/**
 * Arrow JS's synchronous file-reader implementation: the class behind RecordBatchReader.from
 * for an in-memory IPC file, which is not exported by name. Taken from a reader of an empty
 * file once; RecordBatchFileReader (exported) wraps an instance over our RegionFile. Null
 * when this Arrow version has no such thing (the caller then reads another way).
 */
function syncFileReaderImpl(): ReaderImpl | null {
  if (fileReaderImpl === undefined) {
    const probe = RecordBatchReader.from(tableToIPC(new Table(), 'file')) as unknown as { _impl?: { constructor: ReaderImpl; isFile?(): boolean; isSync?(): boolean } };
    const impl = probe._impl;
    fileReaderImpl = impl !== undefined && impl.isFile?.() === true && impl.isSync?.() === true ? impl.constructor : null;
  }
  return fileReaderImpl;
}

/** True when the file starts with the Arrow IPC file magic ("ARROW1"). */
function isArrowFile(fd: number, size: number): boolean {
  if (size < 12) return false;
  const head = new Uint8Array(6);
  readExactlyAt(fd, head, 0);
  return String.fromCharCode(...head) === 'ARROW1';
}

/**
 * Call fn on every record batch of the Arrow IPC file at path, in order, reading batch k+1
 * while fn works on batch k. The batch is valid only during fn (its buffers are reused).
 * newBuffer makes the two buffers (the replay's are in its core's memory, where the core
 * reads the columns in place).
 * Returns false, having read nothing, when the file is not in the IPC file format or this
 * Arrow version has no synchronous file reader (the caller reads it another way).
 */
export async function forEachBatchReusing(path: string, fn: (batch: RecordBatch) => void, newBuffer: (bytes: number) => Uint8Array = (bytes) => new Uint8Array(bytes)): Promise<boolean> {
  const fd = openSync(path, 'r');
  let inFlight: Promise<void> | null = null;
  try {
    const size = fstatSync(fd).size;
    const Impl = syncFileReaderImpl();
    if (Impl === null || !isArrowFile(fd, size)) return false;
    const file = new RegionFile(fd, size);
    const reader = new RecordBatchFileReader(new Impl(file) as never);
    reader.open();
    const footer = reader.footer;
    if (footer === null) throw new Error('no footer');
    const buffers: Uint8Array[] = [new Uint8Array(0), new Uint8Array(0)];
    const regionOf = (k: number): Region | null => {
      const block = footer.getRecordBatch(k);
      if (block === null) return null;
      const length = block.metaDataLength + block.bodyLength;
      const slot = k & 1;
      if ((buffers[slot] as Uint8Array).length < length) buffers[slot] = newBuffer(length);
      return { start: block.offset, bytes: (buffers[slot] as Uint8Array).subarray(0, length) };
    };
    const n = footer.numRecordBatches;
    let next = regionOf(0);
    if (next !== null) inFlight = readAsync(fd, next.bytes, next.start);
    for (let k = 0; k < n; k++) {
      const current = next;
      await inFlight;
      inFlight = null;
      // Batch k+1 goes to the other buffer (batch k-1's, done with) while fn runs on batch k.
      next = k + 1 < n ? regionOf(k + 1) : null;
      if (next !== null) inFlight = readAsync(fd, next.bytes, next.start);
      file.region = current;
      const batch = reader.readRecordBatch(k);
      if (batch === null) throw new Error(`record batch ${k} is unreadable`);
      fn(batch);
      file.region = null;
    }
    return true;
  } finally {
    // A read in flight must finish before its descriptor is closed (and must not become an
    // unhandled rejection: the first error wins).
    if (inFlight !== null) await inFlight.catch(() => undefined);
    closeSync(fd);
  }
}
