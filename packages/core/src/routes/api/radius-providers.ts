import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import {
  PatchedRadiusProviderRequest,
  RadiusProvider as ProviderBody,
  RadiusProviderRequest,
} from '@palisade/schema';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../context.ts';
import type { SecretBox } from '../../identity/secret-box.ts';
import {
  newSharedSecret,
  RADIUS_TABLE,
  type RadiusProvider,
  revealRadiusSettings,
} from '../../radius/radius-providers.ts';
import { assertValidRadiusProvider } from '../../radius/validate.ts';
import { kindProviderRoutes } from './kind-provider-routes.ts';
import { presentProvider } from './provider-kinds.ts';

type RadiusInput = Static<typeof PatchedRadiusProviderRequest>;

/** A RADIUS provider in the contract's RadiusProvider shape (its shared secret in clear, for superusers). */
export function presentRadiusProvider(box: SecretBox, provider: RadiusProvider): Static<typeof ProviderBody> {
  return {
    ...presentProvider(provider, 'radius'),
    ...revealRadiusSettings(box, provider.settings),
    outpost_set: provider.outpostSet,
  };
}

/** /providers/radius/: the admin API for RADIUS providers. */
export function radiusProviderRoutes(ctx: AppContext): FastifyPluginAsync {
  return kindProviderRoutes(ctx, {
    kind: 'radius',
    table: RADIUS_TABLE,
    schemas: { body: ProviderBody, create: RadiusProviderRequest, patch: PatchedRadiusProviderRequest },
    iexactFilters: {
      authorization_flow__slug: Type.String(),
      client_networks: Type.String(),
      name: Type.String(),
    },
    present: (provider) => presentRadiusProvider(ctx.box, provider),
    async columns(tx, body: RadiusInput, current) {
      const { clientNetworks } = await assertValidRadiusProvider(tx, body);
      // A new provider without a secret gets a random one, as in the reference.
      const secret = body.shared_secret ?? (current ? undefined : newSharedSecret());
      return {
        client_networks: clientNetworks,
        shared_secret_sealed: secret === undefined ? undefined : ctx.box.seal(secret),
        mfa_support: body.mfa_support,
        certificate: body.certificate,
        auth_cache_seconds: body.auth_cache_seconds,
      };
    },
  });
}
