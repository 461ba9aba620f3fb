import { isLoopback, siteMounts, startSiteServer } from '../../site/server.node.js';
import { defineCommand, defineOptions, type OptionValues } from '../args.js';
import { untilStopped } from '../signals.js';

const WEB_OPTIONS = defineOptions({
  port: { type: 'integer', min: 0, max: 65535, default: 8080, help: 'port to listen on (0: any free one)' },
  host: { type: 'string', default: '127.0.0.1', help: 'address to listen on (the default is this machine only)' },
});

export const webCommand = defineCommand({
  name: 'web',
  summary: 'serve the page that groups photos into people in the browser, on this device only',
  usage: 'web [--port 8080] [--host 127.0.0.1]',
  options: WEB_OPTIONS,
}, runWeb);

async function runWeb(o: OptionValues<typeof WEB_OPTIONS>): Promise<void> {
  const host = o.host;
  if (!isLoopback(host)) console.error(`facecluster: warning: --host ${host} serves the page beyond this machine: anyone who can reach it can load the page (photos still stay in each visitor's browser)`);
  const site = await startSiteServer(siteMounts(), { port: o.port, host });
  console.log(`facecluster page at ${site.url} (photos stay in the browser; Ctrl-C stops)`);
  await untilStopped();
  await site.close();
}
