import { after, before, describe, it } from 'node:test';
import { type AttackClass, type AttackContext, sender, type Sessions } from './attack.ts';
import { cookieTampering } from './classes/cookie-tampering.ts';
import { endedSessions } from './classes/ended-sessions.ts';
import { headerSpoofing } from './classes/header-spoofing.ts';
import { hostDisagreement } from './classes/host-disagreement.ts';
import { openRedirect } from './classes/open-redirect.ts';
import { originalUrl } from './classes/original-url.ts';
import { pathConfusion } from './classes/path-confusion.ts';
import { assertNoSecretsIn } from './log-secrets.ts';
import { Visitor } from './visitor.ts';
import { type AttackWorld, USERS } from './world.ts';

/** Every class of the suite, in the order it runs (ended sessions last: they wait for an expiry). */
export const ATTACK_CLASSES: readonly AttackClass[] = [
  headerSpoofing,
  originalUrl,
  hostDisagreement,
  pathConfusion,
  openRedirect,
  cookieTampering,
  endedSessions,
];

/** Signs the suite's users in through the stack, each as a browser would. */
async function openSessions(world: AttackWorld, secret: AttackContext['secret']): Promise<Sessions> {
  const { alice, mallory } = USERS;
  const signedIn = async (app: string) => {
    const visitor = new Visitor(secret);
    await visitor.signIn(`${app}/private/first?a=1`, alice.username, alice.password);
    return visitor;
  };
  const aliceVisitor = await signedIn(world.origins.one);
  for (const app of [world.origins.two, world.origins.short])
    await aliceVisitor.follow(`${app}/private/first`);
  const shortSignedInAt = Date.now();
  const malloryVisitor = new Visitor(secret);
  await malloryVisitor.signIn(`${world.origins.two}/private/first`, mallory.username, mallory.password);
  await malloryVisitor.follow(`${world.origins.short}/private/first`);
  // A failed sign-in: the password typed must not be logged either.
  await new Visitor(secret)
    .signIn(`${world.origins.one}/private/first`, alice.username, `${alice.password}-wrong-typed`)
    .then(
      () => Promise.reject(new Error('a wrong password signed in')),
      () => undefined,
    );
  return {
    alice: aliceVisitor,
    mallory: malloryVisitor,
    wanderer: await signedIn(world.origins.one),
    stranger: () => new Visitor(secret),
    leaving: () => signedIn(world.origins.one),
    shortSignedInAt,
  };
}

/**
 * Registers the whole attack suite against one stack: `start` brings it up once, every attack of every class
 * runs against it (those that do not apply to `kind` are not registered), and at the end the core's and the
 * outpost's output is searched for every credential the suite saw.
 */
export function runAttackSuite(
  title: string,
  kind: AttackWorld['kind'],
  start: () => Promise<AttackWorld>,
): void {
  describe(title, () => {
    let ctx: AttackContext | undefined;
    const secrets = new Map<string, string>();
    const secret = (kindOf: string, value: string) => secrets.set(value, kindOf);
    before(async () => {
      const world = await start();
      try {
        ctx = { world, sessions: await openSessions(world, secret), secret, send: sender(world) };
      } catch (error) {
        await world.close();
        throw error;
      }
    });
    after(() => ctx?.world.close());
    const context = () => {
      if (!ctx) throw new Error('the stack did not start');
      return ctx;
    };
    for (const attackClass of ATTACK_CLASSES)
      describe(attackClass.name, () => {
        for (const attack of attackClass.attacks) {
          if (attack.only && !attack.only(kind)) continue;
          it(attack.name, () => attack.run(context()));
        }
      });
    it('credentials in logs: nothing the suite saw on the wire appears in the core or the outpost output', () => {
      const { world } = context();
      for (const record of world.echo.received) {
        const jwt = record.headers['x-authentik-jwt'];
        if (typeof jwt === 'string' && jwt) secrets.set(jwt, 'access token');
      }
      assertNoSecretsIn(world.logs(), secrets);
    });
  });
}
