import { Type } from '@sinclair/typebox';
import { GenericError, ValidationError } from '@palisade/schema';
import { OutpostTokenRotation } from '@palisade/schema/api/service-connections';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../context.ts';
import { startTokenRotation } from './token-rotation.ts';

const OutpostId = Type.Object({ uuid: Type.String({ format: 'uuid' }) });

/** `POST /outposts/instances/{uuid}/rotate_token/`: a Palisade extension (docs/integrations/docker.md, kubernetes.md). */
export function rotationRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.post<{ Params: { uuid: string } }>(
      '/outposts/instances/:uuid/rotate_token/',
      {
        schema: {
          params: OutpostId,
          response: { 200: OutpostTokenRotation, 400: ValidationError, 403: GenericError, 404: GenericError },
        },
        config: { operationId: 'outposts_instances_rotate_token_create' },
      },
      async (request) => {
        const { tokenIdentifier, retiringIdentifier } = await startTokenRotation(ctx, request.params.uuid);
        request.log.info({ outpost: request.params.uuid }, 'outpost token rotation started');
        return {
          outpost: request.params.uuid,
          token_identifier: tokenIdentifier,
          retiring_token_identifier: retiringIdentifier,
        };
      },
    );
  };
}
