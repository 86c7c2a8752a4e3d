/// <reference path="../../widget/app/css.d.ts" />
/**
 * The live preview beside the Widget form: the real widget app (`mountWidget`, its components, theme
 * and stylesheets, the loader's launcher sheet) in a shadow root of its own, fed the unsaved settings
 * as the session the server would send (`visitorSiteInfo`, the server's own projection). Only the
 * transport is a stand-in: it never connects, and answers a message with "this is a preview".
 * A `transform` on the frame (the host's parent) makes it the containing block of the widget's fixed-position launcher
 * and window, so they sit in the frame's corner as they would in a page's.
 */
import { useEffect, useRef } from 'preact/hooks';
import type { Ack, SiteInfo, VisitorSession } from '../../shared/protocol';
import type { SiteSettings, WidgetLanguage } from '../../shared/schemas';
import { visitorSiteInfo } from '../../shared/visitor-look';
import { mountWidget } from '../../widget/app/app';
import APP_CSS from '../../widget/app/styles.css';
import { applyLook } from '../../widget/app/theme';
import type { VisitorTransport, VisitorTransportEvents } from '../../widget/app/transport';
import { CLOSE_ICON } from '../../widget/loader/icons';
import LAUNCHER_CSS from '../../widget/loader/launcher.css';

// The widget words a refusal by its code ("something went wrong"): what a preview's send leads to.
const PREVIEW_REFUSAL: Ack<never> = { ok: false, error: { code: 'INTERNAL', message: 'This is a preview: nothing is sent.' } };

/** A transport that never connects: it hands the widget one session, again whenever the settings change. */
function previewTransport(): { transport: VisitorTransport; show(site: SiteInfo): void } {
  let events: VisitorTransportEvents | undefined;
  let latest: SiteInfo | undefined;
  const session = (site: SiteInfo): VisitorSession => ({ site, visitorId: 'preview', token: 'preview', conversation: null, messages: [], position: null, lastSeen: {} });
  const refuse = () => Promise.resolve(PREVIEW_REFUSAL);
  return {
    transport: {
      start(given) {
        events = given;
        given.onConnection('online');
        if (latest) given.onSession(session(latest));
      },
      send: refuse,
      identify: () => undefined,
      rate: refuse,
      typing: () => undefined,
      seen: () => undefined,
      context: () => undefined,
      transcript: refuse,
      stop: () => {
        events = undefined;
      },
    },
    show(site) {
      latest = site;
      events?.onSession(session(site));
    },
  };
}

export interface WidgetPreviewProps {
  settings: SiteSettings;
  siteName: string;
  /** false: as a visitor outside business hours or with nobody online sees it (leave a message). */
  available: boolean;
  /** The visitor's browser language; changing it mounts the widget again (its language is chosen at start). */
  lang: WidgetLanguage;
}

export function WidgetPreview({ settings, siteName, available, lang }: WidgetPreviewProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const feed = useRef<ReturnType<typeof previewTransport> | null>(null);

  useEffect(() => {
    const host = hostRef.current!;
    const shadow = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
    shadow.replaceChildren();
    const sheets = [LAUNCHER_CSS, APP_CSS].map((css) => {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      return sheet;
    });
    shadow.adoptedStyleSheets = sheets;
    const guest = document.createElement('div');
    guest.className = 'sb-guest';
    const panel = document.createElement('div');
    panel.className = 'sb-panel';
    // The launcher as the loader draws it, open; a picture here, so out of the tab order.
    const launcher = document.createElement('div');
    launcher.className = 'sb-launcher';
    launcher.setAttribute('aria-hidden', 'true');
    launcher.innerHTML = CLOSE_ICON;
    const root = document.createElement('div');
    root.className = 'sb-root';
    panel.append(root);
    guest.append(panel, launcher);
    shadow.append(guest);

    const preview = previewTransport();
    feed.current = preview;
    const widget = mountWidget(root, {
      transport: preview.transport,
      storage: { load: () => ({}), save: () => undefined },
      config: {
        close: () => undefined,
        scriptLang: lang,
        browserLanguages: [lang],
        onLook: (site, chosen) => applyLook(guest, site, chosen, undefined),
      },
    });
    preview.show(visitorSiteInfo({ name: siteName, settings }, available));
    return () => {
      widget.unmount();
      feed.current = null;
    };
  }, [lang]);

  useEffect(() => {
    feed.current?.show(visitorSiteInfo({ name: siteName, settings }, available));
  }, [settings, siteName, available]);

  // The host apart from the frame: the launcher sheet resets its host (`:host { all: initial }`).
  return (
    <div class="widget-preview-frame" data-testid="widget-preview">
      <div ref={hostRef} />
    </div>
  );
}
