import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';

type HttpApp = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/** An HTTP API (payload 2.0) entry over an app: logs carry the request's context when Lambda gives one. */
export function httpEntry(logger: Logger, app: HttpApp) {
  return async (
    event: APIGatewayProxyEventV2,
    context?: Context,
  ): Promise<APIGatewayProxyStructuredResultV2> => {
    if (context !== undefined) logger.addContext(context);
    return app(event);
  };
}
