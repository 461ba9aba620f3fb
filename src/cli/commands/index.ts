import type { Command } from '../args.js';
import { applyCommand } from './apply.js';
import { assignCommand } from './assign.js';
import { clusterCommand } from './cluster.js';
import { demoCommand } from './demo.js';
import { embedCommand } from './embed.js';
import { evalCommand } from './eval.js';
import { exportCommand } from './export.js';
import { importTorchCommand } from './import-torch.js';
import { knnCommand } from './knn.js';
import { reportCommand } from './report.js';
import { reviewCommand } from './review.js';
import { trainCommand } from './train.js';
import { webCommand } from './web.js';
import { workerCommand } from './worker.js';

/** Every command, in the order the usage lists them. */
export const COMMANDS: readonly Command[] = [
  demoCommand, knnCommand, clusterCommand, evalCommand, trainCommand, exportCommand, importTorchCommand, assignCommand,
  reviewCommand, applyCommand, reportCommand, embedCommand, workerCommand, webCommand,
];
