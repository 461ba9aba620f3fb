/**
 * Builds the page into dist/site (`npm run build`; `npm run web` builds and serves it): the
 * page, its worker and the library bundle (`facecluster.js`, the browser entry, for tools and
 * tests) with esbuild, sharing chunks; index.html and style.css copied. The model files and the
 * .wasm files are not copied: the server takes them from the installed packages (src/site/server.node.ts).
 */
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../../', import.meta.url));

export async function buildSite(outDir = join(root, 'dist/site')): Promise<void> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: { app: join(root, 'web/app.ts'), worker: join(root, 'web/worker.ts'), facecluster: join(root, 'dist/src/browser.js') },
    absWorkingDir: root,
    bundle: true, splitting: true, format: 'esm', platform: 'browser', target: 'es2022',
    // the browser versions of #runtime and #hnsw (package.json "imports")
    conditions: ['browser'],
    outdir: outDir, minify: true, sourcemap: true, logLevel: 'warning',
  });
  for (const file of ['index.html', 'style.css']) copyFileSync(join(root, 'web', file), join(outDir, file));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildSite();
