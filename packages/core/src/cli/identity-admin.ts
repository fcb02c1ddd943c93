/**
 * What the user, token and outpost commands need, in two implementations: over the running server's API
 * (api-admin.ts) or straight on the database when no server is up (direct-admin.ts).
 */
export interface IdentityAdmin {
  /** Shown in messages: where the change was made. */
  readonly where: string;
  createUser(input: NewCliUser): Promise<{ pk: number }>;
  setPassword(username: string, password: string): Promise<void>;
  createToken(input: NewCliToken): Promise<{ key: string }>;
  /**
   * The manual deployment of the outpost named `name` (a compose file or Kubernetes objects), and what the
   * administrator must still do before it runs.
   */
  outpostManifest(
    name: string,
    format: 'compose' | 'kubernetes',
  ): Promise<{ manifest: string; warnings: string[] }>;
  close(): Promise<void>;
}

export interface NewCliUser {
  username: string;
  name: string;
  email?: string;
  type: 'internal' | 'service_account';
  superuser: boolean;
}

export interface NewCliToken {
  identifier: string;
  username: string;
  intent: 'api' | 'app_password';
  description?: string;
  expires?: Date;
}
