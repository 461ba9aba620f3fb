/**
 * The one error type facecluster throws for what it can explain: bad input files, bad options,
 * shape mismatches (the CLI prints `message` on one line and exits with code 2: the user can fix
 * them), and operations that failed through no fault of the input (code FAILED: a queued job,
 * the network, a write; exit code 1, also one line). Any other error is an internal fault
 * (exit code 1, with --verbose for its stack).
 */
export type ErrorCode =
  | 'BAD_FILE' // a file that exists but cannot be parsed
  | 'BAD_VALUE' // parsed, but its values are not allowed (NaN, zero vector, index out of range)
  | 'SHAPE_MISMATCH' // files or options that disagree about sizes
  | 'UNSUPPORTED' // a valid file of a kind facecluster does not read
  | 'NOT_FOUND' // a missing or unreadable path
  | 'BAD_OPTION' // a command-line or API option out of range
  | 'FAILED'; // not the input's fault: a queued job, the network, a write, a server that does not answer (the CLI exits 1)

export class FaceclusterError extends Error {
  override readonly name = 'FaceclusterError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The file the problem is in, when there is one. */
    readonly file?: string,
  ) {
    super(oneLine(file === undefined ? message : `${file}: ${message}`));
  }
}

/** Control characters (a newline echoed from a damaged file, say) shown as escapes: a message stays one line. */
function oneLine(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this finds
  return s.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export function fail(code: ErrorCode, message: string, file?: string): never {
  throw new FaceclusterError(code, message, file);
}
