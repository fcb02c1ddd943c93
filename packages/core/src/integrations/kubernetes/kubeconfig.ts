import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * How the core reaches a cluster's API server (controllers.md §3.4): read from a kubeconfig's current
 * context, or from the in-cluster service account. Only inline credentials are accepted: a kubeconfig that
 * runs a command (`exec`, `auth-provider`) or names files would make the core run programs or read files an
 * admin pasted into a form, so it is refused with a message saying which key and why.
 */

/** Everything a request to the API server needs. */
export interface ClusterAccess {
  /** The API server's base URL, e.g. `https://10.0.0.1:443`. */
  server: string;
  /** PEM CA bundle to verify the server with (none: the system's roots). */
  ca?: string;
  /** PEM client certificate and key. */
  cert?: string;
  key?: string;
  /** A bearer token. */
  token?: string;
  username?: string;
  password?: string;
  /** The name the server's certificate must carry, when it differs from the URL's host. */
  tlsServerName?: string;
  /** The connection's `verify_ssl`, and the kubeconfig's insecure-skip-tls-verify turned around. */
  verifySsl: boolean;
}

/** Where Kubernetes mounts a pod's service account. */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** A kubeconfig that cannot be used: `problems` name each key that is wrong. */
export class KubeconfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.join(' '));
    this.name = 'KubeconfigError';
    this.problems = problems;
  }
}

type Entry = Record<string, unknown>;
const isObject = (v: unknown): v is Entry => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The entry named `name` in a kubeconfig list (`clusters`, `users`, `contexts`), with its index. */
function namedEntry(config: Entry, list: string, inner: string, name: string, problems: string[]) {
  const entries = config[list];
  if (!Array.isArray(entries)) {
    problems.push(`${list}: must be a list.`);
    return undefined;
  }
  const index = entries.findIndex((e) => isObject(e) && e.name === name);
  const entry = index >= 0 ? (entries[index] as Entry)[inner] : undefined;
  if (!isObject(entry)) {
    problems.push(`${list}: no entry named "${name}" with a ${inner} object.`);
    return undefined;
  }
  return { entry, at: `${list}[${index}].${inner}` };
}

const decode = (value: string) => Buffer.from(value, 'base64').toString('utf8');

/** Reads `<key>-data` (base64 PEM), refusing the file-path variant `<key>`. */
function pemData(entry: Entry, key: string, at: string, problems: string[]): string | undefined {
  if (entry[key] !== undefined) problems.push(`${at}.${key}: file paths are not supported; use ${key}-data.`);
  const data = entry[`${key}-data`];
  if (data === undefined) return undefined;
  const pem = typeof data === 'string' ? decode(data) : '';
  if (!pem.includes('-----BEGIN ')) problems.push(`${at}.${key}-data: must be base64 of a PEM block.`);
  return pem;
}

/**
 * Reads a kubeconfig (as JSON, the API's `kubeconfig` object) at its current context; throws a
 * KubeconfigError listing every problem at once.
 */
export function kubeconfigAccess(config: Entry, verifySsl: boolean): ClusterAccess {
  const problems: string[] = [];
  const current = config['current-context'];
  if (typeof current !== 'string' || current === '') {
    throw new KubeconfigError(['current-context: must name one of contexts.']);
  }
  const context = namedEntry(config, 'contexts', 'context', current, problems);
  if (!context) throw new KubeconfigError(problems);
  const clusterName = context.entry.cluster;
  const userName = context.entry.user;
  const cluster =
    typeof clusterName === 'string'
      ? namedEntry(config, 'clusters', 'cluster', clusterName, problems)
      : (problems.push(`${context.at}.cluster: must name a cluster.`), undefined);
  const user =
    typeof userName === 'string' ? namedEntry(config, 'users', 'user', userName, problems) : undefined;
  const access: ClusterAccess = { server: '', verifySsl };
  if (cluster) {
    const server = cluster.entry.server;
    if (typeof server !== 'string' || !/^https?:\/\/[^\s/]+/.test(server))
      problems.push(`${cluster.at}.server: must be an http(s) URL.`);
    else access.server = server.replace(/\/+$/, '');
    access.ca = pemData(cluster.entry, 'certificate-authority', cluster.at, problems);
    if (cluster.entry['insecure-skip-tls-verify'] === true) access.verifySsl = false;
    if (typeof cluster.entry['tls-server-name'] === 'string')
      access.tlsServerName = cluster.entry['tls-server-name'];
  }
  if (user) {
    for (const key of ['exec', 'auth-provider'])
      if (user.entry[key] !== undefined)
        problems.push(
          `${user.at}.${key}: running commands is not supported; use a token or a client certificate.`,
        );
    if (user.entry.tokenFile !== undefined)
      problems.push(`${user.at}.tokenFile: file paths are not supported; use token.`);
    access.cert = pemData(user.entry, 'client-certificate', user.at, problems);
    access.key = pemData(user.entry, 'client-key', user.at, problems);
    if ((access.cert === undefined) !== (access.key === undefined))
      problems.push(`${user.at}: client-certificate-data and client-key-data go together.`);
    if (typeof user.entry.token === 'string') access.token = user.entry.token;
    if (typeof user.entry.username === 'string') access.username = user.entry.username;
    if (typeof user.entry.password === 'string') access.password = user.entry.password;
  }
  if (problems.length) throw new KubeconfigError(problems);
  return access;
}

/** Where the in-cluster configuration comes from (tests point it at a folder and an environment of theirs). */
export interface InClusterSource {
  serviceAccountDir: string;
  env: Record<string, string | undefined>;
}

/** The default in-cluster source: the mounted service account and the process environment. */
export const defaultInClusterSource = (): InClusterSource => ({
  serviceAccountDir: SERVICE_ACCOUNT_DIR,
  env: process.env,
});

/** Answers whether the core runs inside a cluster (a service-account token is mounted). */
export function isInCluster(source: InClusterSource): boolean {
  try {
    readFileSync(join(source.serviceAccountDir, 'token'));
    return true;
  } catch {
    return false;
  }
}

/**
 * The in-cluster configuration: the service account's token and CA, the API server from
 * KUBERNETES_SERVICE_HOST/PORT (as every official client does); throws a KubeconfigError when not in a cluster.
 */
export function inClusterAccess(source: InClusterSource, verifySsl: boolean): ClusterAccess {
  const host = source.env.KUBERNETES_SERVICE_HOST;
  const port = source.env.KUBERNETES_SERVICE_PORT;
  const read = (file: string) => {
    try {
      return readFileSync(join(source.serviceAccountDir, file), 'utf8');
    } catch {
      return undefined;
    }
  };
  const token = read('token')?.trim();
  const problems: string[] = [];
  if (!host || !port) problems.push('KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set.');
  if (!token) problems.push(`No service-account token at ${join(source.serviceAccountDir, 'token')}.`);
  if (problems.length) throw new KubeconfigError(['Not running inside a cluster:', ...problems]);
  const hostPart = host?.includes(':') ? `[${host}]` : host;
  return { server: `https://${hostPart}:${port}`, ca: read('ca.crt'), token, verifySsl };
}
