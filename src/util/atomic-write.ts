import { randomBytes } from "node:crypto";
import { chmod, lstat, open, readlink, realpath, rename, rm, stat, type FileHandle } from "node:fs/promises";
import { dirname, basename, join, resolve } from "node:path";

/**
 * What an output is made of: the whole text at once, or its chunks in order. Chunks let a large
 * report be written while it is rendered, so that it never exists as one string in memory.
 */
export type OutputData = string | Uint8Array | Iterable<string>;

/**
 * Chunks are gathered up to about this many characters before each write: large enough that a
 * report of hundreds of thousands of one-line results takes a few hundred system calls, small
 * enough that the buffer stays a rounding error next to the report.
 */
const WRITE_BATCH = 1 << 20;

/**
 * Writes `data` to `path` so that readers see either the old file or the whole new one: the data
 * goes to a temporary file in the same directory (same file system, so the rename is atomic),
 * which then replaces the target. On failure — writing, or producing a chunk — the temporary file
 * is removed and the target is left untouched.
 */
export async function writeFileAtomic(path: string, data: OutputData): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    await writeThroughHandle(temporary, "wx", data);
    // The new file keeps the permissions of the one it replaces.
    const mode = await stat(path).then(
      (info) => info.mode & 0o7777,
      () => undefined,
    );
    if (mode !== undefined) await chmod(temporary, mode);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Writes an output the user named, never destroying what the name stands for: a regular file (or a
 * new path) is replaced atomically; a symbolic link is followed and its target written atomically,
 * so the link stays; anything else — a FIFO, a terminal, a device such as `/dev/null` — is written
 * to directly, never replaced by a regular file. A directory is refused.
 */
export async function writeOutputFile(path: string, data: OutputData): Promise<void> {
  const target = await followLinks(path);
  const info = await stat(target).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  if (info === undefined || info.isFile()) return writeFileAtomic(target, data);
  if (info.isDirectory()) throw Object.assign(new Error(`${path} is a directory`), { code: "EISDIR" });
  await writeThroughHandle(target, "w", data);
}

/** Gathers `data` into batches of about `WRITE_BATCH` characters, in order. */
export function* batchOutput(data: OutputData): Generator<string | Uint8Array> {
  if (typeof data === "string" || data instanceof Uint8Array) {
    yield data;
    return;
  }
  let pending: string[] = [];
  let size = 0;
  for (const chunk of data) {
    pending.push(chunk);
    size += chunk.length;
    if (size >= WRITE_BATCH) {
      yield pending.join("");
      pending = [];
      size = 0;
    }
  }
  if (size > 0) yield pending.join("");
}

/**
 * `batchOutput` encoded as UTF-8 as it is gathered, for a file: each chunk is encoded once, into
 * the batch, instead of being joined into a batch string that is then encoded again. Small chunks
 * (a report's lines) are first joined a few thousand characters at a time, which links them
 * rather than copying them: one call per line costs more than the encoding. A chunk too large
 * for a batch goes out on its own.
 */
export function* byteBatches(data: OutputData, pool = new BatchPool()): Generator<string | Uint8Array> {
  if (typeof data === "string" || data instanceof Uint8Array) {
    yield data;
    return;
  }
  let batch = pool.take();
  let used = 0;
  function* encode(text: string): Generator<string | Uint8Array> {
    // No UTF-16 code unit takes more than three bytes of UTF-8.
    const mostBytes = text.length * 3;
    if (used > 0 && used + mostBytes > batch.length) {
      yield batch.subarray(0, used);
      batch = pool.take();
      used = 0;
    }
    if (mostBytes > batch.length) yield text;
    else used += batch.write(text, used);
  }
  let pending = "";
  for (const chunk of data) {
    if (pending.length + chunk.length < ENCODE_GROUP) {
      pending += chunk;
      continue;
    }
    if (pending.length > 0) yield* encode(pending);
    pending = "";
    if (chunk.length < ENCODE_GROUP) pending = chunk;
    else yield* encode(chunk);
  }
  if (pending.length > 0) yield* encode(pending);
  if (used > 0) yield batch.subarray(0, used);
}

