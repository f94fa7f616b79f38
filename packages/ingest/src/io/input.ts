/**
 * Opening the input: a path or '-' (stdin), plain, gzip or zstd (told apart by magic bytes,
 * never by name), read in large chunks and decompressed as a stream. The raw bytes are
 * hashed (sha256) and counted for progress as they pass.
 */
import { createHash } from 'node:crypto';
import { close as closeFd, createReadStream, open as openFd, read as readFd } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Decompress } from 'fzstd';
import { PagetraceError } from '../errors.js';

export type Compression = 'none' | 'gzip' | 'zstd';

export interface InputSource {
  /** As given ('-' for stdin). */
  path: string;
  /** Name used in messages. */
  display: string;
  /** Size of the raw input in bytes when known (regular files). */
  size: number | null;
  /** stdin or a FIFO: data arrives over time. */
  live: boolean;
  compression: Compression;
  bytesRead: number;
  /** Decompressed bytes in chunks, in order. */
  chunks: AsyncIterator<Uint8Array>;
  /** Hex sha256 of the raw bytes (complete once `chunks` is exhausted). */
  sha256(): string;
  /**
   * Regular uncompressed files: read the next bytes straight into `target` (hashed and
   * counted like `chunks`); 0 at the end. Saves a buffer and a copy per read. Only once no
   * `chunks.next()` is pending. null for other inputs.
   */
  readInto: ((target: Uint8Array) => Promise<number>) | null;
  /** Release the file (idempotent; also done at the end of the input). */
  close(): void;
}

const READ_CHUNK = 1 << 20;

export async function openInput(path: string): Promise<InputSource> {
  const display = path === '-' ? '<stdin>' : path;
  let size: number | null = null;
  let live = path === '-';
  let raw: AsyncIterable<Buffer>;
  let file: RegularFile | null = null;
  if (path === '-') {
    raw = process.stdin;
  } else {
    const st = await stat(path).catch((e: NodeJS.ErrnoException) => { throw fileError(path, e); });
    if (st.isDirectory()) throw new PagetraceError('is a directory, not a trace file', { file: path });
    live = st.isFIFO();
    if (st.isFile()) {
      size = st.size;
      file = await RegularFile.open(path);
      raw = file.chunks();
    } else {
      raw = createReadStream(path, { highWaterMark: READ_CHUNK });
    }
  }
  const hash = createHash('sha256');
  const src: InputSource = {
    path, display, size, live, compression: 'none', bytesRead: 0, chunks: undefined as never,
    sha256: () => hash.copy().digest('hex'), readInto: null, close: () => file?.close(),
  };
  const counted = countAndHash(raw, src, hash, path);
  const it = counted[Symbol.asyncIterator]();
  const first = await it.next();
  const head = first.done ? Buffer.alloc(0) : first.value;
  src.compression = compressionOf(head);
  const rest = prepend(head, it);
  src.chunks = (src.compression === 'none' ? rest : decompress(rest, src.compression, display))[Symbol.asyncIterator]();
  if (file !== null && src.compression === 'none') {
    const f = file;
    src.readInto = async (target) => {
      const n = await f.read(target).catch((e: NodeJS.ErrnoException) => { throw fileError(path, e); });
      if (n > 0) {
        hash.update(target.subarray(0, n));
        src.bytesRead += n;
      }
      return n;
    };
  }
  return src;
}

/** A regular file read at an advancing position, into fresh buffers (`chunks`) or the caller's (`read`). */
class RegularFile {
  private pos = 0;
  private closed = false;

  private constructor(private readonly fd: number) {}

  static open(path: string): Promise<RegularFile> {
    return new Promise((resolve, reject) => openFd(path, 'r', (e, fd) => (e ? reject(fileError(path, e)) : resolve(new RegularFile(fd)))));
  }

  /** Bytes read into target (0 at the end of the file, which also closes it). */
  read(target: Uint8Array): Promise<number> {
    if (this.closed) return Promise.resolve(0);
    return new Promise((resolve, reject) => readFd(this.fd, target, 0, target.length, this.pos, (e, n) => {
      if (e) { this.close(); reject(e); return; }
      this.pos += n;
      if (n === 0) this.close();
      resolve(n);
    }));
  }

  async* chunks(): AsyncGenerator<Buffer> {
    for (;;) {
      const b = Buffer.allocUnsafeSlow(READ_CHUNK);
      const n = await this.read(b);
      if (n === 0) return;
      yield n === b.length ? b : b.subarray(0, n);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeFd(this.fd, () => {});
  }
}

function fileError(path: string, e: NodeJS.ErrnoException): PagetraceError {
  const why = e.code === 'ENOENT' ? 'no such file'
    : e.code === 'EACCES' || e.code === 'EPERM' ? 'permission denied'
      : e.code === 'EISDIR' ? 'is a directory, not a trace file'
        : `cannot read (${e.code ?? e.message})`;
  return new PagetraceError(why, { file: path });
}

async function* countAndHash(raw: AsyncIterable<Buffer>, src: InputSource, hash: ReturnType<typeof createHash>, path: string): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of raw) {
      hash.update(chunk);
      src.bytesRead += chunk.length;
      yield chunk;
    }
  } catch (e) {
    throw fileError(path, e as NodeJS.ErrnoException);
  }
}

async function* prepend(head: Buffer, it: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  if (head.length > 0) yield head;
  for (;;) {
    const n = await it.next();
    if (n.done) return;
    yield n.value;
  }
}

export function compressionOf(head: Uint8Array): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return 'none';
}

async function* decompress(raw: AsyncIterable<Buffer>, kind: Compression, display: string): AsyncGenerator<Uint8Array> {
  const corrupt = (e: unknown): PagetraceError =>
    e instanceof PagetraceError ? e : new PagetraceError(`corrupt ${kind} data (${(e as Error).message})`, { file: display });
  if (kind === 'gzip') {
    const gz = createGunzip({ chunkSize: READ_CHUNK });
    const src = Readable.from(raw);
    src.on('error', (e) => gz.destroy(e));
    src.pipe(gz);
    try {
      for await (const c of gz) yield c as Buffer;
    } catch (e) { throw corrupt(e); }
    return;
  }
  // zstd: Node 20's zlib has none; fzstd streams it.
  let out: Uint8Array[] = [];
  const z = new Decompress((data) => { out.push(data.slice()); });
  try {
    for await (const c of raw) {
      z.push(c);
      if (out.length > 0) { const o = out; out = []; yield* o; }
    }
    z.push(new Uint8Array(0), true);
  } catch (e) { throw corrupt(e); }
  yield* out;
}
