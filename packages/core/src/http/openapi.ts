import type { FastifyInstance, RouteOptions } from 'fastify';

/** One API operation as the OpenAPI document lists it. */
export interface DocumentedRoute {
  method: string;
  url: string;
  schema: NonNullable<RouteOptions['schema']>;
  operationId: string | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The API routes with schemas, recorded as they register (shared by every child context). */
    documentedRoutes: DocumentedRoute[];
  }
}

/** Records every API route with a schema, so the served OpenAPI document is the routes themselves. */
export function collectOpenApiRoutes(app: FastifyInstance): void {
  const routes: DocumentedRoute[] = [];
  app.decorate('documentedRoutes', routes);
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/v3/') || !route.schema) return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      routes.push({
        method: method.toLowerCase(),
        url: route.url,
        schema: route.schema,
        operationId: (route.config as { operationId?: string } | undefined)?.operationId,
      });
    }
  });
}

/** Renders the OpenAPI 3.1 document of the API routes registered on `app`. */
export function renderOpenApi(app: FastifyInstance, version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of app.documentedRoutes) {
    const path = route.url.replace(/^\/api\/v3/, '').replace(/:(\w+)/g, '{$1}');
    const schema = route.schema as Record<string, unknown>;
    const parameters = [
      ...objectParameters(schema.params, 'path'),
      ...objectParameters(schema.querystring, 'query'),
    ];
    const responses: Record<string, unknown> = {};
    for (const [status, body] of Object.entries((schema.response ?? {}) as Record<string, unknown>)) {
      responses[status] =
        status === '204'
          ? { description: 'No content' }
          : { description: '', content: { 'application/json': { schema: body } } };
    }
    paths[path] ??= {};
    paths[path][route.method] = {
      operationId: route.operationId,
      ...(parameters.length ? { parameters } : {}),
      ...(schema.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: schema.body } } } }
        : {}),
      responses,
      security: [{ authentik: [] }],
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Palisade API',
      version,
      description: 'Palisade REST API v3 (mirrors the reference API subset).',
    },
    servers: [{ url: '/api/v3' }],
    paths,
    components: { securitySchemes: { authentik: { type: 'http', scheme: 'bearer' } } },
  };
}

function objectParameters(schema: unknown, location: 'path' | 'query'): unknown[] {
  const properties = (schema as { properties?: Record<string, unknown>; required?: string[] } | undefined)
    ?.properties;
  if (!properties) return [];
  const required = new Set((schema as { required?: string[] }).required ?? []);
  return Object.entries(properties).map(([name, s]) => ({
    in: location,
    name,
    required: location === 'path' || required.has(name),
    schema: s,
  }));
}
