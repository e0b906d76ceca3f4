/**
 * File-system failures in words: node's `EROFS: read-only file system, open '/out/.a.png.123.tmp'`
 * becomes `cannot write /out/a.png: the file system is read-only`, naming the file the user asked for
 * rather than a temporary one.
 */
const WORDS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EISDIR: 'it is a folder',
  ENOTDIR: 'part of the path is not a folder',
  EEXIST: 'it already exists',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'the name is too long',
  EIO: 'input/output error',
};

/** The errno code of a node file-system error, if `error` is one. */
export function errnoCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? code : undefined;
}

/** What went wrong, without the code or the path: `permission denied`. */
export function fileErrorWords(error: unknown): string {
  const code = errnoCode(error);
  if (code && WORDS[code]) return WORDS[code];
  const message = error instanceof Error ? error.message : String(error);
  // node's form is `CODE: words, syscall 'path'`: keep the words.
  return message.replace(/^E[A-Z]+: /, '').replace(/, \w+ '.*$/s, '');
}

/** An error that says which of the user's files could not be read or written, and why, in one line. */
export class FileError extends Error {
  override name = 'FileError';
  constructor(verb: 'read' | 'write' | 'create', path: string, cause: unknown) {
    super(`cannot ${verb} ${path}: ${fileErrorWords(cause)}`, { cause });
  }
}
