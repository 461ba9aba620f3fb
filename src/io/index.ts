export { readFeatures, decodeFeatures, writeFeatures, readLabels, decodeLabels, writeLabels, checkLabelsPath, readKnn, decodeKnn, writeKnn, writeSims, validateKnn, type ReadFeaturesOptions } from './formats.js';
export { decodeNpy, readNpyView, npyToFloat32, npyToFloat64, npyToInt32, writeNpy, encodeNpyHeader, type NpyDtype, type NpyView } from './npy.js';
export { writeFileAtomic } from './atomic.js';
