/** Scores of faces added to a clustering: how an incremental assignment placed the new faces. */

export interface NewFaceScores {
  f: number;
  rightPerson: number;
  known: number;
}

/**
 * How well the new faces (from `first` on) were placed: pairwise precision/recall/F over the
 * pairs with at least one new face, and the share of new faces whose identity was among the
 * old faces that ended in the cluster holding most of that identity's old faces (`known` of
 * them had such old faces).
 */
export function newFaceScores(truth: ArrayLike<number>, pred: ArrayLike<number>, first: number): NewFaceScores {
  let tp = 0, predicted = 0, actual = 0;
  for (let v = first; v < truth.length; v++) {
    for (let u = 0; u < truth.length; u++) {
      if (u === v || (u >= first && u > v)) continue; // each pair once
      const same = truth[u] === truth[v], together = pred[u] === pred[v];
      if (same && together) tp++;
      if (together) predicted++;
      if (same) actual++;
    }
  }
  const precision = predicted ? tp / predicted : 1, recall = actual ? tp / actual : 1;
  let known = 0, right = 0;
  for (let v = first; v < truth.length; v++) {
    const votes = new Map<number, number>();
    for (let u = 0; u < first; u++) if (truth[u] === truth[v]) votes.set(pred[u]!, (votes.get(pred[u]!) ?? 0) + 1);
    if (votes.size === 0) continue;
    known++;
    const majority = [...votes].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
    if (pred[v] === majority) right++;
  }
  return { f: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0, rightPerson: known ? right / known : 0, known };
}

