import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { Event, EVENT_ACTIONS, GenericError, ListQuery, Paginated, ValidationError } from '@palisade/schema';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../context.ts';
import { findEvent, listEvents } from '../../events/events-repository.ts';
import { assertThat, notFound } from '../../http/api-error.ts';
import { paginated, pageWindow } from '../../http/pagination.ts';
import { presentEvent } from './event-presenter.ts';

const errors = { 400: ValidationError, 403: GenericError, 404: GenericError };
const EventListQuery = Type.Object({
  ...ListQuery,
  action: Type.Optional(Type.String({ maxLength: 200 })),
  actions: Type.Optional(
    Type.Array(Type.Union(EVENT_ACTIONS.map((a) => Type.Literal(a))), { maxItems: EVENT_ACTIONS.length }),
  ),
  username: Type.Optional(Type.String({ maxLength: 150 })),
  client_ip: Type.Optional(Type.String({ maxLength: 100 })),
});

/**
 * GET /events/events/ and /events/events/{uuid}/: the event log, for superusers only (it names who signed in
 * from where). Newest first unless `ordering` says otherwise; `search` matches action, app, client IP,
 * username and the context's text.
 */
export function eventListRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Querystring: Static<typeof EventListQuery> }>(
      '/events/events/',
      {
        schema: { querystring: EventListQuery, response: { 200: Paginated(Event), ...errors } },
        config: { operationId: 'events_events_list' },
      },
      async (request) => {
        const q = request.query;
        const { events, count } = await listEvents(ctx.db, {
          ...pageWindow(q),
          filter: { action: q.action, actions: q.actions, username: q.username, clientIp: q.client_ip },
        });
        return paginated(q, events.map(presentEvent), count);
      },
    );

    app.get<{ Params: { event_uuid: string } }>(
      '/events/events/:event_uuid/',
      {
        schema: {
          params: Type.Object({ event_uuid: Type.String({ format: 'uuid' }) }),
          response: { 200: Event, ...errors },
        },
        config: { operationId: 'events_events_retrieve' },
      },
      async (request) => {
        const event = await findEvent(ctx.db, request.params.event_uuid);
        assertThat(event, notFound);
        return presentEvent(event);
      },
    );
  };
}
