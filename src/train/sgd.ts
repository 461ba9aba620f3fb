/**
 * SGD with momentum and weight decay, PyTorch's semantics (torch.optim.SGD, dampening 0,
 * no Nesterov): g ← ∇ + λ·w; v ← g on the first step, else μ·v + g; w ← w − lr·v.
 */
import { isTrainable, type Params } from '../model/params.js';

export interface SgdOptions {
  lr: number;
  momentum: number;
  weightDecay: number;
}

export class Sgd {
  /** Momentum buffers, by parameter name; absent until a parameter's first step. */
  readonly velocity = new Map<string, Float32Array>();

  constructor(public options: SgdOptions) {}

  step(params: Params, grads: Map<string, Float32Array>): void {
    const { lr, momentum, weightDecay } = this.options;
    for (const [name, t] of params) {
      if (!isTrainable(name)) continue;
      const g = grads.get(name);
      if (!g) throw new Error(`no gradient for ${name}`);
      const w = t.data;
      let v = this.velocity.get(name);
      const first = v === undefined;
      if (!v) { v = new Float32Array(w.length); this.velocity.set(name, v); }
      for (let i = 0; i < w.length; i++) {
        const d = g[i]! + weightDecay * w[i]!;
        v[i] = first ? d : momentum * v[i]! + d;
        w[i] = w[i]! - lr * v[i]!;
      }
    }
  }
}