/** Up to how many characters of small chunks are joined before they are encoded together. */
const ENCODE_GROUP = 1 << 14;

/**
 * The buffers `byteBatches` encodes into, each filled again once its batch has been written and
 * given back, rather than a new one allocated for each batch: a new buffer's memory is fresh
 * pages, which the system faults in and zeroes one by one as the batch is encoded (a large
 * report is eighty batches). A batch that is not given back is never handed out again.
 */
export class BatchPool {
  private readonly free: Buffer[] = [];
  /**
   * The memory of each buffer handed out and not given back, held weakly: a caller that keeps no
   * batch and gives none back lets each go as before, not all of them until the last is made.
   */
  private readonly lent = new WeakSet<ArrayBufferLike>();

  take(): Buffer {
    // Each buffer has memory of its own (no slice of Node's shared pool), which it is known by.
    const buffer = this.free.pop() ?? Buffer.allocUnsafeSlow(WRITE_BATCH);
    this.lent.add(buffer.buffer);
    return buffer;
  }

  /**
   * Gives back a batch `byteBatches` yielded, once it is written and nothing reads it any more.
   * Anything else (a string, bytes of another origin, a batch given back already) is ignored.
   */
  give(batch: string | Uint8Array): void {
    if (typeof batch === "string" || !this.lent.delete(batch.buffer)) return;
    this.free.push(Buffer.from(batch.buffer, 0, WRITE_BATCH));
  }
}

async function writeThroughHandle(path: string, flags: string, data: OutputData): Promise<void> {
  const handle: FileHandle = await open(path, flags);
  // One batch is written while the next is rendered: the write runs on libuv's threads, and
  // waiting for each before rendering more left the program idle for a tenth of a large run.
  let writing: Promise<void> | undefined;
  const pool = new BatchPool();
  try {
    // Each batch starts once the one before it has finished, so the batches are appended in order,
    // and a batch's buffer is encoded into again once it is written.
    for (const batch of byteBatches(data, pool)) {
      if (writing !== undefined) await writing;
      writing = writeAll(handle, batch).then(() => pool.give(batch));
    }
    if (writing !== undefined) await writing;
  } finally {
    // A rendering error can leave a write running: it settles before the handle closes, and its
    // own failure does not hide the error being raised.
    await writing?.catch(() => undefined);
    await handle.close();
  }
}

/** The path a chain of symbolic links leads to, whether or not the last one exists yet. */
export async function followLinks(path: string): Promise<string> {
  const info = await lstat(path).catch(() => undefined);
  if (info === undefined || !info.isSymbolicLink()) return path;
  try {
    return await realpath(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    // A link to a file that does not exist yet: the file is created where the link points.
    let current = path;
    for (let hops = 0; hops < 40; hops += 1) {
      const link = await lstat(current).catch(() => undefined);
      if (link === undefined || !link.isSymbolicLink()) return current;
      current = resolve(dirname(current), await readlink(current));
    }
    throw Object.assign(new Error(`${path}: too many levels of symbolic links`), { code: "ELOOP" });
  }
}

/**
 * Writes a batch at the handle's current position, in as few system calls as the file takes:
 * one, for a regular file. (`writeFile` on a handle issues one call per 512 KiB, each from the
 * main thread, so a batch made no progress while the next one was being rendered.) A FIFO may
 * take part of it at a time; the rest follows.
 */
async function writeAll(handle: FileHandle, batch: string | Uint8Array): Promise<void> {
  const bytes = typeof batch === "string" ? Buffer.from(batch, "utf8") : batch;
  let written = 0;
  while (written < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, written, bytes.length - written, null);
    if (bytesWritten === 0) throw Object.assign(new Error("the output took no more bytes"), { code: "EIO" });
    written += bytesWritten;
  }
}
