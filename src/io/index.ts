export { readFeatures, writeFeatures, readLabels, writeLabels, checkLabelsPath, readKnn, writeKnn, writeSims, readNpyView, writeNpy, readFaces,
  readText } from './files.node.js';
export { decodeFeatures, decodeLabels, decodeKnn, encodeFeatures, encodeLabels, encodeKnn, encodeSims, validateKnn, type ReadFeaturesOptions } from './codecs.js';
export { decodeNpy, encodeNpy, npyToFloat32, npyToFloat64, npyToInt32, encodeNpyHeader, type NpyDtype, type NpyView } from './npy.js';
export { parseFaces, photoIds, type FaceRecord } from './faces.js';
export { writeFileAtomic } from './atomic.node.js';
export { parseConstraints, formatConstraints, resolveConstraints, constraintsFile, mergeConstraints, type ConstraintsFile, type FaceRef, type FaceKey } from './constraints.js';
