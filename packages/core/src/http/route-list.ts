import type { FastifyInstance } from 'fastify';

/** One registered route. */
export interface RegisteredRoute {
  method: string;
  url: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route as it registered, with or without a schema (the access tests walk them all). */
    registeredRoutes: RegisteredRoute[];
  }
}

/** Records every route of the app (HEAD routes Fastify adds beside GET are left out). */
export function collectRegisteredRoutes(app: FastifyInstance): void {
  const routes: RegisteredRoute[] = [];
  app.decorate('registeredRoutes', routes);
  app.addHook('onRoute', (route) => {
    for (const method of Array.isArray(route.method) ? route.method : [route.method]) {
      if (method !== 'HEAD') routes.push({ method, url: route.url });
    }
  });
}
