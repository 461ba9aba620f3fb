/**
 * Where the package's own files are, wherever it is installed: the one module that knows the
 * package's layout (this file is compiled to dist/src/, two folders below the package's root).
 */
import { fileURLToPath } from 'node:url';

const inPackage = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

/** The package's folder. */
export const PACKAGE_ROOT = inPackage('');
/** The bundled descriptors (lfw-test) the demo and the benchmarks read. */
export const BUNDLED_DATA = inPackage('data/');
/** The shipped GCN models, and the default one (trained on lfw-train; see models/README.md). */
export const MODELS_DIR = inPackage('models/');
export const DEFAULT_MODEL_DIR = inPackage('models/lfw-128/');
/** The built page (npm run build). */
export const SITE_DIR = inPackage('dist/site/');
