import { UserRequest } from '@palisade/schema';
import { ADMIN_GROUP } from '../bootstrap.ts';
import { MAX_PASSWORD_LENGTH } from '../identity/passwords.ts';
import { checkInput } from './check-input.ts';
import { type Command, CommandFailed, EXIT } from './command.ts';
import { readPassword } from './read-password.ts';

const userFields = UserRequest.properties;

export const userCreateCommand: Command = {
  name: 'user create',
  summary: 'Create a user.',
  usage: `Usage: palisade user create <username> [--name NAME] [--email EMAIL] [--service-account] [--superuser]

Creates a user without a password (set one with \`palisade user set-password\`).
  --name NAME          display name (default: the username)
  --email EMAIL        email address
  --service-account    a service account (for machines; signs in with tokens only)
  --superuser          add the user to the "${ADMIN_GROUP}" group`,
  argumentNames: ['<username>'],
  options: {
    name: { type: 'string' },
    email: { type: 'string' },
    'service-account': { type: 'boolean' },
    superuser: { type: 'boolean' },
  },
  async run({ values, positionals }, io) {
    const [username = ''] = positionals;
    const name = typeof values.name === 'string' ? values.name : username;
    const email = typeof values.email === 'string' ? values.email : undefined;
    checkInput([
      {
        value: username,
        schema: userFields.username,
        problem: '<username> must be 1 to 150 letters, digits or @ . + - _',
      },
      { value: name, schema: userFields.name, problem: '--name must be at most 300 characters' },
      { value: email, schema: userFields.email, problem: '--email must be an email address' },
    ]);
    const { withAdmin } = await import('./choose-admin.ts');
    const created = await withAdmin(io, async (admin) => ({
      ...(await admin.createUser({
        username,
        name,
        email,
        type: values['service-account'] ? 'service_account' : 'internal',
        superuser: values.superuser === true,
      })),
      where: admin.where,
    }));
    io.stdout(`created user ${username} (pk ${created.pk}) in ${created.where}\n`);
    return EXIT.ok;
  },
};

export const userSetPasswordCommand: Command = {
  name: 'user set-password',
  summary: "Set a user's password, read from stdin.",
  usage: `Usage: palisade user set-password <username> [--password-stdin]

Sets a password read from stdin, never from the command line (where the process list would show it).
On a terminal it prompts twice, without echo; otherwise it reads the first line of stdin.
  --password-stdin     read the first line of stdin without prompting, even on a terminal

Example: printf '%s\\n' "$PASSWORD" | palisade user set-password alice --password-stdin`,
  argumentNames: ['<username>'],
  options: { 'password-stdin': { type: 'boolean' } },
  async run({ values, positionals }, io) {
    const [username = ''] = positionals;
    // Read before opening the database, so nothing is held while someone types.
    const password = await readPassword(io, { prompt: values['password-stdin'] !== true });
    if (password.length > MAX_PASSWORD_LENGTH) {
      throw new CommandFailed(`the password is longer than ${MAX_PASSWORD_LENGTH} characters`);
    }
    const { withAdmin } = await import('./choose-admin.ts');
    const where = await withAdmin(io, async (admin) => {
      await admin.setPassword(username, password);
      return admin.where;
    });
    io.stdout(`set the password of ${username} in ${where}\n`);
    return EXIT.ok;
  },
};
