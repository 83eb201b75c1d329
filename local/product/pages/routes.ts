/**
 * The pages only `npm start` serves, beside the stack's own pages on the same local server:
 * home, inbox, the JSON status and the actions of the home page and the terminal commands. None
 * of this is in the CDK stack. Every page goes through the same HTTP middleware as the stack's
 * pages (`httpHandler`: security headers, Origin check on POST, error pages), and every stored
 * string is escaped.
 */
import type { Context } from 'aws-lambda';
import type { HttpLambdaHandler, LocalRoute } from '#local/runtime/http';
import { type HttpRequest, type HttpResponse, httpHandler } from '#web/http';
import type { ProductControl } from '../control.ts';
import { json } from './common.ts';
import { advanceAction, homePage, launchAction, revoteAction } from './home.ts';
import { inboxMessagePage, inboxPage } from './inbox.ts';
import { recordAction } from './record.ts';

/** The local-only routes, served by the same HTTP adapter as the stack's pages. */
export function devPageRoutes(control: ProductControl): LocalRoute[] {
  // httpHandler makes a middy handler typed for the Lambda runtime's calling convention; the local
  // adapter calls it the same way (event, context) and awaits its result.
  const wrap = (name: string, fn: (c: ProductControl, r: HttpRequest) => Promise<HttpResponse>) =>
    httpHandler((request: HttpRequest, _context: Context) => fn(control, request), {
      name,
    }) as unknown as HttpLambdaHandler;
  const home = wrap('local-home', homePage);
  const inbox = wrap('local-inbox', inboxPage);
  const message = wrap('local-inbox-message', inboxMessagePage);
  const status = wrap('local-status', async () => json(200, await control.status()));
  return [
    { method: 'GET', path: '/', handler: home },
    { method: 'HEAD', path: '/', handler: home },
    { method: 'GET', path: '/inbox', handler: inbox },
    { method: 'HEAD', path: '/inbox', handler: inbox },
    { method: 'GET', path: '/inbox/{id}', handler: message },
    { method: 'HEAD', path: '/inbox/{id}', handler: message },
    { method: 'GET', path: '/local/status', handler: status },
    // A year of schedules can take a while to run through: no 20 s API Gateway-like limit here.
    {
      method: 'POST',
      path: '/local/launch',
      handler: wrap('local-launch', launchAction),
      timeoutSeconds: 900,
    },
    {
      method: 'POST',
      path: '/local/advance',
      handler: wrap('local-advance', advanceAction),
      timeoutSeconds: 900,
    },
    { method: 'POST', path: '/local/record', handler: wrap('local-record', recordAction) },
    {
      method: 'POST',
      path: '/local/revote',
      handler: wrap('local-revote', revoteAction),
      timeoutSeconds: 900,
    },
  ];
}
