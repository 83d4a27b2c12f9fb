/** Object keys in S3 event notifications arrive form-URL-encoded: `+` is a space, then `%XX` escapes. */
export function decodeS3EventKey(encodedKey: string): string {
  return decodeURIComponent(encodedKey.replace(/\+/g, ' '));
}
