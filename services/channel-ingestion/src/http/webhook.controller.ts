import type { ServerResponse } from 'node:http';
import { Controller, Get, Inject, Logger, Post, Req, Res } from '@nestjs/common';
import { ReceiveWebhookUseCase } from '../app/receive-webhook/receive-webhook.use-case';
import { type ChannelKind, isChannelKind } from '../domain/channel-kind';
import { ChannelNotFoundError, MalformedPayloadError } from '../domain/channel.errors';
import type { WebhookRequest } from '../drivers/channel-driver.port';
import { toHttpFailure } from './http-error.mapper';
import type { RawBodyRequest } from './raw-body.middleware';

export const WEBHOOK_PATH = 'webhooks';
export const WEBHOOK_PUBLIC_BASE_URL = Symbol('WEBHOOK_PUBLIC_BASE_URL');

interface ExpressRequest extends RawBodyRequest {
  params: Record<string, string>;
  query: Record<string, unknown>;
  originalUrl: string;
  protocol: string;
}

const ID = /^[A-Za-z0-9._-]{1,64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TWIML_EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

/** The path a provider is configured with for one account. */
export const webhookPath = (kind: ChannelKind, tenantId: string, accountId: string) => `/${WEBHOOK_PATH}/${kind}/${encodeURIComponent(tenantId)}/${accountId}`;

/**
 * Provider webhooks: POST /webhooks/{kind}/{tenantId}/{accountId} (and …/status for Twilio
 * status callbacks), GET for Meta's subscription check. No platform token: each provider
 * authenticates with its own signature, checked against the account's secret.
 */
@Controller(WEBHOOK_PATH)
export class WebhookController {
  private readonly logger = new Logger(WebhookController.name);

  constructor(
    @Inject(ReceiveWebhookUseCase) private readonly webhooks: ReceiveWebhookUseCase,
    @Inject(WEBHOOK_PUBLIC_BASE_URL) private readonly publicBaseUrl: string | undefined,
  ) {}

  @Get(':kind/:tenantId/:accountId')
  async challenge(@Req() req: ExpressRequest, @Res() res: ServerResponse): Promise<void> {
    await this.respond(res, async () => {
      const { kind, tenantId, accountId } = this.target(req);
      const echo = await this.webhooks.challenge(kind, tenantId, accountId, this.webhookRequest(req), () => new Date());
      return { status: 200, contentType: 'text/plain', body: echo };
    });
  }

  @Post(':kind/:tenantId/:accountId')
  async receive(@Req() req: ExpressRequest, @Res() res: ServerResponse): Promise<void> {
    await this.handle(req, res);
  }

  @Post('sms/:tenantId/:accountId/status')
  async status(@Req() req: ExpressRequest, @Res() res: ServerResponse): Promise<void> {
    req.params.kind = 'sms';
    await this.handle(req, res);
  }

  private async handle(req: ExpressRequest, res: ServerResponse): Promise<void> {
    await this.respond(res, async () => {
      const { kind, tenantId, accountId } = this.target(req);
      if (!req.rawBody) throw new MalformedPayloadError('body-missing', 'the webhook body was not received');
      const results = await this.webhooks.receive(kind, tenantId, accountId, this.webhookRequest(req), () => new Date());
      if (kind === 'sms') return { status: 200, contentType: 'text/xml', body: TWIML_EMPTY };
      const accepted = results.filter((r) => !r.duplicate);
      return {
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({ accepted: accepted.length, duplicates: results.length - accepted.length, messages: accepted.map((r) => ({ messageId: r.messageId, interactionId: r.interactionId })) }),
      };
    });
  }

  private target(req: ExpressRequest): { kind: ChannelKind; tenantId: string; accountId: string } {
    const { kind, tenantId, accountId } = req.params;
    if (!isChannelKind(kind) || !ID.test(tenantId) || !UUID.test(accountId)) throw new ChannelNotFoundError('channel-account', String(accountId).slice(0, 64));
    return { kind, tenantId, accountId: accountId.toLowerCase() };
  }

  private webhookRequest(req: ExpressRequest): WebhookRequest {
    const headers: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(req.headers)) headers[name] = Array.isArray(value) ? value[0] : value;
    const query: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(req.query)) if (typeof value === 'string') query[name] = value;
    // Twilio signs the URL it was configured with; behind a proxy only the public base knows it.
    const base = this.publicBaseUrl ?? `${req.protocol}://${req.headers.host ?? 'localhost'}`;
    return { method: req.method ?? 'POST', url: `${base}${req.originalUrl}`, headers, query, rawBody: req.rawBody ?? Buffer.alloc(0) };
  }

  private async respond(res: ServerResponse, work: () => Promise<{ status: number; contentType: string; body: string }>): Promise<void> {
    try {
      const result = await work();
      res.statusCode = result.status;
      res.setHeader('content-type', result.contentType);
      res.end(result.body);
    } catch (error) {
      const failure = toHttpFailure(error);
      if (!failure) this.logger.error(error);
      res.statusCode = failure?.status ?? 500;
      for (const [name, value] of Object.entries(failure?.headers ?? {})) res.setHeader(name, value);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(failure?.body ?? { error: 'INTERNAL', reason: 'internal', message: 'the message was not accepted; retry later' }));
    }
  }
}
