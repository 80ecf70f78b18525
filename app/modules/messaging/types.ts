// The SMS transport interface (implemented by transport.server.ts's dev transport and aliyun.server.ts).

export type SmsMessage = { outboxId: string; phone: string; template: string; templateCode: string; params: Record<string, string> }

export type SendResult =
	/** The provider took the message. */
	| { status: 'accepted'; requestId: string | null; messageId: string | null }
	/** The provider answered that it did not take it (or could not be reached at all): certainly not sent. */
	| { status: 'refused'; retryable: boolean; code: string; message: string }
	/** The request may have reached the provider (timeout, connection lost): sent or not, we cannot know. */
	| { status: 'unknown'; message: string }

export interface SmsTransport {
	readonly name: string
	send(message: SmsMessage): Promise<SendResult>
}
