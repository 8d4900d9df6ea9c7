import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Controller, Get, Header, NotFoundException, Param } from '@nestjs/common';
import { Public } from '@contactcenter/auth';

const WIDGET_ASSET = path.join('services', 'channel-ingestion', 'assets', 'webchat-widget.js');

/**
 * Finds the widget script from wherever this file runs: the sources (`services/...`) or a
 * build (`dist/services/...`), whose image carries the assets folder beside `dist`.
 */
export function locateWidgetScript(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, WIDGET_ASSET);
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`${WIDGET_ASSET} not found above ${from}`);
  }
}

const WIDGET_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Serves the embeddable widget and a bare page that embeds it (for trying a widget out). */
@Controller('webchat')
export class WebChatAssetsController {
  private readonly script = readFileSync(locateWidgetScript(), 'utf8');

  @Public()
  @Get('widget.js')
  @Header('Content-Type', 'application/javascript; charset=utf-8')
  @Header('Cache-Control', 'public, max-age=300')
  widget(): string {
    return this.script;
  }

  @Public()
  @Get('demo/:widgetId')
  @Header('Content-Type', 'text/html; charset=utf-8')
  demo(@Param('widgetId') widgetId: string): string {
    if (!WIDGET_ID.test(widgetId)) throw new NotFoundException({ error: 'unknown widget' });
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Web chat</title></head><body><h1>Web chat demo</h1><script src="/webchat/widget.js" data-widget-id="${widgetId}"></script></body></html>`;
  }
}
