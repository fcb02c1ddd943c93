/**
 * Spoofing every identity header of the contract: whatever spelling, case, repetition or joining a client
 * uses, its value never reaches the application, signed in or not.
 */
import { IDENTITY_RESPONSE_HEADERS } from '@palisade/schema/identity-headers';
import { type Attack, type AttackClass, assertServedAs, sessionCookie } from '../attack.ts';
import { USERS } from '../world.ts';

const MARKER = 'spoofed-by-client';

/** The ways a client may spell one header, each a list of header lines. */
function spellings(header: string): Array<[string, Array<[string, string]>]> {
  const underscored = header.replace(/-/g, '_');
  return [
    ['as the contract spells it', [[header, MARKER]]],
    ['lowercase', [[header.toLowerCase(), MARKER]]],
    ['uppercase', [[header.toUpperCase(), MARKER]]],
    ['with underscores', [[underscored, MARKER]]],
    ['with underscores, lowercase', [[underscored.toLowerCase(), MARKER]]],
    [
      'duplicated',
      [
        [header, MARKER],
        [header, `${MARKER}-2`],
      ],
    ],
    ['comma-joined with a real-looking value', [[header, `akadmin, ${MARKER}`]]],
    [
      'dash and underscore spellings together',
      [
        [underscored, MARKER],
        [header, MARKER],
      ],
    ],
  ];
}

const attacks: Attack[] = [];
for (const header of IDENTITY_RESPONSE_HEADERS) {
  for (const [how, lines] of spellings(header)) {
    attacks.push({
      name: `${header} ${how}, signed in: the app sees the outpost's value only`,
      run: async (ctx) => {
        const cookie = sessionCookie(ctx, ctx.sessions.alice, 'one');
        const sent = await ctx.send('one', {
          target: '/private/spoof',
          headers: [['Cookie', cookie], ...lines],
        });
        assertServedAs(sent, USERS.alice.username, `${header} ${how}`, MARKER);
      },
    });
    attacks.push({
      name: `${header} ${how}, on an unauthenticated path: the app sees no identity`,
      run: async (ctx) => {
        const sent = await ctx.send('one', { target: '/public/spoof', headers: lines });
        assertServedAs(sent, '', `${header} ${how} on /public/`, MARKER);
      },
    });
  }
}

/** Identity header spoofing. */
export const headerSpoofing: AttackClass = { name: 'identity header spoofing', attacks };
