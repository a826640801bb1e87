/**
 * A file-system error in words, for one-line messages: the reason, never the errno code and
 * never a stack trace.
 */
export function describeFileError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "ENOENT":
      return "no such file or directory";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "it is a directory";
    case "ENOTDIR":
      return "not a directory";
    case "ENOSPC":
      return "no space left on the device";
    case "EPIPE":
      return "the reader closed the pipe";
    case "ELOOP":
      return "too many levels of symbolic links";
    case "EROFS":
      return "read-only file system";
    case "ERR_STRING_TOO_LONG":
      return "the file is too large to read";
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
