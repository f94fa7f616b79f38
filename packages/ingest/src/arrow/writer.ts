/** Streams RecordBatches into an Arrow IPC file on disk (used inside writeAtomically). */
import { open, type FileHandle } from 'node:fs/promises';
import { AsyncByteQueue, RecordBatchFileWriter, Table, type RecordBatch } from 'apache-arrow';

/** Bytes per write to the file: the writer emits a few small pieces per column of every batch. */
const WRITE_BLOCK = 1 << 20;
/** Blocks waiting for the file (one being written, the rest queued) before `drain` makes callers wait (backpressure). */
const MAX_IN_FLIGHT = 8;
/**
 * Bytes written between two early writebacks (see BlockWriter.startWriteback). The page cache
 * holds a large table's pages dirty until something flushes them (the kernel's background
 * writeback starts at 10 % of memory or after 30 s), so without this the fsync of
 * writeAtomically found all of events.arrow still to write: 618 MB of a 1 GB trace, ≈ 0.25 s
 * in which ingest only waited.
 */
const WRITEBACK_EVERY = 64 << 20;

/**
 * An Arrow IPC file written block by block. Arrow's writer hands its pieces (≈ 70 per batch:
 * message headers, each column's buffers, padding) to this sink, which copies them at once
 * into 1 MiB blocks: so when `write(batch)` returns, nothing of the batch is referenced any
 * more, and its column memory may be filled again for the next batch (ColumnMemory.reused).
 * Blocks go to the file with one positioned write each, one at a time, on the thread pool,
 * and are reused once written. Same bytes, same order as Arrow's own stream, except that a
 * long piece of zeros (the values of a column null on every row of a batch) is left as a hole
 * the file reads back as zeros (see HOLE_MIN).
 */
export class IpcFileSink {
  private readonly writer = new RecordBatchFileWriter();
  private readonly blocks: BlockWriter;
  /** Record batches written so far. */
  batches = 0;

  /** writebackEvery: bytes between early writebacks (tests make it small). */
  constructor(path: string, writebackEvery = WRITEBACK_EVERY) {
    this.blocks = new BlockWriter(path, writebackEvery);
    this.writer.reset(new CopyingQueue(this.blocks));
  }

  /** Serializes the batch (or every batch of a table) now; its buffers are free again when this returns. */
  write(batch: RecordBatch | Table): void {
    this.writer.write(batch);
    this.batches += batch instanceof Table ? batch.batches.length : 1;
  }

  /** Resolves when the blocks waiting for the file are few again (call between batches). */
  async drain(): Promise<void> {
    await this.blocks.drain(MAX_IN_FLIGHT);
  }

  /** Zero bytes left as holes in the file so far (see HOLE_MIN). */
  get holeBytes(): number { return this.blocks.holeBytes; }

  async close(): Promise<void> {
    // Arrow's close writes the footer into the sink, then closes the sink (the last block).
    await this.writer.close();
    await this.blocks.close();
  }
}

/** Arrow's byte sink, replaced by one that copies every piece into the block writer as it comes. */
class CopyingQueue extends AsyncByteQueue {
  private ended = false;

  constructor(private readonly blocks: BlockWriter) { super(); }

  override write(value: ArrayBufferView | ArrayBuffer | string): void {
    if (this.ended) throw new Error('IPC file sink is closed');
    if (typeof value === 'string') value = Buffer.from(value, 'utf8');
    const bytes = value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    if (bytes.byteLength >= HOLE_MIN && isAllZero(bytes)) this.blocks.skip(bytes.byteLength);
    else if (bytes.byteLength > 0) this.blocks.append(bytes);
  }

  override close(): void {
    this.ended = true;
    this.blocks.flush();
    super.close();
  }
}

/**
 * Appends bytes to a file through a few reused 1 MiB blocks, one positioned write per block,
 * one write at a time: concurrent writes to one file queue on its inode lock in the kernel,
 * and the waiting threads spin (ext4: 2.3 % of an ingest's CPU samples with writes in
 * parallel, none in sequence).
 */
class BlockWriter {
  private readonly file: Promise<FileHandle>;
  private block: Uint8Array;
  private used = 0;
  private position = 0;
  private readonly spare: Uint8Array[] = [];
  /** Blocks given to the file and not yet written, oldest first (they complete in this order). */
  private readonly queued: Promise<void>[] = [];
  /** The write of the block before: each block's write starts when it is done (never rejects). */
  private lastWrite: Promise<void> = Promise.resolve();
  private failure: Error | null = null;
  /** Bytes written since the last early writeback started. */
  private unsynced = 0;
  /** The early writeback running, if any (never rejects). */
  private writeback: Promise<void> | null = null;

  constructor(path: string, private readonly writebackEvery: number) {
    this.file = open(path, 'w');
    // An open error surfaces at drain/close; never as an unhandled rejection meanwhile.
    this.file.catch((e: Error) => { this.failure ??= e; });
    this.block = new Uint8Array(WRITE_BLOCK);
  }

