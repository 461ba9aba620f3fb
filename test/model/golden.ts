/** The reference model of ../shared/golden/lgcn-k20-5 (see its README). */
import { join } from 'node:path';
import { npyToFloat32 } from '../../src/io/npy.js';
import { readNpyView } from '../../src/io/files.node.js';
import { paramShapes, seedArchitecture, type Params } from '../../src/model/params.js';
import { SHARED } from '../helpers.js';

export const GOLDEN_DIR = join(SHARED, 'golden/lgcn-k20-5');

export function goldenParams(): Params {
  const p: Params = new Map();
  for (const [name] of paramShapes(seedArchitecture(512))) {
    const v = readNpyView(join(GOLDEN_DIR, 'weights', `${name}.npy`));
    p.set(name, { shape: v.shape, data: npyToFloat32(v) });
  }
  return p;
}
