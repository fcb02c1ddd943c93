/**
 * Defaults of LDAP and RADIUS providers, in a module without TypeBox so the web console can show them in
 * its forms (importing them adds these two strings to its bundle, not the schema library).
 */

/** The base DN a new LDAP provider gets when none is given (the reference's default). */
export const DEFAULT_LDAP_BASE_DN = 'DC=ldap,DC=goauthentik,DC=io';

/** The client networks a new RADIUS provider accepts when none are given (the reference's default). */
export const DEFAULT_RADIUS_CLIENT_NETWORKS = '0.0.0.0/0, ::/0';
