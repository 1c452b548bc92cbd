import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

/** One text message to a family's phone. The text never carries an ID number (use-cases/notifications.ts). */
export interface SmsMessage {
  to: string;
  text: string;
  /** What it is about, for the gateway's templates and the operator's counts. */
  kind: string;
}

/**
 * Where text messages go. A real gateway (a province's SMS platform, a cloud SMS service) is one
 * more implementation of this interface, chosen in `smsSender()`; nothing else changes.
 */
export interface SmsSender {
  readonly name: string;
  send(message: SmsMessage): Promise<void>;
}

/** The local stack's gateway: one JSON line per message in a file, for people and tests to read. */
export class FileSms implements SmsSender {
  readonly name = 'file';
  constructor(readonly path: string) {}

  async send(message: SmsMessage): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    await appendFile(this.path, `${JSON.stringify({ at: new Date().toISOString(), ...message })}\n`, 'utf8');
  }
}

/** No gateway configured: messages are not sent (the in-app inbox still has them). */
export const NO_SMS: SmsSender = { name: 'none', send: async () => {} };

let sender: SmsSender | undefined;

/** The configured gateway: `SMS_OUTBOX_FILE` (the local stack sets it), else none. */
export function smsSender(): SmsSender {
  sender ??= process.env.SMS_OUTBOX_FILE ? new FileSms(process.env.SMS_OUTBOX_FILE) : NO_SMS;
  return sender;
}
