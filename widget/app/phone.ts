/**
 * On a phone the open window is the whole screen (styles.css, same breakpoint): the page behind must
 * not scroll under it, and the window follows the visual viewport so the composer stays above the
 * on-screen keyboard.
 */

/** Under 480 px wide (styles.css's media query says the same). */
export const PHONE_QUERY = '(max-width: 479.98px)';

export const isPhone = (): boolean => globalThis.matchMedia?.(PHONE_QUERY).matches ?? false;

/**
 * Follows the panel's `hidden` attribute (the loader opens and closes it). While it is open on a phone:
 * - the page's scrolling is locked. The guest touches the host page only here, because nothing inside
 *   a shadow root can stop the document behind a fixed full-screen element from scrolling (touch
 *   scrolling chains to it); the exact inline value the page had is put back on close.
 * - the visual viewport's height and offset go to `--sb-vvh` / `--sb-vvt` on the guest element, which
 *   the window's size follows: `100dvh` alone ignores the keyboard on browsers that resize only the visual viewport.
 */
export function watchPhone(panel: HTMLElement, guest: HTMLElement, doc: Document = document): () => void {
  const html = doc.documentElement;
  let saved: string | null = null;
  const viewport = globalThis.visualViewport;
  const follow = () => {
    if (!viewport) return;
    guest.style.setProperty('--sb-vvh', `${viewport.height}px`);
    guest.style.setProperty('--sb-vvt', `${viewport.offsetTop}px`);
  };
  const update = () => {
    const lock = !panel.hidden && isPhone();
    if (lock && saved === null) {
      saved = html.style.overflow;
      html.style.overflow = 'hidden';
      follow();
    } else if (!lock && saved !== null) {
      html.style.overflow = saved;
      saved = null;
    }
  };
  const observer = new MutationObserver(update);
  observer.observe(panel, { attributes: true, attributeFilter: ['hidden'] });
  const media = globalThis.matchMedia?.(PHONE_QUERY);
  media?.addEventListener?.('change', update);
  viewport?.addEventListener('resize', follow);
  viewport?.addEventListener('scroll', follow);
  update();
  return () => {
    observer.disconnect();
    media?.removeEventListener?.('change', update);
    viewport?.removeEventListener('resize', follow);
    viewport?.removeEventListener('scroll', follow);
    if (saved !== null) html.style.overflow = saved;
    saved = null;
  };
}
