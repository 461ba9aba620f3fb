import { fail } from '../errors.js';

/** JSON text of a file the user gave, or one clear error naming it. */
export function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    fail('BAD_FILE', 'not valid JSON', path);
  }
}
