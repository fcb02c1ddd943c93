import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

/** Keyed digests and authenticated encryption derived from the instance's secret key. */
export interface SecretBox {
  /** HMAC-SHA256 of a secret (hex), for looking it up without storing it. */
  digest(secret: string): string;
  /** Encrypts a secret (AES-256-GCM) so it can be shown again later; the result is self-contained text. */
  seal(plain: string): string;
  /** Decrypts what `seal` produced; throws if it was tampered with or sealed under another key. */
  open(sealed: string): string;
  /**
   * DANGER: answers whether `candidate` is the secret key itself, which authenticates as the embedded outpost
   * (controllers.md §2). Compared as keyed digests in constant time, whatever the candidate's length.
   */
  isSecretKey(candidate: string): boolean;
}

/** Derives independent sub-keys for digests and encryption from the secret key (HKDF-SHA256). */
export function createSecretBox(secretKey: string): SecretBox {
  const ikm = Buffer.from(secretKey, 'utf8');
  const macKey = Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), 'palisade token digest', 32));
  const encKey = Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), 'palisade token seal', 32));
  const digest = (secret: string) => createHmac('sha256', macKey).update(secret, 'utf8').digest();
  const keyDigest = digest(secretKey);
  return {
    digest: (secret) => digest(secret).toString('hex'),
    isSecretKey: (candidate) => timingSafeEqual(digest(candidate), keyDigest),
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', encKey, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [
        'v1',
        iv.toString('base64url'),
        body.toString('base64url'),
        cipher.getAuthTag().toString('base64url'),
      ].join('.');
    },
    open(sealed) {
      const [version, iv, body, tag] = sealed.split('.');
      if (version !== 'v1' || !iv || body === undefined || !tag)
        throw new Error('sealed value has an unknown format');
      const decipher = createDecipheriv('aes-256-gcm', encKey, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    },
  };
}

/** A new random secret, URL-safe, with `bytes` bytes of entropy. */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** SHA-256 of a value (hex); for high-entropy secrets such as session ids, where no key is needed. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Compares two strings in constant time for equal lengths (length itself is not secret here). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
