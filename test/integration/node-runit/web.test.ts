// node-runit web (issue 21): the page in a real browser (Debian's chromium driven by
// puppeteer-core) follows a service down and up live and controls it with its buttons; a request
// without the token, or from another origin or host, controls nothing.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import puppeteer from 'puppeteer-core';
import { Client } from '../../../src/index.js';
import { startWeb } from '../../../src/node-runit/web.js';
import { NEEDS_RUNIT, ourBin } from '../../helpers/binaries.js';
import { startViewTree, TREE_KINDS } from '../../helpers/view-tree.js';
import { waitFor } from '../../helpers/wait-for.js';

const CHROMIUM = '/usr/bin/chromium';
function chromiumMissing(): string | false {
  try {
    accessSync(CHROMIUM, constants.X_OK);
    return false;
  } catch {
    return `${CHROMIUM} is not installed (apt-get install -y chromium; .ci/run does)`;
  }
}
const TOKEN = 'a'.repeat(32);

/** A raw request, so the test chooses Host and Origin headers as a hostile page could. */
function post(url: string, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function running(client: Client): Promise<boolean> {
  return client.status().then((s) => s.state === 'run' && s.want === 'up', () => false);
}

test('the page in chromium: live down and up, buttons that act', { skip: chromiumMissing() || NEEDS_RUNIT, timeout: 120_000 }, async (t) => {
  const tree = startViewTree(t, 'ours in process', {
    api: { run: 'echo api-started\nexec sleep 1000', log: { run: 'mkdir -p main\nexec svlogd ./main' } },
    worker: {},
  });
  const api = new Client(join(tree.dir, 'api'));
  await waitFor('api running', () => running(api), { timeout: 20_000 });
  const web = await startWeb([tree.dir], { port: 0, token: TOKEN });
  t.after(() => web.close());
  const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  t.after(() => browser.close());
  const page = await browser.newPage();
  await page.goto(web.url);
  const stateOf = (service: string): Promise<string | null> =>
    page.$eval(`tr[data-service="${service}"] td.state`, (cell) => cell.textContent).catch(() => null);
  await waitFor('the table with api running', async () => (await stateOf('api')) === 'run', { timeout: 15_000 });
  assert.equal(page.url().includes('token'), false, 'the token leaves the address bar');
  const logOf = (service: string): Promise<string | null> =>
    page.$eval(`tr[data-service="${service}"] pre.logs`, (pre) => pre.textContent).catch(() => null);
  await waitFor("api's log line on the page", async () => (await logOf('api'))?.includes('api-started'), { timeout: 15_000 });
  assert.match((await logOf('worker')) ?? '', /no log service/);

  // Changes made elsewhere arrive live, without a reload.
  await api.down();
  await waitFor('the page to show api down', async () => (await stateOf('api')) === 'down', { timeout: 10_000 });
  await api.up();
  await waitFor('the page to show api up again', async () => (await stateOf('api')) === 'run', { timeout: 10_000 });

  // The buttons act on the service.
  await page.click('tr[data-service="worker"] button[data-action="down"]');
  const worker = new Client(join(tree.dir, 'worker'));
  await waitFor('worker down by the button', () => worker.status().then((s) => s.state === 'down' && s.want === 'down'), { timeout: 10_000 });
  await waitFor('the page to show worker down', async () => (await stateOf('worker')) === 'down', { timeout: 10_000 });
  const before = (await worker.status()).pid;
  await page.click('tr[data-service="worker"] button[data-action="up"]');
  await waitFor('worker up by the button', () => running(worker), { timeout: 10_000 });
  const pid = (await worker.status()).pid;
  await page.click('tr[data-service="worker"] button[data-action="restart"]');
  await waitFor('worker restarted by the button', () => worker.status().then((s) => s.state === 'run' && s.pid !== pid), { timeout: 10_000 });
  assert.notEqual(before, pid);

  // A page from another origin, in the same browser, with the token, is refused.
  const other = await browser.newPage();
  await other.goto('about:blank');
  const status = await other.evaluate(
    async (url, token) => {
      try {
        const response = await fetch(`${url}/api/control`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{"service":"api","action":"down"}' });
        return response.status;
      } catch {
        return 'blocked';
      }
    },
    new URL(web.url).origin,
    TOKEN,
  );
  assert.notEqual(status, 204);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(await running(api), true, 'api untouched by the foreign page');
});

for (const kind of TREE_KINDS) {
  test(`control without the token, from another origin or under another Host is refused (${kind})`, { skip: NEEDS_RUNIT, timeout: 60_000 }, async (t) => {
    const tree = startViewTree(t, kind, { api: {} });
    const api = new Client(join(tree.dir, 'api'));
    await waitFor('api running', () => running(api), { timeout: 20_000 });
    const web = await startWeb([tree.dir], { port: 0, token: TOKEN });
    t.after(() => web.close());
    const origin = new URL(web.url).origin;
    const control = `${origin}/api/control`;
    const body = '{"service":"api","action":"down"}';
    const json = { 'content-type': 'application/json' };
    assert.equal(await post(control, json, body), 401, 'no token');
    assert.equal(await post(control, { ...json, authorization: `Bearer ${'b'.repeat(32)}` }, body), 401, 'a wrong token');
    assert.equal(await post(control, { ...json, authorization: `Bearer ${TOKEN}`, origin: 'http://evil.example' }, body), 403, 'another origin');
    assert.equal(await post(control, { ...json, authorization: `Bearer ${TOKEN}`, host: 'evil.example' }, body), 403, 'a rebound host name');
    assert.equal(await post(control, { 'content-type': 'text/plain', authorization: `Bearer ${TOKEN}` }, body), 415, 'a simple (no-preflight) request');
    assert.equal(await running(api), true, 'nothing was controlled');
    assert.equal(await post(control, { ...json, authorization: `Bearer ${TOKEN}`, origin }, body), 204);
    await waitFor('api down by the good request', () => api.status().then((s) => s.state === 'down'));
    assert.match(web.url, /^http:\/\/127\.0\.0\.1:\d+\/#token=a{32}$/);
  });
}

test('node-runit web prints its address with a fresh token, and stops on SIGINT', { skip: NEEDS_RUNIT, timeout: 30_000 }, async (t) => {
  const tree = startViewTree(t, 'ours in process', { one: {} });
  const child = spawn(ourBin('node-runit'), ['web', '--port', '0', tree.dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  t.after(() => child.kill('SIGKILL'));
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const url = await waitFor('the address line', () => /status page on (http:\/\/127\.0\.0\.1:\d+)\/#token=([0-9a-f]{32})\n/.exec(err) ?? undefined);
  const page = await fetch(`${url[1]}/`);
  assert.match(await page.text(), /<title>node-runit<\/title>/);
  child.kill('SIGINT');
  assert.equal(await new Promise((resolve) => child.on('exit', resolve)), 0);
});
