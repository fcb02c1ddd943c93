import { findApplicationBySlug } from '../applications/applications-repository.ts';
import type { AppContext } from '../context.ts';
import type { User } from '../identity/users-repository.ts';
import { evaluateAccess } from '../policies/engine.ts';
import { providerTypesOf } from './provider-types.ts';

/** The contract's PolicyTestResult. */
export interface AccessCheck {
  passing: boolean;
  messages: string[];
  log_messages: never[];
}

/**
 * Whether `user` may use the application `appSlug` through provider `providerId` of `kind` (an LDAP bind,
 * a RADIUS request), by the application's policy bindings, evaluated fresh. Every doubt is a refusal
 * answered as `passing: false` with a message, never an error status: the reference LDAP outpost treats a
 * failed access check as success (reference-outposts-against-palisade.md §4.4), so this check must always
 * answer, and answer no when the provider, the application or their link is not what the outpost thinks.
 */
export async function checkOutpostAccess(
  ctx: AppContext,
  input: { user: User; providerId: number; kind: 'ldap' | 'radius'; appSlug: string | undefined },
): Promise<AccessCheck> {
  const refuse = (message: string): AccessCheck => ({
    passing: false,
    messages: [message],
    log_messages: [],
  });
  const kinds = await providerTypesOf(ctx.db, [input.providerId]);
  if (kinds.get(input.providerId) !== input.kind)
    return refuse(`No ${input.kind} provider ${input.providerId}.`);
  const application = input.appSlug ? await findApplicationBySlug(ctx.db, input.appSlug) : undefined;
  if (!application) return refuse('No such application.');
  if (application.providerId !== input.providerId)
    return refuse('The application does not use this provider.');
  if (!input.user.isActive) return refuse('The user is inactive.');
  const access = await evaluateAccess(ctx.db, application.uuid, application.policyEngineMode, input.user.id);
  return { passing: access.passing, messages: access.messages, log_messages: [] };
}
