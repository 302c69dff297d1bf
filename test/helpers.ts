import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Config } from '../src/server/config.ts';
import { startServer, type RunningServer } from '../src/server/start.ts';

/**
 * Test stores: embedded PGlite in a temp dir by default; a fresh PostgreSQL database per call when
 * ZONGHENG_TEST_DATABASE_URL is set (CI sets it), dropped again by `cleanup`.
 */
export async function testConfig(): Promise<{ config: Config; cleanup: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'zh-test-'));
  const base = process.env.ZONGHENG_TEST_DATABASE_URL;
  let databaseUrl: string | undefined;
  let dropDb = async () => undefined as void;
  if (base) {
    const name = `zh_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const u = new URL(base);
    u.pathname = `/${name}`;
    databaseUrl = u.toString();
    dropDb = async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  }
  const config: Config = { dataDir, databaseUrl, port: 0, host: '127.0.0.1', logLevel: 'silent' };
  return {
    config,
    cleanup: async () => {
      await dropDb();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface TestServer extends RunningServer {
  token: string;
  api: <T = any>(method: string, path: string, body?: unknown, token?: string | null) => Promise<{ status: number; body: T }>;
  cleanup: () => Promise<void>;
}

export async function startTestServer(opts: { demo?: boolean } = {}): Promise<TestServer> {
  const { config, cleanup } = await testConfig();
  const server = await startServer(config, {
    quiet: true,
    beforeListen: opts.demo ? async (rt) => void (await (await import('../src/governance/demo.ts')).seedDemo(rt.gov)) : undefined,
  });
  const { readFileSync } = await import('node:fs');
  const token = readFileSync(server.adminTokenPath, 'utf8').trim();
  const api = async (method: string, path: string, body?: unknown, tok: string | null = token) => {
    const res = await fetch(server.url + path, {
      method,
      headers: { ...(tok ? { authorization: `Bearer ${tok}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    ...server,
    token,
    api,
    cleanup: async () => {
      await server.stop();
      await cleanup();
    },
  };
}

export const bankSystem = {
  name: 'Test bank assistant',
  owner: 'Retail',
  domain: 'finance',
  population: 'public',
  lifecycleStage: 'operation',
  autonomyLevel: 'L2',
  organisationRole: 'application-provider',
  deploymentMode: 'saas',
  capabilities: ['text-generation', 'rag'],
  dataCategories: ['personal', 'financial'],
  jurisdictions: ['cn'],
  models: [{ name: 'qwen', version: '1', source: 'open-source' }],
};
