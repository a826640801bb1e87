import { open, readFile, stat } from "node:fs/promises";

/**
 * Every input file — templates, plans, snapshots, rules, configuration, baselines — is decoded
 * here, so that all of them accept the same encodings and refuse the same way. Editors and shells
 * write UTF-8 (with or without a byte-order mark) and, on Windows, UTF-16 with a byte-order mark:
 * PowerShell's `>` writes UTF-16 LE with one. Anything else is refused rather than guessed at, so
 * that a file is never read as something it is not.
 */

/** The start of every refusal, so that reports and tests can recognise it. */
export const NOT_TEXT = "not UTF-8 or UTF-16 text";

/** The file's bytes are not text this tool reads; the message says why, in one line. */
export class NotTextError extends Error {}

const ZIP_SIGNATURE = [0x50, 0x4b, 0x03, 0x04];

/** Whether the bytes start like a zip archive (a binary Terraform plan is one). */
export function isZip(bytes: Uint8Array): boolean {
  return ZIP_SIGNATURE.every((byte, index) => bytes[index] === byte);
}

export function decodeText(bytes: Uint8Array): string {
  const encoding =
    bytes[0] === 0xff && bytes[1] === 0xfe
      ? "utf-16le"
      : bytes[0] === 0xfe && bytes[1] === 0xff
        ? "utf-16be"
        : "utf-8";
  // Without a byte-order mark, a NUL byte means UTF-16 (every ASCII character has one) or binary
  // data: UTF-8 text has none.
  if (encoding === "utf-8" && bytes.includes(0))
    throw new NotTextError(
      `${NOT_TEXT} (it holds NUL bytes: binary data, or UTF-16 without a byte-order mark)`,
    );
  let text: string;
  try {
    // The decoder drops the byte-order mark of its own encoding. (Decoding ASCII as Latin-1, a
    // plain copy, is no cheaper in the end: Node makes a string over about 1 MB from a buffer an
    // external one, held outside V8's heap until a full collection, which added the file's size
    // to the peak memory of a large snapshot check.)
    text = new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    throw new NotTextError(
      encoding === "utf-8"
        ? `${NOT_TEXT} (invalid UTF-8)`
        : `${NOT_TEXT} (invalid ${encoding.toUpperCase()})`,
    );
  }
  if (encoding !== "utf-8" && text.includes("\u0000"))
    throw new NotTextError(`${NOT_TEXT} (it holds NUL characters: binary data)`);
  return text;
}

/** Reads and decodes a file. File-system errors are thrown as they are; undecodable bytes as `NotTextError`. */
export async function readTextFile(path: string): Promise<string> {
  return decodeText(await readFile(path));
}

/**
 * The bytes of a regular file, or undefined for anything else (a pipe, a terminal, a device), for
 * a file that cannot be read, and for one that changed size while it was read.
 */
export async function readRegularFile(path: string): Promise<Uint8Array | undefined> {
  try {
    // Opening a FIFO for reading waits for a writer, so the path is looked at first.
    if (!(await stat(path)).isFile()) return undefined;
    const handle = await open(path, "r");
    try {
      const info = await handle.stat();
      if (!info.isFile()) return undefined;
      // One read for the whole file where the system allows: `readFile` asks for 512 KiB at a
      // time, each step started from the main thread, so it stood still while that was busy.
      const bytes = Buffer.allocUnsafe(info.size);
      let read = 0;
      while (read < bytes.length) {
        const { bytesRead } = await handle.read(bytes, read, bytes.length - read, read);
        if (bytesRead === 0) return undefined;
        read += bytesRead;
      }
      // A file that grew while it was read is not returned: the caller reads it its own way.
      const { bytesRead: beyond } = await handle.read(Buffer.alloc(1), 0, 1, read);
      return beyond === 0 ? bytes : undefined;
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
}
