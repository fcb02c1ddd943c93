import { argon2Sync, randomBytes } from 'node:crypto';

/** An argon2id PHC hash made with weaker parameters than today's (as an older release would have stored). */
export function legacyArgon2Hash(password: string): string {
  const salt = randomBytes(16);
  const tag = argon2Sync('argon2id', {
    message: password,
    nonce: salt,
    parallelism: 1,
    tagLength: 32,
    memory: 8192,
    passes: 1,
  });
  const b64 = (x: Buffer) => x.toString('base64').replace(/=+$/, '');
  return `$argon2id$v=19$m=8192,t=1,p=1$${b64(salt)}$${b64(tag)}`;
}
