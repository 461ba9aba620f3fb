/**
 * Training checkpoints: the parameters, the momentum buffers (as `velocity.NAME`) and the epoch
 * log in one safetensors file, written atomically after every epoch and checked (SHA-256) on
 * load. The settings are stored too, so a resume with different settings is refused.
 */
import { fail } from '../errors.js';
import { checkParams, type Params } from '../model/params.js';
import { writeSafetensors } from '../model/files.node.js';
import { decodeSafetensors } from '../model/safetensors.js';
import { readFileAligned } from '../io/read.node.js';
import type { TrainSettings, TrainState } from './index.js';

const VELOCITY = 'velocity.';

export function writeCheckpoint(path: string, state: TrainState, settings: TrainSettings): void {
  const tensors: Params = new Map(state.params);
  for (const [name, v] of state.velocity) tensors.set(VELOCITY + name, { shape: state.params.get(name)!.shape, data: v });
  writeSafetensors(path, tensors, { epoch: String(state.epoch), settings: JSON.stringify(settings), history: JSON.stringify(state.history) });
}

/** Settings that must agree for a resumed run to continue the same training (epochs may grow). */
function sameRun(a: TrainSettings, b: TrainSettings): boolean {
  const { epochs: _a, ...ra } = a;
  const { epochs: _b, ...rb } = b;
  return canonicalJson(ra) === canonicalJson(rb);
}

/** JSON with object keys sorted at every depth: equal settings compare equal whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    : v));
}

export function readCheckpoint(path: string, settings: TrainSettings): TrainState {
  return decodeCheckpoint(readFileAligned(path), settings, path);
}

/** A checkpoint from its bytes: checksum verified, settings compared with the resuming run's. */
export function decodeCheckpoint(bytes: Uint8Array, settings: TrainSettings, path: string): TrainState {
  const { tensors, metadata } = decodeSafetensors(bytes, path);
  const epoch = Number(metadata.epoch);
  if (!Number.isInteger(epoch) || epoch < 0) fail('BAD_FILE', 'checkpoint has no epoch count', path);
  let saved: TrainSettings, history: unknown;
  try {
    saved = JSON.parse(metadata.settings ?? '');
    history = JSON.parse(metadata.history ?? '');
  } catch {
    fail('BAD_FILE', 'checkpoint metadata is not valid JSON', path);
  }
  if (typeof saved !== 'object' || saved === null || !Array.isArray(history)) fail('BAD_FILE', 'checkpoint metadata lacks its settings or history', path);
  if (!sameRun(saved, settings)) fail('BAD_OPTION', `checkpoint was made with other settings (${metadata.settings}); resume with the same ones`, path);
  const params: Params = new Map();
  const velocity = new Map<string, Float32Array>();
  for (const [name, t] of tensors) {
    if (name.startsWith(VELOCITY)) velocity.set(name.slice(VELOCITY.length), t.data);
    else params.set(name, t);
  }
  checkParams(params, path);
  for (const [name, v] of velocity) if (params.get(name)?.data.length !== v.length) fail('BAD_FILE', `momentum buffer of ${name} does not match its parameter`, path);
  return { epoch, params, velocity, history };
}
