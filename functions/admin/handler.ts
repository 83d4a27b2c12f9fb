// placeholder: replaced by the lead's implementation
import type { APIGatewayProxyResultV2 } from 'aws-lambda';

/** Answers every admin request with 501 until user erasure is implemented. */
export async function handler(): Promise<APIGatewayProxyResultV2> {
  return {
    statusCode: 501,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      error: { code: 'not_implemented', message: 'User erasure is not implemented yet' },
    }),
  };
}
