import { type Static, type TSchema, Type } from '@sinclair/typebox';
import {
  Device,
  DEVICE_NAME_MAX,
  DeviceRequest,
  GenericError,
  ListQuery,
  Paginated,
  PatchedDeviceRequest,
  StaticDevice,
  TotpDevice,
  ValidationError,
  WebAuthnDevice,
} from '@palisade/schema';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import { ApiError, assertThat, notFound } from '../../http/api-error.ts';
import { paginated, pageWindow } from '../../http/pagination.ts';
import {
  DEVICE_KINDS,
  type DeviceKind,
  deleteDevice,
  findDevice,
  listDevices,
  listUserDevices,
  renameDevice,
} from '../../mfa/devices-repository.ts';
import { presentDevice, presentKindDevices } from './device-presenters.ts';

const errors = { 400: ValidationError, 403: GenericError, 404: GenericError };

const SCHEMAS: Record<DeviceKind, TSchema> = {
  totp: TotpDevice,
  static: StaticDevice,
  webauthn: WebAuthnDevice,
};

const DeviceId = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2147483647 }) });
const DeviceListQuery = Type.Object({ ...ListQuery, name: Type.Optional(Type.String({ maxLength: 200 })) });
const AdminAllQuery = Type.Object({ user: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647 })) });

/** Who the routes serve: the signed-in user's own devices, or (admin) everyone's. */
type Audience = 'user' | 'admin';

function caller(request: FastifyRequest) {
  const user = request.principal?.user;
  if (!user) throw new ApiError('not_authenticated');
  return user;
}

/**
 * /authenticators/<kind>/ (the signed-in user's own devices) or /authenticators/admin/<kind>/ (any user's,
 * for admins): list, retrieve, rename, delete; and /authenticators/all/ or /authenticators/admin/all/?user=.
 * A device of someone else is answered 404 to a user, as if it did not exist. Devices are made by the setup
 * stages of flows only: the admin create operation is not served.
 */
export function authenticatorRoutes(ctx: AppContext, audience: Audience): FastifyPluginAsync {
  const base = audience === 'admin' ? '/authenticators/admin' : '/authenticators';
  const op = audience === 'admin' ? 'authenticators_admin' : 'authenticators';
  // Undefined for admins: no owner restriction.
  const ownerOf = (request: FastifyRequest) => (audience === 'admin' ? undefined : caller(request).id);

  return async (app) => {
    for (const kind of DEVICE_KINDS) {
      const schema = SCHEMAS[kind];
      const max = DEVICE_NAME_MAX[kind];
      app.get<{ Querystring: Static<typeof DeviceListQuery> }>(
        `${base}/${kind}/`,
        {
          schema: { querystring: DeviceListQuery, response: { 200: Paginated(schema), ...errors } },
          config: { operationId: `${op}_${kind}_list` },
        },
        async (request) => {
          const q = request.query;
          const { devices, count } = await listDevices(ctx.db, kind, {
            ...pageWindow(q),
            filter: { userId: ownerOf(request), name: q.name },
          });
          return paginated(q, await presentKindDevices(ctx, ctx.db, devices), count);
        },
      );

      app.get<{ Params: Static<typeof DeviceId> }>(
        `${base}/${kind}/:id/`,
        {
          schema: { params: DeviceId, response: { 200: schema, ...errors } },
          config: { operationId: `${op}_${kind}_retrieve` },
        },
        async (request) => {
          const device = await findDevice(ctx.db, kind, request.params.id, ownerOf(request));
          assertThat(device, notFound);
          const [body] = await presentKindDevices(ctx, ctx.db, [device]);
          assertThat(body, notFound);
          return body;
        },
      );

      for (const [method, body, suffix] of [
        ['PUT', DeviceRequest(max), 'update'],
        ['PATCH', PatchedDeviceRequest(max), 'partial_update'],
      ] as const) {
        app.route<{ Params: Static<typeof DeviceId>; Body: { name?: string } }>({
          method,
          url: `${base}/${kind}/:id/`,
          schema: { params: DeviceId, body, response: { 200: schema, ...errors } },
          config: { operationId: `${op}_${kind}_${suffix}` },
          handler: async (request) => {
            const owner = ownerOf(request);
            const { name } = request.body;
            const device =
              name === undefined
                ? await findDevice(ctx.db, kind, request.params.id, owner)
                : await renameDevice(ctx.db, kind, request.params.id, name, owner);
            assertThat(device, notFound);
            request.log.info({ kind, device: device.id, user: device.userId }, 'authenticator renamed');
            const [presented] = await presentKindDevices(ctx, ctx.db, [device]);
            assertThat(presented, notFound);
            return presented;
          },
        });
      }

      app.delete<{ Params: Static<typeof DeviceId> }>(
        `${base}/${kind}/:id/`,
        {
          schema: { params: DeviceId, response: { 204: Type.Null(), ...errors } },
          config: { operationId: `${op}_${kind}_destroy` },
        },
        async (request, reply) => {
          const owner = ownerOf(request);
          const device = await findDevice(ctx.db, kind, request.params.id, owner);
          assertThat(device && (await deleteDevice(ctx.db, kind, device.id, owner)), notFound);
          request.log.info(
            { kind, device: device.id, user: device.userId, by: request.principal?.user.username },
            'authenticator deleted',
          );
          return reply.code(204).send();
        },
      );

      if (audience === 'user') {
        app.get<{ Params: Static<typeof DeviceId> }>(
          `${base}/${kind}/:id/used_by/`,
          {
            schema: { params: DeviceId, response: { 200: Type.Array(Type.Unknown()), ...errors } },
            config: { operationId: `${op}_${kind}_used_by_list` },
          },
          async (request) => {
            assertThat(await findDevice(ctx.db, kind, request.params.id, ownerOf(request)), notFound);
            // Nothing refers to a device: deleting one removes nothing else.
            return [];
          },
        );
      }
    }

    app.get<{ Querystring: Static<typeof AdminAllQuery> }>(
      `${base}/all/`,
      {
        schema: {
          querystring: audience === 'admin' ? AdminAllQuery : Type.Object({}),
          response: { 200: Type.Array(Device), ...errors },
        },
        config: { operationId: `${op}_all_list` },
      },
      async (request) => {
        // The reference's admin "all" without ?user= lists the caller's own devices, as the user one does.
        const userId = request.query.user ?? caller(request).id;
        return (await listUserDevices(ctx.db, userId)).map(presentDevice);
      },
    );
  };
}
