import type { Static } from '@sinclair/typebox';
import { Event, EventRequest, GenericError, ValidationError } from '@palisade/schema';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../context.ts';
import { insertEvent } from '../../events/events-repository.ts';
import { presentEvent } from './event-presenter.ts';

/** POST /events/events/: an outpost (or a superuser) records an event, as the reference's outposts do. */
export function eventRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.post<{ Body: Static<typeof EventRequest> }>(
      '/events/events/',
      {
        schema: {
          body: EventRequest,
          response: { 201: Event, 400: ValidationError, 403: GenericError },
        },
        config: { operationId: 'events_events_create' },
      },
      async (request, reply) => {
        const body = request.body;
        const event = await insertEvent(ctx.db, {
          action: body.action,
          app: body.app,
          clientIp: body.client_ip,
          user: body.user,
          context: body.context,
          brand: body.brand,
          expires: body.expires === undefined ? undefined : new Date(body.expires),
        });
        request.log.info(
          { event: event.uuid, action: event.action, outpost: request.outpost?.name },
          'event recorded',
        );
        return reply.code(201).send(presentEvent(event));
      },
    );
  };
}
