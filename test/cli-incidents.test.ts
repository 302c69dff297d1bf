import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bankSystem, startTestServer, type TestServer } from './helpers.ts';

const BIN = join(import.meta.dirname, '..', 'bin', 'zongheng');

/** `zongheng incident …` against a running server (ZONGHENG_URL + ZONGHENG_TOKEN). */
describe('zongheng incident', () => {
  let s: TestServer;
  let systemId = '';
  const cli = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const p = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ZONGHENG_URL: s.url, ZONGHENG_TOKEN: s.token }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d) => (stdout += d));
      p.stderr.on('data', (d) => (stderr += d));
      p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
  before(async () => {
    s = await startTestServer();
    systemId = (await s.api('POST', '/api/systems', bankSystem)).body.id;
  });
  after(async () => {
    await s?.cleanup();
  });

  it('reports, updates and shows an incident; bad input exits 2 naming the field', async () => {
    const add = await cli(['incident', 'add', '--system', systemId, '--title', 'Chatbot leaked an account number', '--severity', 'high', '--taxonomy', 'tc260.3.1.1.b', '--json']);
    assert.equal(add.code, 0, add.stderr);
    const id = JSON.parse(add.stdout).id as string;
    const upd = await cli(['incident', 'update', id, '--status', 'resolved', '--reason', 'output filter deployed', '--json']);
    assert.equal(upd.code, 0, upd.stderr);
    assert.equal(JSON.parse(upd.stdout).status, 'resolved');
    const show = await cli(['incident', 'show', id]);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /status-resolved/);
    assert.match(show.stdout, /output filter deployed/);
    const bad = await cli(['incident', 'add', '--system', systemId, '--title', 'x', '--severity', 'high', '--taxonomy', 'nope.1']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /taxonomyIds\[0\]/);
  });
});
