import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolvePath, startSiteServer } from '../../src/web/server.js';
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
