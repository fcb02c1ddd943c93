/** The entries outside the users and groups: the root DSE, the base, the containers and the subschema. */
import type { LdapProvider } from './config.ts';
import { normalizeDn } from './dn.ts';
import { attributeMap, type Entry } from './entry.ts';
import { OID } from './result-codes.ts';

/** The subschema entry's DN (spec §1.3). */
export const SUBSCHEMA_DN = 'cn=subschema';

/** Shown in the root DSE as the vendor. */
export const VENDOR_NAME = 'goauthentik.io';

function entry(dn: string, pairs: [string, string[]][]): Entry {
  return { dn, key: normalizeDn(dn) as string, attributes: attributeMap(pairs) };
}

function dseAttributes(baseDns: readonly string[], version: string): [string, string[]][] {
  return [
    ['objectClass', ['top']],
    ['supportedLDAPVersion', ['3']],
    ['subschemaSubentry', [SUBSCHEMA_DN]],
    ['namingContexts', [...baseDns]],
    ['rootDomainNamingContext', [...baseDns]],
    ['vendorName', [VENDOR_NAME]],
    ['vendorVersion', [`Palisade LDAP Outpost Version ${version}`]],
    ['supportedExtension', [OID.startTls, OID.whoAmI]],
    ['supportedControl', [OID.pagedResults]],
  ];
}

/**
 * The root DSE (spec §1.3). `provider` is the binder's; without one (anonymous) it names no naming
 * context and says a bound session is needed, as the reference's fallback does.
 */
export function rootDse(provider: LdapProvider | undefined, version: string): Entry {
  const attributes = dseAttributes(provider ? [provider.baseDn] : [], version);
  attributes.push(['entryDN', ['']]);
  if (!provider) attributes.push(['description', ['This LDAP server requires an authenticated session.']]);
  return entry('', attributes);
}

/** The base entry and the three containers of a provider. */
export function treeEntries(provider: LdapProvider, version: string): Entry[] {
  const container = (dn: string, ou: string): Entry =>
    entry(dn, [
      ['distinguishedName', [dn]],
      ['objectClass', ['top', 'nsContainer']],
      ['commonName', [ou]],
      ['ou', [ou]],
    ]);
  return [
    entry(provider.baseDn, [
      ...dseAttributes([provider.baseDn], version),
      ['objectClass', ['domain']],
      ['distinguishedName', [provider.baseDn]],
    ]),
    container(provider.usersDn, 'users'),
    container(provider.groupsDn, 'groups'),
    container(provider.virtualGroupsDn, 'virtual-groups'),
  ];
}

const CUSTOM_OID = '1.3.6.1.4.1.26027.1.1';

/** The subschema entry: the object classes and attributes this directory uses (spec §1.3). */
export function subschemaEntry(): Entry {
  const directoryString = '1.3.6.1.4.1.1466.115.121.1.15';
  const boolean = '1.3.6.1.4.1.1466.115.121.1.7';
  const attribute = (oid: string, names: string, syntax: string, single = false) =>
    `( ${oid} NAME ${names} SYNTAX ${syntax}${single ? ' SINGLE-VALUE' : ''} )`;
  return entry(SUBSCHEMA_DN, [
    ['objectClass', ['top', 'subSchema']],
    ['cn', ['subschema']],
    ['ldapSyntaxes', [`( ${directoryString} DESC 'Directory String' )`, `( ${boolean} DESC 'Boolean' )`]],
    [
      'attributeTypes',
      [
        attribute('2.5.4.3', "( 'cn' 'commonName' )", directoryString),
        attribute('0.9.2342.19200300.100.1.1', "'uid'", directoryString),
        attribute('0.9.2342.19200300.100.1.3', "'mail'", directoryString),
        attribute('2.5.4.4', "'sn'", directoryString),
        attribute('2.16.840.1.113730.3.1.241', "'displayName'", directoryString, true),
        attribute('1.2.840.113556.1.4.221', "'sAMAccountName'", directoryString, true),
        attribute('1.2.840.113556.1.2.102', "'memberOf'", '1.3.6.1.4.1.1466.115.121.1.12'),
        attribute('2.5.4.31', "'member'", '1.3.6.1.4.1.1466.115.121.1.12'),
        attribute('1.3.6.1.1.1.1.0', "'uidNumber'", '1.3.6.1.4.1.1466.115.121.1.27', true),
        attribute('1.3.6.1.1.1.1.1', "'gidNumber'", '1.3.6.1.4.1.1466.115.121.1.27', true),
        attribute('1.3.6.1.1.1.1.3', "'homeDirectory'", '1.3.6.1.4.1.1466.115.121.1.26', true),
        attribute(`${CUSTOM_OID}.2`, "( 'ak-superuser' 'goauthentik.io/ldap/superuser' )", boolean, true),
        attribute(`${CUSTOM_OID}.3`, "( 'ak-active' 'goauthentik.io/ldap/active' )", boolean, true),
        attribute(`${CUSTOM_OID}.4`, "'goauthentikio-user-sources'", directoryString),
      ],
    ],
    [
      'objectClasses',
      [
        "( 2.5.6.0 NAME 'top' ABSTRACT MUST objectClass )",
        "( 2.5.6.6 NAME 'person' SUP top STRUCTURAL MUST ( sn $ cn ) )",
        "( 2.5.6.7 NAME 'organizationalPerson' SUP person STRUCTURAL )",
        "( 2.16.840.1.113730.3.2.2 NAME 'inetOrgPerson' SUP organizationalPerson STRUCTURAL )",
        "( 2.5.6.9 NAME 'groupOfNames' SUP top STRUCTURAL MUST cn MAY member )",
        "( 1.3.6.1.1.1.2.0 NAME 'posixAccount' SUP top AUXILIARY MUST ( cn $ uid $ uidNumber $ gidNumber $ homeDirectory ) )",
        "( 1.3.6.1.1.1.2.2 NAME 'posixGroup' SUP top AUXILIARY MUST ( cn $ gidNumber ) MAY member )",
        `( ${CUSTOM_OID}.1 NAME 'goauthentik.io/ldap/user' SUP organizationalPerson STRUCTURAL MAY ( ak-superuser $ ak-active ) )`,
      ],
    ],
  ]);
}
