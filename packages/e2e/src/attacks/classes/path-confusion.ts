/**
 * Paths that a skip rule (`^/public/`) might match while a backend reads them as a protected path (issue 13,
 * point 8): dot segments hidden by `;`, percent-encoding, double encoding, encoded slashes and backslashes,
 * control bytes, and query or fragment tricks. None may reach the application without a session.
 */
import { type Attack, type AttackClass, assertRefused, assertServedAs, sessionCookie } from '../attack.ts';
import { USERS } from '../world.ts';

/** Request targets, sent byte for byte. */
export const CONFUSED_PATHS: string[] = [
  '/public/..;/private',
  '/public/..;/private/x',
  '/public/..;a=b/private',
  '/public/%2e%2e/private',
  '/public/%2E%2E/private',
  '/public/.%2e/private',
  '/public/%2e./private',
  '/public/%2e%2e;/private',
  '/public/%252e%252e/private',
  '/public/%252E%252E/private',
  '/public/%25%32%65%25%32%65/private',
  '/public/..%2fprivate',
  '/public/..%2Fprivate',
  '/public/%2e%2e%2fprivate',
  '/public%2f..%2fprivate',
  '/public/..%252fprivate',
  '/public/..%5cprivate',
  '/public/..%5Cprivate',
  '/public/..\\private',
  '/public\\..\\private',
  '/public/x/..\\..\\private',
  '/public/;jsessionid=abc/../private',
  '/public/x;jsessionid=abc',
  '/public/%00/../private',
  '/public/x%00',
  '/public/%00.css',
  '/public/.%00./private',
  '/public/%c0%ae%c0%ae/private',
  '/public/%e0%80%ae%e0%80%ae/private',
  '/public/%u002e%u002e/private',
  '/public/%zz/../private',
  '/public/%/../private',
  '/public/%09/../private',
  '/public/x%0d%0aX-Injected:%201',
];

/** Targets that are simply protected paths whatever the decoding (the rule must not match them either). */
const PROTECTED_PATHS: string[] = [
  '/private',
  '/public',
  '/Public/x',
  '/PUBLIC/x',
  '/public/../private',
  '/./public/../private',
  '//public/../private',
  '/private?/public/x',
  '/private?x=/public/',
  '/private#/public/x',
  '/private%3f/public/x',
  '/private%23/public/x',
  '/private;/public/x',
  '/x/public/y',
];

const attacks: Attack[] = [
  {
    name: 'control: /public/ok is served without a session, with no identity',
    run: async (ctx) => assertServedAs(await ctx.send('one', { target: '/public/ok' }), '', '/public/ok'),
  },
  {
    name: 'control: /private/ok is refused without a session',
    run: async (ctx) => assertRefused(await ctx.send('one', { target: '/private/ok' }), '/private/ok'),
  },
  {
    name: 'control: /private/ok is served to alice',
    run: async (ctx) => {
      const cookie = sessionCookie(ctx, ctx.sessions.alice, 'one');
      assertServedAs(
        await ctx.send('one', { target: '/private/ok', headers: [['Cookie', cookie]] }),
        USERS.alice.username,
        'alice',
      );
    },
  },
];
for (const target of [...CONFUSED_PATHS, ...PROTECTED_PATHS])
  attacks.push({
    name: `${JSON.stringify(target)} without a session: refused`,
    run: async (ctx) => assertRefused(await ctx.send('one', { target }), target),
  });

/** Path confusion against a skip rule. */
export const pathConfusion: AttackClass = { name: 'path confusion against skip_path_regex', attacks };
