import { type Command, EXIT, UsageError } from './command.ts';
import { withAdmin } from './user-commands.ts';

export const tokenCreateCommand: Command = {
  name: 'token create',
  summary: 'Create a token for a user and print its key once.',
  usage: `Usage: palisade token create <identifier> --user USERNAME [--intent api|app_password]
                              [--description TEXT] [--expires ISO-8601]

Creates a token and prints its key on stdout (and only there: keep it, it is stored encrypted and only an
admin can view it again through the API).
  --user USERNAME      owner of the token (required)
  --intent INTENT      api (default: calls the REST API) or app_password (signs in non-interactively)
  --description TEXT   what the token is for
  --expires WHEN       expiry time, e.g. 2027-01-01T00:00:00Z (default: never expires)`,
  options: {
    user: { type: 'string' },
    intent: { type: 'string', default: 'api' },
    description: { type: 'string' },
    expires: { type: 'string' },
  },
  async run({ values, positionals }, io) {
    if (positionals.length !== 1 || !positionals[0]) throw new UsageError('expected exactly one identifier');
    const identifier = positionals[0];
    if (!/^[\w.@+-]{1,255}$/.test(identifier)) {
      throw new UsageError('the identifier may contain letters, digits and . @ + - _ only');
    }
    if (typeof values.user !== 'string') throw new UsageError('--user is required');
    const intent = values.intent;
    if (intent !== 'api' && intent !== 'app_password')
      throw new UsageError('--intent must be api or app_password');
    let expires: Date | undefined;
    if (typeof values.expires === 'string') {
      expires = new Date(values.expires);
      if (Number.isNaN(expires.getTime())) throw new UsageError('--expires must be an ISO 8601 time');
      if (expires.getTime() <= Date.now()) throw new UsageError('--expires must be in the future');
    }
    const { key } = await withAdmin(io, (admin) =>
      admin.createToken({
        identifier,
        username: values.user as string,
        intent,
        description: typeof values.description === 'string' ? values.description : undefined,
        expires,
      }),
    );
    io.stdout(`${key}\n`);
    return EXIT.ok;
  },
};
