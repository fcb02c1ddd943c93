/**
 * How clients connect to an LDAP or RADIUS provider, filled with its values: the DN layout under the base
 * DN with `ldapwhoami`/`ldapsearch` lines (ldap-utils), and a NAS's settings with `radtest`/`radclient`
 * lines (freeradius-utils). Pure functions, shown by the provider pages and checked by unit tests.
 */
import type { Snippet } from './snippets.ts';

/** Quotes a word for a POSIX shell (single quotes; a quote inside closes, escapes and reopens them). */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Escapes an attribute value for a DN (RFC 4514 §2.4): specials, and a leading `#` or space, a trailing space. */
export function escapeDnValue(value: string): string {
  return value
    .replace(/[\\,+"<>;=]/g, (c) => `\\${c}`)
    .replace(/\0/g, '\\00')
    .replace(/^([ #])/, '\\$1')
    .replace(/ $/, '\\ ');
}

/** One entry of the directory's layout: its DN and what lives there. */
export interface DnRow {
  dn: string;
  holds: string;
}

/** The tree an LDAP outpost serves under `baseDn` (docs/ldap.md, "The tree"). */
export function ldapLayout(baseDn: string): DnRow[] {
  return [
    { dn: baseDn, holds: 'the base (objectClass domain)' },
    { dn: `ou=users,${baseDn}`, holds: 'users: cn=<username>,ou=users,…' },
    { dn: `ou=groups,${baseDn}`, holds: 'groups: cn=<group name>,ou=groups,…' },
    { dn: `ou=virtual-groups,${baseDn}`, holds: 'one group per user: cn=<username>,ou=virtual-groups,…' },
  ];
}

/** The DN a user binds with. */
export const bindDn = (username: string, baseDn: string) =>
  `cn=${escapeDnValue(username)},ou=users,${baseDn}`;

/** What the LDAP lines need: the provider's base DN, how clients reach the outpost, who binds. */
export interface LdapSnippetInput {
  baseDn: string;
  /** The outpost's host name (or address) as the clients reach it, `:port` when not the usual one. */
  host: string;
  /** LDAPS on 636, or StartTLS on 389 (Docker and Kubernetes map them to the outpost's 6636 and 3389). */
  transport: 'ldaps' | 'starttls';
  username: string;
}

/**
 * A host as the admin typed it, with a port when it ends in one (`ldap.example.com:1636`, `[2001:db8::1]:1812`)
 * or `fallback`.
 */
export function hostAndPort(host: string, fallback: number): string {
  const trimmed = host.trim();
  // A port follows a name, an IPv4 address or a bracketed IPv6 one; a bare IPv6 address has colons of its own.
  if (/^(?:\[[^\]]+\]|[^:[\]]+):\d{1,5}$/.test(trimmed)) return trimmed;
  return `${trimmed.includes(':') && !trimmed.startsWith('[') ? `[${trimmed}]` : trimmed}:${fallback}`;
}

/** The `-H` URI and StartTLS flag of a transport. */
function ldapUri(input: LdapSnippetInput): string {
  return input.transport === 'ldaps'
    ? `-H ldaps://${hostAndPort(input.host, 636)}`
    : `-ZZ -H ldap://${hostAndPort(input.host, 389)}`;
}

/** ldapwhoami and ldapsearch lines for this provider (the password is asked for: `-W`). */
export function ldapSnippets(input: LdapSnippetInput): Snippet[] {
  const dn = shellQuote(bindDn(input.username, input.baseDn));
  const base = shellQuote(input.baseDn);
  const connect = `-x ${ldapUri(input)} -D ${dn} -W`;
  return [
    { id: 'ldapwhoami', title: 'ldapwhoami', language: 'shell', text: `ldapwhoami ${connect}\n` },
    {
      id: 'ldapsearch',
      title: 'ldapsearch',
      language: 'shell',
      text:
        `ldapsearch ${connect} \\\n  -b ${base} '(objectClass=user)' cn mail memberOf\n` +
        `# the members of one group:\n` +
        `ldapsearch ${connect} \\\n  -b ${shellQuote(`ou=users,${input.baseDn}`)} ` +
        `${shellQuote(`(memberOf=cn=GROUP,ou=groups,${input.baseDn})`)} cn\n`,
    },
  ];
}

/** What the RADIUS lines need: how the NAS reaches the outpost, the secret (or a placeholder), a user. */
export interface RadiusSnippetInput {
  host: string;
  /** The shared secret, or a placeholder while it is hidden. */
  secret: string;
  clientNetworks: string;
  username: string;
}

/** The NAS's settings, and radtest and radclient lines to try the provider from the NAS's network. */
export function radiusSnippets(input: RadiusSnippetInput): Snippet[] {
  const server = hostAndPort(input.host, 1812);
  const secret = shellQuote(input.secret);
  const user = input.username.replace(/["\\]/g, (c) => `\\${c}`);
  return [
    {
      id: 'nas',
      title: 'NAS settings',
      language: 'text',
      text:
        `RADIUS authentication server: ${server} (UDP)\n` +
        `Shared secret: ${input.secret}\n` +
        `Message-Authenticator: required (send it on every request)\n` +
        `The NAS must send from one of: ${input.clientNetworks}\n`,
    },
    {
      id: 'radtest',
      title: 'radtest',
      language: 'shell',
      text: `radtest ${shellQuote(input.username)} 'PASSWORD' ${server} 0 ${secret}\n`,
    },
    {
      id: 'radclient',
      title: 'radclient',
      language: 'shell',
      text:
        `echo ${shellQuote(`User-Name = "${user}", User-Password = "PASSWORD", Message-Authenticator = 0x00`)} \\\n` +
        `  | radclient -x ${server} auth ${secret}\n`,
    },
  ];
}
