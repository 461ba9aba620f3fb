import { OnnxEngine } from '../../engine/onnx.js';
import { buildKnn } from '../../knn/index.js';
import { writeKnn, writeSims } from '../../io/index.js';
import { FEATURE_OPTIONS, QUIET_OPTION, type CommandSpec, type ParsedOptions } from '../args.js';
import { loadFeatures } from '../inputs.js';
import { Progress } from '../progress.js';

export const knnCommand: CommandSpec = {
  name: 'knn',
  summary: 'build the exact cosine kNN graph of a set of face features',
  usage: 'knn --features F.npy [--k 80] --out KNN.npy|KNN.npz [--sims-out S.npy]',
  options: {
    ...FEATURE_OPTIONS,
    k: { type: 'integer', help: 'neighbours per face, not counting itself', default: 80 },
    out: { type: 'string', help: 'kNN graph: .npy (N×(K+1), self first) or .npz (learn-to-cluster)', required: true },
    'sims-out': { type: 'string', help: 'also write the similarities, N×(K+1) float32 .npy' },
    normalized: { type: 'boolean', help: 'features are unit vectors already: skip L2 normalisation' },
    threads: { type: 'integer', help: 'engine threads (default: all cores)' },
    ...QUIET_OPTION,
  },
};

export async function runKnn(o: ParsedOptions): Promise<void> {
  const features = loadFeatures(o.features as string, o.dim as number | undefined);
  const progress = new Progress('kNN', 'faces', o.quiet as boolean);
  const engine = new OnnxEngine(o.threads === undefined ? {} : { threads: o.threads as number });
  try {
    const knn = await buildKnn(features, { k: o.k as number, normalized: o.normalized === true, engine, onProgress: progress.update });
    progress.done();
    writeKnn(o.out as string, knn);
    if (o['sims-out'] !== undefined) writeSims(o['sims-out'] as string, knn);
  } finally {
    await engine.dispose();
  }
}
