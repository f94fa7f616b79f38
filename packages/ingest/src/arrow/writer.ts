/** Streams RecordBatches into an Arrow IPC file on disk (used inside writeAtomically). */
import { createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RecordBatchFileWriter, type RecordBatch } from 'apache-arrow';

export class IpcFileSink {
  private readonly writer = new RecordBatchFileWriter();
  private readonly done: Promise<void>;
  batches = 0;

  constructor(path: string) {
    this.done = pipeline(this.writer.toNodeStream(), inBlocks(), createWriteStream(path));
  }

  write(batch: RecordBatch): void {
    this.writer.write(batch);
    this.batches++;
  }

  async close(): Promise<void> {
    await this.writer.close();
    await this.done;
  }
}

/** Bytes per write to the file: the writer emits a few small pieces per column of every batch. */
const WRITE_BLOCK = 1 << 20;

/**
 * The writer's pieces joined into blocks of at least WRITE_BLOCK bytes (same bytes, same
 * order): one file write per block instead of one per piece (~70 per batch), each of which
 * costs a request, a threadpool hop and a callback.
 */
function inBlocks(): Transform {
  let held: Uint8Array[] = [];
  let size = 0;
  const release = (t: Transform): void => {
    if (size === 0) return;
    t.push(Buffer.concat(held, size));
    held = [];
    size = 0;
  };
  return new Transform({
    transform(piece: Uint8Array, _encoding, done) {
      held.push(piece);
      size += piece.byteLength;
      if (size >= WRITE_BLOCK) release(this);
      done();
    },
    flush(done) {
      release(this);
      done();
    },
  });
}

export async function writeIpcFile(path: string, batches: Iterable<RecordBatch>): Promise<void> {
  const sink = new IpcFileSink(path);
  for (const b of batches) sink.write(b);
  await sink.close();
}
