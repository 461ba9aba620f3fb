import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import { allowedHost, isLoopback, resolvePath, startSiteServer } from '../../src/site/server.node.js';
import { ROOT, tempDir } from '../helpers.js';

test('the page\'s server: files under their mounts only, the longest prefix first, isolation and no-other-origin headers', async (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, 'site'));
  mkdirSync(join(dir, 'models'));
  writeFileSync(join(dir, 'site/index.html'), '<p>page</p>');
  writeFileSync(join(dir, 'models/config.json'), '{}');
  writeFileSync(join(dir, 'secret.txt'), 'not served');
  const mounts = { '/': join(dir, 'site'), '/models/': join(dir, 'models') };
  assert.equal(resolvePath(mounts, '/'), join(dir, 'site/index.html'));
  assert.equal(resolvePath(mounts, '/models/config.json?v=1'), join(dir, 'models/config.json'));
  for (const bad of ['/../secret.txt', '/models/../../secret.txt', '/%2e%2e/secret.txt', '/models/%2e%2e%2f..%2fsecret.txt', '/nothing.js', '/models/', '/%E0%A4%A', '/a%00b']) {
    assert.equal(resolvePath(mounts, bad), undefined, bad);
  }
  const site = await startSiteServer(mounts, { port: 0 });
  try {
    const page = await fetch(site.url);
    assert.equal(page.status, 200);
    assert.equal(await page.text(), '<p>page</p>');
    assert.match(page.headers.get('content-type')!, /^text\/html/);
    assert.equal(page.headers.get('cross-origin-opener-policy'), 'same-origin');
    assert.equal(page.headers.get('cross-origin-embedder-policy'), 'require-corp');
    assert.match(page.headers.get('content-security-policy')!, /default-src 'self'/);
    assert.equal((await fetch(new URL('models/config.json', site.url))).headers.get('content-type'), 'application/json');
    assert.equal((await fetch(new URL('nothing.js', site.url))).status, 404);
    assert.equal((await fetch(site.url, { method: 'POST', body: 'x' })).status, 405);
    // the port taken: the CLI names it and exits with 2, no stack trace
    const port = new URL(site.url).port;
    const r = spawnSync(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), 'web', '--port', port], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\); --port P takes another port`));
    assert.doesNotMatch(r.stderr, /at .*\.js/);
  } finally {
    await site.close();
  }
});

test('the page\'s server: no link out of a mount, Host names other than addresses and localhost refused, no framing, IPv6 URLs bracketed, a warning beyond loopback', async (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, 'site'));
  writeFileSync(join(dir, 'site/index.html'), '<p>page</p>');
  writeFileSync(join(dir, 'secret.txt'), 'not served');
  symlinkSync(join(dir, 'secret.txt'), join(dir, 'site/link.txt'));
  symlinkSync(dir, join(dir, 'site/up'));
  mkdirSync(join(dir, 'site/inner'));
  writeFileSync(join(dir, 'site/inner/ok.txt'), 'served');
  symlinkSync(join(dir, 'site/inner/ok.txt'), join(dir, 'site/link-in.txt'));
  const mounts = { '/': join(dir, 'site') };
  assert.equal(resolvePath(mounts, '/link.txt'), undefined);
  assert.equal(resolvePath(mounts, '/up/secret.txt'), undefined);
  assert.match(resolvePath(mounts, '/link-in.txt')!, /inner\/ok\.txt$/, 'a link that stays inside is followed');
  for (const [host, ok] of [['127.0.0.1:8080', true], ['localhost:8080', true], ['[::1]:8080', true], ['192.168.1.20:8080', true], ['LOCALHOST', true],
    ['attacker.example:8080', false], ['127.0.0.1.nip.io:8080', false], [undefined, false]] as const) assert.equal(allowedHost(host, '127.0.0.1'), ok, String(host));
  assert.equal(allowedHost('photos.lan:8080', 'photos.lan'), true, 'the name it was told to listen on');
  assert.deepEqual([isLoopback('127.0.0.1'), isLoopback('::1'), isLoopback('localhost'), isLoopback('0.0.0.0'), isLoopback('192.168.1.2')], [true, true, true, false, false]);
  const site = await startSiteServer(mounts, { port: 0 });
  try {
    const page = await fetch(site.url);
    assert.match(page.headers.get('content-security-policy')!, /frame-ancestors 'none'/);
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    const port = Number(new URL(site.url).port);
    // a rebinding page's request: its own name in Host
    const rebound = await new Promise<number>((resolve, reject) => request({ host: '127.0.0.1', port, path: '/',
      headers: { Host: `attacker.example:${port}` } }, (res) => { res.resume(); resolve(res.statusCode!); }).on('error', reject).end());
    assert.equal(rebound, 421);
  } finally {
    await site.close();
  }
  const six = await startSiteServer(mounts, { port: 0, host: '::1' }).catch(() => undefined);
  if (six) {
    try {
      assert.match(six.url, /^http:\/\/\[::1\]:\d+\/$/);
      assert.equal((await fetch(six.url)).status, 200);
    } finally {
      await six.close();
    }
  }
  // beyond loopback: the CLI warns, and still serves
  const child = spawn(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), 'web', '--port', '0', '--host', '0.0.0.0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  try {
    const t0 = Date.now();
    while (!/serves the page beyond this machine/.test(err) && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 50));
    assert.match(err, /warning: --host 0\.0\.0\.0 serves the page beyond this machine/);
  } finally {
    child.kill('SIGTERM');
  }
});