  append(bytes: Uint8Array): void {
    let from = 0;
    while (from < bytes.byteLength) {
      const n = Math.min(bytes.byteLength - from, this.block.byteLength - this.used);
      this.block.set(n === bytes.byteLength ? bytes : bytes.subarray(from, from + n), this.used);
      this.used += n;
      from += n;
      if (this.used === this.block.byteLength) this.flush();
    }
  }

  /** Bytes left as holes (read back as zeros) instead of written. */
  holeBytes = 0;

  /**
   * n zero bytes, left as a hole: the current block goes to the file and the next one starts n
   * bytes further on. The file reads the gap back as zeros once later bytes give it its length
   * (an Arrow file always ends with its footer, never with a hole).
   */
  skip(n: number): void {
    this.flush();
    this.position += n;
    this.holeBytes += n;
  }

  /** The current block goes to the file (if it holds anything). */
  flush(): void {
    if (this.used === 0) return;
    const block = this.block;
    const length = this.used;
    const at = this.position;
    this.position += length;
    this.block = this.spare.pop() ?? new Uint8Array(WRITE_BLOCK);
    this.used = 0;
    const done: Promise<void> = this.lastWrite
      .then(() => this.file)
      .then((f) => writeFully(f, block, length, at).then(() => this.wrote(f, length)))
      .then(() => { this.spare.push(block); }, (e: Error) => { this.failure ??= e; })
      .finally(() => { this.queued.shift(); });
    this.queued.push(done);
    this.lastWrite = done;
  }

  /** After each block: every writebackEvery bytes, start flushing what is written so far. */
  private wrote(f: FileHandle, bytes: number): void {
    this.unsynced += bytes;
    if (this.unsynced >= this.writebackEvery && this.writeback === null) {
      this.unsynced = 0;
      this.startWriteback(f);
    }
  }

  /**
   * fdatasync on the thread pool, beside the writes (they go on: it only makes the kernel
   * write the dirty pages now, while ingest still parses, instead of in the final fsync).
   * Not a durability point: writeAtomically's fsync still is.
   */
  private startWriteback(f: FileHandle): void {
    this.writeback = f.datasync().then(
      () => { this.writeback = null; },
      (e: Error) => { this.failure ??= e; this.writeback = null; },
    );
  }

  async drain(max: number): Promise<void> {
    while (this.queued.length > max) await this.queued[0];
    if (this.failure !== null) throw this.failure;
  }

  /** Every block written and the file closed (also after a failure), then the first failure thrown. */
  async close(): Promise<void> {
    this.flush();
    await this.lastWrite;
    if (this.writeback !== null) await this.writeback;
    const f = await this.file.catch(() => null);
    await f?.close();
    if (this.failure !== null) throw this.failure;
  }
}

/**
 * Pieces of zeros at least this long become holes in the file instead of written bytes. A
 * column null on every row of a batch (pfn_end, ofs, args, gfp... on most batches of a
 * page_ref trace) is all zero bytes: 144 MB of the 1 GB bench trace's 618 MB events.arrow.
 * Not writing them took ingest from 1.8-2.0 to 0.6-1.0 CPU-s of system time on the bench VM
 * (interleaved runs with and without holes; the kernel's page-cache copy fell from ≈ 4 % to
 * ≈ 0.5 % of the samples). Readers see the same bytes (replay reads whole batches no slower),
 * and the run directory takes less disk. 64 KiB: a hole saves whole 4 KiB pages only, and
 * shorter runs of zeros are padding and validity bitmaps.
 */
const HOLE_MIN = 64 << 10;
const ZEROS = Buffer.alloc(WRITE_BLOCK);

/** Every byte is 0 (a native compare against zeros, block by block: stops at the first other byte). */
function isAllZero(bytes: Uint8Array): boolean {
  for (let at = 0; at < bytes.byteLength; at += ZEROS.byteLength) {
    const n = Math.min(ZEROS.byteLength, bytes.byteLength - at);
    if (Buffer.compare(bytes.subarray(at, at + n), ZEROS.subarray(0, n)) !== 0) return false;
  }
  return true;
}

/** A positioned write of block[0, length), repeated until every byte is written. */
async function writeFully(f: FileHandle, block: Uint8Array, length: number, at: number): Promise<void> {
  let done = 0;
  while (done < length) {
    const { bytesWritten } = await f.write(block, done, length - done, at + done);
    done += bytesWritten;
  }
}

/**
 * An Arrow IPC file of these batches, or of a table (whose schema is written even when it has
 * no batch: a table without rows still makes a readable file). Use inside writeAtomically.
 */
export async function writeIpcFile(path: string, batches: Iterable<RecordBatch> | Table): Promise<void> {
  const sink = new IpcFileSink(path);
  if (batches instanceof Table) {
    sink.write(batches);
  } else {
    for (const b of batches) {
      sink.write(b);
      await sink.drain();
    }
  }
  await sink.close();
}
