import type { CommandSpec, ParsedOptions } from '../args.js';
import { applyCommand, runApply } from './apply.js';
import { assignCommand, runAssign } from './assign.js';
import { clusterCommand, runCluster } from './cluster.js';
import { demoCommand, runDemo } from './demo.js';
import { embedCommand, runEmbed } from './embed.js';
import { evalCommand, runEval } from './eval.js';
import { exportCommand, runExport } from './export.js';
import { importTorchCommand, runImportTorch } from './import-torch.js';
import { knnCommand, runKnn } from './knn.js';
import { reportCommand, runReport } from './report.js';
import { reviewCommand, runReview } from './review.js';
import { runTrain, trainCommand } from './train.js';
import { runWeb, webCommand } from './web.js';
import { runWorker, workerCommand } from './worker.js';

/** Every command, in the order the usage lists them. */
export const COMMANDS: [CommandSpec, (o: ParsedOptions, positionals: string[]) => void | Promise<void>][] = [
  [demoCommand, runDemo],
  [knnCommand, runKnn],
  [clusterCommand, runCluster],
  [evalCommand, runEval],
  [trainCommand, runTrain],
  [exportCommand, runExport],
  [importTorchCommand, runImportTorch],
  [assignCommand, runAssign],
  [reviewCommand, runReview],
  [applyCommand, runApply],
  [reportCommand, runReport],
  [embedCommand, runEmbed],
  [workerCommand, runWorker],
  [webCommand, runWeb],
];
