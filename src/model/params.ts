/**
 * The L-GCN's parameters, named as in the seed's PyTorch state dict so that files and imported
 * checkpoints line up one to one:
 *   bn0.running_mean, bn0.running_var       BatchNorm1d(D, affine=False) statistics
 *   convK.weight (2·in × out), convK.bias   graph convolutions D→512→512→256→256
 *   classifier.0.weight (256 × 256, out × in), classifier.0.bias
 *   classifier.1.weight (256)               PReLU slopes, one per channel
 *   classifier.2.weight (2 × 256), classifier.2.bias
 */
import { fail } from '../errors.js';
import { seededRandom } from '../random.js';

export const CONV_WIDTHS = Object.freeze([512, 512, 256, 256]);
export const HIDDEN = 256;
export const BN_EPS = 1e-5;
export const BN_MOMENTUM = 0.1;

export interface Tensor {
  shape: number[];
  data: Float32Array;
}

/** Named tensors; `Map` keeps the seed's parameter order. */
export type Params = Map<string, Tensor>;

export interface Architecture {
  /** Input width D. */
  dim: number;
  /** Output widths of the graph convolutions (seed: 512, 512, 256, 256). */
  widths: readonly number[];
  /** Width of the classifier's hidden layer (seed: 256). */
  hidden: number;
}

export function seedArchitecture(dim: number): Architecture {
  return { dim, widths: CONV_WIDTHS, hidden: HIDDEN };
}

/** Shapes of every tensor of an architecture. */
export function paramShapes(arch: Architecture): [string, number[]][] {
  const { dim, widths, hidden } = arch;
  const shapes: [string, number[]][] = [['bn0.running_mean', [dim]], ['bn0.running_var', [dim]]];
  let inW = dim;
  widths.forEach((out, i) => {
    shapes.push([`conv${i + 1}.weight`, [2 * inW, out]], [`conv${i + 1}.bias`, [out]]);
    inW = out;
  });
  shapes.push(['classifier.0.weight', [hidden, inW]], ['classifier.0.bias', [hidden]], ['classifier.1.weight', [hidden]],
    ['classifier.2.weight', [2, hidden]], ['classifier.2.bias', [2]]);
  return shapes;
}

/** Which tensors SGD updates (BatchNorm statistics are not learned by gradient). */
export function isTrainable(name: string): boolean {
  return !name.startsWith('bn0.');
}

/**
 * Fresh parameters, initialised as the seed: Xavier-uniform conv weights and zero biases;
 * PyTorch's defaults elsewhere (Linear: U(±1/√fan_in) for weight and bias; PReLU 0.25);
 * BatchNorm statistics mean 0, variance 1.
 */
export function initParams(arch: Architecture, seed = 0): Params {
  const r = seededRandom(seed);
  const uniform = (n: number, bound: number) => Float32Array.from({ length: n }, () => (2 * r() - 1) * bound);
  const p: Params = new Map();
  for (const [name, shape] of paramShapes(arch)) {
    const n = shape.reduce((a, b) => a * b, 1);
    let data: Float32Array;
    if (name === 'bn0.running_var') data = new Float32Array(n).fill(1);
    else if (name.startsWith('conv') && name.endsWith('.weight')) data = uniform(n, Math.sqrt(6 / (shape[0]! + shape[1]!)));
    else if (name === 'classifier.1.weight') data = new Float32Array(n).fill(0.25);
    else if (name.startsWith('classifier.0') || name.startsWith('classifier.2')) data = uniform(n, 1 / Math.sqrt(shape[shape.length - 1]!));
    else data = new Float32Array(n);
    p.set(name, { shape, data });
  }
  return p;
}

/** The architecture that a set of tensors describes (read off their shapes). */
export function architectureOf(p: Params): Architecture {
  const widths: number[] = [];
  for (let l = 1; p.has(`conv${l}.bias`); l++) widths.push(p.get(`conv${l}.bias`)!.shape[0]!);
  return { dim: p.get('bn0.running_mean')?.shape[0] ?? 0, widths, hidden: p.get('classifier.0.bias')?.shape[0] ?? 0 };
}

/** Checks a set of tensors has exactly the L-GCN's names and consistent shapes; returns its architecture. */
export function checkParams(p: Params, file?: string): Architecture {
  const mean = p.get('bn0.running_mean');
  if (mean?.shape.length !== 1) fail('BAD_FILE', 'missing tensor bn0.running_mean', file);
  const arch = architectureOf(p);
  if (arch.widths.length !== CONV_WIDTHS.length) fail('BAD_FILE', `expected ${CONV_WIDTHS.length} graph convolutions (conv1..conv${CONV_WIDTHS.length}), found ${arch.widths.length}`, file);
  for (const [name, shape] of paramShapes(arch)) {
    const t = p.get(name);
    if (!t) fail('BAD_FILE', `missing tensor ${name}`, file);
    if (t.shape.join('×') !== shape.join('×')) fail('BAD_FILE', `tensor ${name} has shape [${t.shape.join(', ')}], expected [${shape.join(', ')}]`, file);
    if (t.data.length !== shape.reduce((a, b) => a * b, 1)) fail('BAD_FILE', `tensor ${name} has ${t.data.length} values for shape [${shape.join(', ')}]`, file);
    for (const x of t.data) if (x - x !== 0) fail('BAD_VALUE', `tensor ${name} holds a non-finite value`, file);
  }
  const extra = [...p.keys()].find((k) => !paramShapes(arch).some(([n]) => n === k));
  if (extra !== undefined) fail('BAD_FILE', `unexpected tensor ${extra}`, file);
  return arch;
}

export function cloneParams(p: Params): Params {
  return new Map([...p].map(([k, t]) => [k, { shape: [...t.shape], data: t.data.slice() }]));
}

export function getParam(p: Params, name: string): Float32Array {
  const t = p.get(name);
  if (!t) throw new Error(`parameter ${name} missing`);
  return t.data;
}
