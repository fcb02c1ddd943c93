import { TokenRequest } from '@palisade/schema';
import { checkInput } from './check-input.ts';
import { type Command, EXIT } from './command.ts';

const tokenFields = TokenRequest.properties;

export const tokenCreateCommand: Command = {
  name: 'token create',
  summary: 'Create a token for a user and print its key once.',
  usage: `Usage: palisade token create <identifier> --user USERNAME [--intent api|app_password]
                             [--description TEXT] [--expires ISO-8601]

Creates a token and prints its key on stdout, and nothing else there: KEY=$(palisade token create ...).
The key is stored encrypted; afterwards only an administrator can view it again, through the API.
  --user USERNAME      owner of the token (required)
  --intent INTENT      api (default: calls the REST API) or app_password (signs in non-interactively)
  --description TEXT   what the token is for
  --expires WHEN       expiry, ISO 8601: 2027-01-01T00:00:00Z, or 2027-01-01 for midnight UTC
                       (default: never expires)`,
  argumentNames: ['<identifier>'],
  options: {
    user: { type: 'string' },
    intent: { type: 'string', default: 'api' },
    description: { type: 'string' },
    expires: { type: 'string' },
  },
  async run({ values, positionals }, io) {
    const [identifier = ''] = positionals;
    const { user: username, intent } = values;
    const description = typeof values.description === 'string' ? values.description : undefined;
    const expiry = typeof values.expires === 'string' ? parseExpiry(values.expires) : {};
    const problems: string[] = [];
    if (typeof username !== 'string') problems.push('--user is required');
    if (intent !== 'api' && intent !== 'app_password') problems.push('--intent must be api or app_password');
    if (expiry.problem) problems.push(expiry.problem);
    checkInput(
      [
        {
          value: identifier,
          schema: tokenFields.identifier,
          problem: '<identifier> must be 1 to 255 letters, digits, - or _',
        },
        {
          value: description,
          schema: tokenFields.description,
          problem: '--description must be at most 1000 characters',
        },
      ],
      problems,
    );
    const { withAdmin } = await import('./choose-admin.ts');
    // checkInput threw unless --user and --intent are valid.
    const { key } = await withAdmin(io, (admin) =>
      admin.createToken({
        identifier,
        username: username as string,
        intent: intent as 'api' | 'app_password',
        description,
        expires: expiry.expires,
      }),
    );
    io.stdout(`${key}\n`);
    return EXIT.ok;
  },
};

/**
 * An ISO 8601 date or time in the future, or the problem with it. A date alone is midnight UTC and a time
 * without an offset is local time (as Date reads them); anything else Date would guess at ("1" is the year
 * 2001) is refused.
 */
function parseExpiry(text: string): { expires?: Date; problem?: string } {
  const expires = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}|$)/.test(text) || Number.isNaN(expires.getTime())) {
    return { problem: '--expires must be an ISO 8601 time such as 2027-01-01T00:00:00Z' };
  }
  if (expires.getTime() <= Date.now()) return { problem: '--expires must be in the future' };
  return { expires };
}
