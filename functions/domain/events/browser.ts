import Bowser from 'bowser';
import { ownedText } from '../reading/owned-text.js';
import { cutForDisplay } from './display-text.js';
import type { BrowserOf } from './normalize.js';

const CACHE_LIMIT = 10_000;

/** Browser names from user agents, via bowser, cached: an export repeats a handful of agents endlessly. */
export function createBrowserOf(): BrowserOf {
  const cache = new Map<string, string | null>();
  return (userAgent) => {
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
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(ownedText(userAgent), name);
    return name;
  };
}
