import { chooseAdmin } from './choose-admin.ts';
import { type Command, EXIT, UsageError } from './command.ts';
import type { IdentityAdmin } from './identity-admin.ts';
import { readPassword } from './read-password.ts';

/** Runs `work` against the chosen admin and always releases it (the embedded database's lock with it). */
export async function withAdmin<T>(
  io: Parameters<typeof chooseAdmin>[0],
  work: (a: IdentityAdmin) => Promise<T>,
) {
  const admin = await chooseAdmin(io);
  try {
    return await work(admin);
  } finally {
    await admin.close();
  }
}

function onePositional(positionals: string[], what: string): string {
  if (positionals.length !== 1 || !positionals[0]) throw new UsageError(`expected exactly one ${what}`);
  return positionals[0];
}

export const userCreateCommand: Command = {
  name: 'user create',
  summary: 'Create a user.',
  usage: `Usage: palisade user create <username> [--name NAME] [--email EMAIL] [--service-account] [--superuser]

Creates a user without a password (set one with \`palisade user set-password\`).
  --name NAME          display name (default: the username)
  --email EMAIL        email address
  --service-account    a service account (for machines; signs in with tokens only)
  --superuser          add the user to the "authentik Admins" group`,
  options: {
    name: { type: 'string' },
    email: { type: 'string' },
    'service-account': { type: 'boolean' },
    superuser: { type: 'boolean' },
  },
  async run({ values, positionals }, io) {
    const username = onePositional(positionals, 'username');
    const created = await withAdmin(io, (admin) =>
      admin
        .createUser({
          username,
          name: typeof values.name === 'string' ? values.name : username,
          email: typeof values.email === 'string' ? values.email : undefined,
          type: values['service-account'] ? 'service_account' : 'internal',
          superuser: values.superuser === true,
        })
        .then((user) => ({ ...user, where: admin.where })),
    );
    io.stdout(`created user ${username} (pk ${created.pk}) in ${created.where}\n`);
    return EXIT.ok;
  },
};

export const userSetPasswordCommand: Command = {
  name: 'user set-password',
  summary: "Set a user's password, read from stdin.",
  usage: `Usage: palisade user set-password <username>

Reads the new password from stdin (prompting twice, without echo, on a terminal), never from the command
line. Example: printf '%s\\n' "$PASSWORD" | palisade user set-password alice`,
  options: {},
  async run({ positionals }, io) {
    const username = onePositional(positionals, 'username');
    const password = await readPassword(io);
    const where = await withAdmin(io, async (admin) => {
      await admin.setPassword(username, password);
      return admin.where;
    });
    io.stdout(`set the password of ${username} in ${where}\n`);
    return EXIT.ok;
  },
};
