/**
 * The page the visitor is on, for agents (`visitor:context`): gathered here, sent on every connection
 * (the transport resends the latest) and whenever the URL changes — pushState / replaceState (patched),
 * popstate, hashchange — at most once a second, the last change always told.
 */
import type { VisitorContextPayload } from '../../shared/schemas';
import { MAX_PAGE_TITLE_LENGTH, MAX_PAGE_URL_LENGTH } from '../../shared/limits';

/** One message a second is plenty for a person browsing; a single-page app may replaceState on every keystroke. */
const THROTTLE_MS = 1_000;

const httpUrl = (value: string) => (/^https?:\/\/\S+$/i.test(value) && value.length <= MAX_PAGE_URL_LENGTH ? value : undefined);

export function readPageContext(custom: Record<string, string | number> = {}): VisitorContextPayload {
  const url = httpUrl(location.href) ?? location.origin;
  const referrer = httpUrl(document.referrer);
  let timeZone = 'UTC';
  try {
    timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || timeZone;
  } catch {
    // Very old engines: UTC is what we can say.
  }
  return {
    page: { url, title: document.title.slice(0, MAX_PAGE_TITLE_LENGTH), ...(referrer ? { referrer } : {}) },
    language: /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(navigator.language) ? navigator.language : 'und',
    timeZone,
    ...(Object.keys(custom).length ? { custom } : {}),
  };
}

/** Calls `changed` (throttled) whenever the page's URL changes; returns a function that stops it. */
export function watchNavigation(changed: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = 0;
  let url = location.href;
  const check = () => {
    if (location.href === url) return;
    url = location.href;
    clearTimeout(timer);
    const wait = Math.max(0, last + THROTTLE_MS - Date.now());
    timer = setTimeout(() => {
      last = Date.now();
      changed();
    }, wait);
  };
  // history has no event for pushState/replaceState: wrap them, calling the page's own (or another script's wrapper) first.
  const originals = { pushState: history.pushState, replaceState: history.replaceState };
  for (const name of ['pushState', 'replaceState'] as const) {
    history[name] = function (this: History, ...args: Parameters<History['pushState']>) {
      const result = originals[name].apply(this, args);
      // The title often changes just after the URL: read both once the page's handler ran.
      setTimeout(check);
      return result;
    };
  }
  addEventListener('popstate', check);
  addEventListener('hashchange', check);
  return () => {
    history.pushState = originals.pushState;
    history.replaceState = originals.replaceState;
    removeEventListener('popstate', check);
    removeEventListener('hashchange', check);
    clearTimeout(timer);
  };
}
