import { z } from 'zod';
import type { AnyRoute } from './route.ts';

function jsonSchema(s: z.ZodType): unknown {
  try {
    return z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });
  } catch {
    return { type: 'object' };
  }
}

/** OpenAPI 3.1 document generated from the registered routes' zod schemas. */
export function openApiDocument(registry: AnyRoute[], version: string): unknown {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of registry) {
    const path = r.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const params: unknown[] = [...r.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    if (r.query) {
      const js = jsonSchema(r.query) as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, schema] of Object.entries(js.properties ?? {})) params.push({ name, in: 'query', required: js.required?.includes(name) ?? false, schema });
    }
    const op: Record<string, unknown> = {
      summary: r.summary,
      tags: [r.tag],
      parameters: params,
      security: r.permission === 'public' ? [] : [{ bearer: [] }],
      responses: {
        [String(r.status ?? 200)]: { description: 'OK' },
        '400': { description: 'Invalid input', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
        ...(r.permission === 'public' ? {} : { '401': { description: 'Missing or invalid token' }, '403': { description: `Role lacks permission ${r.permission}` } }),
      },
      'x-permission': r.permission,
    };
    const body = r.body ?? r.bodyDoc;
    if (body) op.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(body) } } };
    (paths[path] ??= {})[r.method] = op;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Zongheng API', version, description: 'AI safety governance: inventory, grading, risk register, controls, evidence, audit. 纵横 AI 安全治理平台 API。' },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Error: {
          type: 'object',
          properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, field: { type: 'string' }, allowed: { type: 'string' } }, required: ['code', 'message'] } },
        },
      },
    },
    paths,
  };
}
