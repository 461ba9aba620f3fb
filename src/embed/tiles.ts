/**
 * Where the detector looks for faces smaller than one pass over the whole photo finds. SSD sees
 * its input at 512×512, so on a 12-megapixel photo a face 120 pixels high is 15 pixels there and
 * mostly missed. Small faces are searched in a pyramid of square windows: the finest level's
 * windows are sized so that the smallest face asked for is DETECTION.smallestFace pixels high in
 * the detector's input, each coarser level's windows are twice as large, up to the whole photo.
 * Each level finds the faces of one octave of sizes, and its windows overlap by the largest of
 * them, so that every such face lies whole inside some window. Pure geometry, no networks.
 */

/** The SSD detector's input side, and the face height in that input found reliably (bench:embed). */
export const DETECTION = Object.freeze({ inputSide: 512, smallestFace: 32 });

/** A square window (clipped to the image at its right and bottom edges), in image pixels. */
export interface Window {
  x: number;
  y: number;
  /** Width and height: `side` or less where the image ends. */
  width: number;
  height: number;
}

/** A detection in image pixels. */
export interface Detection {
  x: number;
  y: number;
  width: number;
  height: number;
  score: number;
}

/**
 * The windows, finest level first, that find faces down to `smallestFace` pixels high in a
 * `width`×`height` image; the whole image is the last window. A face whose height h is at least
 * `smallestFace` lies whole inside a window where it is at least DETECTION.smallestFace input
 * pixels high and less than twice that (or is in the whole image's window).
 */
export function detectionWindows(width: number, height: number, smallestFace: number): Window[] {
  const longest = Math.max(width, height);
  const windows: Window[] = [];
  // a window of side s shows a face of height h at h · inputSide / s input pixels
  for (let side = (smallestFace * DETECTION.inputSide) / DETECTION.smallestFace; side < longest; side *= 2) {
    // the largest face this level is for (the next level finds larger ones)
    const overlap = Math.ceil((2 * DETECTION.smallestFace * side) / DETECTION.inputSide);
    const s = Math.round(side);
    for (const y of starts(height, s, overlap)) for (const x of starts(width, s, overlap)) {
      windows.push({ x, y, width: Math.min(s, width - x), height: Math.min(s, height - y) });
    }
  }
  windows.push({ x: 0, y: 0, width, height });
  return windows;
}

/** Window starts along a length, evenly spaced, consecutive windows overlapping by at least `overlap`. */
function starts(length: number, side: number, overlap: number): number[] {
  if (side >= length) return [0];
  const n = Math.ceil((length - overlap) / (side - overlap));
  return Array.from({ length: n }, (_, i) => Math.round((i * (length - side)) / (n - 1)));
}

/**
 * Detections from overlapping windows, one per face: a detection that touches an inner edge of
 * its window is dropped when a face there is also cut (the neighbouring window, which overlaps by
 * more than such a face, holds it whole), then the best-scoring of detections that cover one
 * another (IoU above `iou`, or the smaller mostly inside the larger) is kept.
 */
export function mergeDetections(found: readonly { window: Window; detections: readonly Detection[] }[],
  imageWidth: number, imageHeight: number, iou = 0.3): Detection[] {
  const whole: Detection[] = [];
  for (const { window: w, detections } of found) {
    for (const d of detections) {
      const cut = (w.x > 0 && d.x <= w.x + 1) || (w.y > 0 && d.y <= w.y + 1)
        || (w.x + w.width < imageWidth && d.x + d.width >= w.x + w.width - 1)
        || (w.y + w.height < imageHeight && d.y + d.height >= w.y + w.height - 1);
      if (!cut) whole.push(d);
    }
  }
  whole.sort((a, b) => b.score - a.score);
  const kept: Detection[] = [];
  for (const d of whole) if (!kept.some((k) => overlapping(k, d, iou))) kept.push(d);
  return kept;
}

function overlapping(a: Detection, b: Detection, iou: number): boolean {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return false;
  const inter = w * h, areaA = a.width * a.height, areaB = b.width * b.height;
  return inter / (areaA + areaB - inter) > iou || inter / Math.min(areaA, areaB) > 0.7;
}
