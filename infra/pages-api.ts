/**
 * The pages room: the HTTP API every emailed link lands on, its stage with access logs, and the
 * routes to the page functions (the same route table the local HTTP adapter serves).
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { DEFAULT_ROUTE, type PageHandlerName, routesByPath } from '#functions/http/routes';
import { HANDLERS } from './handlers.ts';
import { Room } from './room.ts';

/** Throttling of the API's default stage (the pages and link handlers). */
export const API_THROTTLE = { burstLimit: 50, rateLimit: 20 } as const;

/**
 * The access log line: the route key (`GET /d`), never the path or query string, which carry
 * link ids and signatures.
 */
export const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  routeKey: '$context.routeKey',
  status: '$context.status',
  responseLength: '$context.responseLength',
  latencyMs: '$context.responseLatency',
  integrationError: '$context.integrationErrorMessage',
} as const;

export interface PagesApiProps {
  slug: string;
  /** A label in the console (API names need not be unique; the API id is). */
  apiName: string;
}

export class PagesApi extends Room {
  readonly api: apigwv2.HttpApi;
  readonly routes: apigwv2.HttpRoute[] = [];
  private stageOfApi?: apigwv2.HttpStage;

  /**
   * The API alone, before any function: it depends on nothing here, and BASE_URL is derived from
   * its id alone (`https://<apiId>.execute-api.<region>.<suffix>`), so the functions depend on
   * the API, the routes and integrations on the functions, and there is no cycle.
   */
  constructor(scope: Construct, id: string, props: PagesApiProps) {
    super(scope, id);
    this.api = new apigwv2.HttpApi(this, 'Api', {
      apiName: props.apiName,
      description: `thidua ${props.slug}: pages and signed links`,
      createDefaultStage: false,
    });
  }

  /** The default stage, once `serve` made it. */
  get stage(): apigwv2.HttpStage {
    if (!this.stageOfApi) throw new Error('PagesApi: serve() makes the stage');
    return this.stageOfApi;
  }

  /**
   * The stage and a route for every path a page function answers. HEAD is routed where mailed
   * links land (mail scanners fetch them); the handlers answer it like GET.
   */
  serve(pages: Record<PageHandlerName, lambda.IFunction>): void {
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stageOfApi = new apigwv2.HttpStage(this, 'ApiDefaultStage', {
      httpApi: this.api,
      autoDeploy: true,
      throttle: API_THROTTLE,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
    for (const handler of Object.keys(pages) as PageHandlerName[]) {
      const integration = new HttpLambdaIntegration(`${HANDLERS[handler].id}Integration`, pages[handler]);
      for (const { path, methods } of routesByPath(handler)) {
        this.routes.push(
          ...this.api.addRoutes({ path, methods: methods.map((m) => apigwv2.HttpMethod[m]), integration }),
        );
      }
      if (handler === DEFAULT_ROUTE.handler) {
        this.routes.push(
          new apigwv2.HttpRoute(this, 'DefaultRoute', {
            httpApi: this.api,
            routeKey: apigwv2.HttpRouteKey.DEFAULT,
            integration,
          }),
        );
      }
    }
  }
}
