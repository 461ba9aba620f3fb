/**
 * A model from a checkpoint of the seed's PyTorch code: its state dict, bare or under
 * 'state_dict' (the seed's best.ckpt), with or without DataParallel's 'module.' prefix. The
 * seed's parameter names are facecluster's, so the tensors are taken as they are.
 */
import { fail } from '../errors.js';
import { isTensor } from '../io/torch.js';
import type { PyValue } from '../io/pickle.js';
import { checkParams, type Architecture, type Params } from './params.js';

export function paramsFromTorch(checkpoint: PyValue, file?: string): { params: Params; architecture: Architecture } {
  if (!(checkpoint instanceof Map)) fail('BAD_FILE', 'the checkpoint is not a dict (expected a state dict, or one under "state_dict")', file);
  const stateDict = checkpoint.get('state_dict') ?? checkpoint;
  if (!(stateDict instanceof Map)) fail('BAD_FILE', '"state_dict" is not a dict', file);
  const params: Params = new Map();
  for (const [key, value] of stateDict) {
    if (typeof key !== 'string' || !isTensor(value)) continue;
    const name = key.startsWith('module.') ? key.slice('module.'.length) : key;
    if (name.endsWith('num_batches_tracked')) continue; // a counter, not a weight
    params.set(name, { shape: value.shape, data: value.data });
  }
  if (params.size === 0) fail('BAD_FILE', 'no tensors in the checkpoint', file);
  return { params, architecture: checkParams(params, file) };
}
