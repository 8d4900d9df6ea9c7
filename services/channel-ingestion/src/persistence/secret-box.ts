import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Channel secrets at rest: AES-256-GCM under a key from the configuration. The tenant and
 * account are the additional authenticated data, so a ciphertext copied to another account's
 * row fails to open instead of lending it the secrets.
 */
export class SecretBox {
  private readonly key: Buffer;

  /** `secret` is at least 32 characters of entropy (config); SHA-256 fits it to 256 bits. */
  constructor(secret: string) {
    if (secret.length < 32) throw new Error('the channel secrets key needs at least 32 characters');
    this.key = createHash('sha256').update(secret).digest();
  }

  seal(secrets: Readonly<Record<string, string>>, context: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(JSON.stringify(secrets), 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
  }

  open(sealed: Buffer, context: string): Record<string, string> {
    if (sealed[0] !== VERSION) throw new Error(`unknown secret box version ${sealed[0]}`);
    const iv = sealed.subarray(1, 1 + IV_BYTES);
    const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(tag);
    const plain = Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as Record<string, string>;
  }
}

export const secretContext = (tenantId: string, accountId: string) => `channel-account/${tenantId}/${accountId}`;
