import { isAbsolute, relative, sep } from 'node:path';

/** `path` is `dir` or lies below it (both absolute and resolved); `..x` is a name, not a way up. */
export function isInside(path: string, dir: string): boolean {
  const below = relative(dir, path);
  return below === '' || (below !== '..' && !below.startsWith(`..${sep}`) && !isAbsolute(below));
}
