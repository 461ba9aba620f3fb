/**
 * The page's static server (`facecluster web`): the built page (dist/site) and the files it loads
 * from this package and its dependencies (the GCN model, onnxruntime-web's and TF.js's
 * WebAssembly, face-api's weights), all from one origin. Nothing else: no API, no upload.
 * The headers make the page cross-origin isolated (COOP/COEP, so WebAssembly may use threads),
 * tell the browser to refuse any request to another origin (Content-Security-Policy) and any
 * frame around the page (frame-ancestors). Files are served only from inside their mounted
 * folder, links resolved; requests whose Host is a DNS name other than localhost are refused, so
 * that a web page cannot rebind its own name to this server and read it.
 */
import { createReadStream, existsSync, realpathSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { MODELS_DIR, SITE_DIR } from '../assets.node.js';
import { FaceclusterError, fail } from '../errors.js';

/** URL prefix → folder served under it. */
export type Mounts = Record<string, string>;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.wasm': 'application/wasm', '.png': 'image/png',
  '.svg': 'image/svg+xml', '.bin': 'application/octet-stream', '.safetensors': 'application/octet-stream', '.map': 'application/json',
};

const HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Content-Security-Policy': "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; img-src 'self' blob: data:; worker-src 'self' blob:; connect-src 'self' blob: data:; style-src 'self'; frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-cache',
};


/** The page and what it loads: the built page at /, the rest from the installed packages. */
export function siteMounts(siteDir = SITE_DIR): Mounts {
  if (!existsSync(join(siteDir, 'index.html'))) fail('NOT_FOUND', "the page is not built: run 'npm run build' in facecluster's folder", siteDir);
  const require = createRequire(import.meta.url);
  const packageDir = (name: string) => {
    // a package's folder from its package.json (the exports of some do not list it)
    for (let dir = dirname(require.resolve(name)); ; dir = dirname(dir)) {
      if (existsSync(join(dir, 'package.json'))) return dir;
      if (dirname(dir) === dir) fail('NOT_FOUND', `no package.json above ${name}'s entry: reinstall it`, name);
    }
  };
  return {
    '/': siteDir,
    '/models/': MODELS_DIR,
    '/ort/': join(packageDir('onnxruntime-web'), 'dist'),
    '/tfjs/': join(packageDir('@tensorflow/tfjs-backend-wasm'), 'dist'),
    '/face-api/': join(packageDir('@vladmandic/face-api'), 'model'),
  };
}

/** The file a URL path names under the mounts, or undefined (never outside a mounted folder). */
export function resolvePath(mounts: Mounts, urlPath: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(urlPath.split('?')[0]!);
  } catch {
    return undefined;
  }
  if (path.includes('\0')) return undefined;
  // longest prefix first, so /models/ wins over /
  for (const prefix of Object.keys(mounts).sort((a, b) => b.length - a.length)) {
    if (!path.startsWith(prefix)) continue;
    const dir = mounts[prefix]!;
    const file = normalize(join(dir, path.slice(prefix.length) || 'index.html'));
    if (!within(file, dir) || !existsSync(file)) return undefined;
    // a link inside a mounted folder may point anywhere: what it leads to must be inside too
    const real = realpathSync(file);
    return within(real, realpathSync(dir)) && statSync(real).isFile() ? real : undefined;
  }
  return undefined;
}

function within(file: string, dir: string): boolean {
  return file.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

/**
 * Whether a request's Host header may be served: an IP address (what a browser sends for
 * http://127.0.0.1:8080/ or a LAN address) or localhost, never another DNS name (a rebinding
 * page's), unless it is the name the server was told to listen on.
 */
export function allowedHost(hostHeader: string | undefined, listenHost: string): boolean {
  if (hostHeader === undefined) return false;
  const name = hostHeader.startsWith('[') ? hostHeader.slice(1, hostHeader.indexOf(']')) : hostHeader.replace(/:\d+$/, '');
  return isIP(name) !== 0 || name.toLowerCase() === 'localhost' || name.toLowerCase() === listenHost.toLowerCase();
}

/** Whether an address to listen on is this machine only. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

export interface SiteServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Serves `mounts` on host:port (port 0: any free one); resolves once listening. */
export function startSiteServer(mounts: Mounts, options: { port?: number; host?: string } = {}): Promise<SiteServer> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    if (!allowedHost(req.headers.host, host)) {
      res.writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8', ...HEADERS }).end('this server answers to its address or localhost only\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', ...HEADERS }).end();
      return;
    }
    const file = resolvePath(mounts, req.url ?? '/');
    if (!file) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', ...HEADERS }).end('not found\n');
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream', 'Content-Length': statSync(file).size, ...HEADERS });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    // a file that vanishes or cannot be read mid-way ends the response, not the server
    const stream = createReadStream(file);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(e.code === 'EADDRINUSE' || e.code === 'EACCES'
      ? new FaceclusterError('BAD_OPTION', `cannot listen on ${host}:${options.port} (${e.code}); --port P takes another port`) : e));
    server.listen(options.port ?? 8080, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : options.port;
      resolve({ url: `http://${isIP(host) === 6 ? `[${host}]` : host}:${port}/`, server, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}
