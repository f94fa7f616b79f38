/** Streams RecordBatches into an Arrow IPC file on disk (used inside writeAtomically). */
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { RecordBatchFileWriter, type RecordBatch } from 'apache-arrow';

export class IpcFileSink {
  private readonly writer = new RecordBatchFileWriter();
  private readonly done: Promise<void>;
  batches = 0;

  constructor(path: string) {
    this.done = pipeline(this.writer.toNodeStream(), createWriteStream(path));
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

export async function writeIpcFile(path: string, batches: Iterable<RecordBatch>): Promise<void> {
  const sink = new IpcFileSink(path);
  for (const b of batches) sink.write(b);
  await sink.close();
}
