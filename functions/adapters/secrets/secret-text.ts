import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** The text a Secrets Manager secret holds (its current version). */
export async function readSecretText(client: SecretsManagerClient, secretId: string): Promise<string> {
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  if (SecretString === undefined) throw new Error(`the secret ${secretId} holds no text (a binary secret?)`);
  return SecretString;
}
