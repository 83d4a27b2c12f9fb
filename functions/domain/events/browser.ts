import Bowser from 'bowser';
import { ownedText } from '../reading/owned-text.js';
import { cutForDisplay } from './display-text.js';
import type { BrowserOf } from './normalize.js';

const CACHE_LIMIT = 10_000;
/**
 * Characters of agents the cache holds at most. An agent is whatever an event sends, up to a record's 4 MiB:
 * counted by entries alone, distinct agents of a megabyte each held gigabytes (the ingest keeps its cache
 * from one object to the next); real agents, a few hundred characters, fill the entries first.
 */
export const CACHE_CHARACTERS = 8 * 1024 * 1024;
/**
 * The first agents met, looked for by comparison before the map: an agent is a new string of ~120
 * characters in each record, which the map must hash whole (~1,800 instructions a lookup), where
 * comparing it with an agent of another length costs nothing and with its own a copy's worth. They are the
 * cache's own first entries, cleared with it.
 */
const FIRST_AGENTS = 32;

/** Browser names from user agents, via bowser, cached: an export repeats a handful of agents endlessly. */
export function createBrowserOf(cacheCharacters = CACHE_CHARACTERS): BrowserOf {
  const cache = new Map<string, string | null>();
  let cachedCharacters = 0;
  const firstAgents: string[] = [];
  const firstNames: (string | null)[] = [];
  return (userAgent) => {
    for (let at = 0; at < firstAgents.length; at++)
      if (firstAgents[at] === userAgent) return firstNames[at] as string | null;
    const cached = cache.get(userAgent);
    if (cached !== undefined) return cached;
    let name: string | null = null;
    try {
      name = Bowser.parse(userAgent).browser.name ?? null;
    } catch {
      // An agent bowser cannot read says nothing about the browser.
    }
    if (name === '') name = null;
    // Kept in the cache: bowser may return a slice of the agent, itself a slice of its record.
    if (name !== null) name = ownedText(cutForDisplay(name));
    const characters = userAgent.length + (name?.length ?? 0);
    if (characters > cacheCharacters) return name;
    if (cache.size >= CACHE_LIMIT || cachedCharacters + characters > cacheCharacters) {
      cache.clear();
      cachedCharacters = 0;
      firstAgents.length = 0;
      firstNames.length = 0;
    }
    const agent = ownedText(userAgent);
    cache.set(agent, name);
    cachedCharacters += characters;
    if (firstAgents.length < FIRST_AGENTS) {
      firstAgents.push(agent);
      firstNames.push(name);
    }
    return name;
  };
}
