import { randomBytes } from "node:crypto";
import { chmod, lstat, readlink, realpath, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, basename, join, resolve } from "node:path";

/**
 * Writes `data` to `path` so that readers see either the old file or the whole new one: the data
 * goes to a temporary file in the same directory (same file system, so the rename is atomic),
 * which then replaces the target. On failure the temporary file is removed and the target is left
 * untouched.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    await writeFile(temporary, data, { flag: "wx" });
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
export async function writeOutputFile(path: string, data: string | Uint8Array): Promise<void> {
  const target = await followLinks(path);
  const info = await stat(target).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  if (info === undefined || info.isFile()) return writeFileAtomic(target, data);
  if (info.isDirectory()) throw Object.assign(new Error(`${path} is a directory`), { code: "EISDIR" });
  await writeFile(target, data, { flag: "w" });
}

/** The path a chain of symbolic links leads to, whether or not the last one exists yet. */
async function followLinks(path: string): Promise<string> {
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
