import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/** Attributes to SET, or to REMOVE where undefined: the parts of an UpdateItem expression. */
export function attributeChanges(attributes: Readonly<Record<string, AttributeValue | undefined>>) {
  const names: Record<string, string> = {};
  const values: Record<string, AttributeValue> = {};
  const sets: string[] = [];
  const removes: string[] = [];
  for (const [attribute, value] of Object.entries(attributes)) {
    names[`#${attribute}`] = attribute;
    if (value === undefined) {
      removes.push(`#${attribute}`);
    } else {
      values[`:${attribute}`] = value;
      sets.push(`#${attribute} = :${attribute}`);
    }
  }
  return { names, values, sets, removes };
}

/** The UpdateExpression of `attributeChanges`' parts: a SET, and a REMOVE where any is removed. */
export function updateExpression(sets: readonly string[], removes: readonly string[]): string {
  return [`SET ${sets.join(', ')}`, removes.length > 0 ? `REMOVE ${removes.join(', ')}` : '']
    .filter(Boolean)
    .join(' ');
}
