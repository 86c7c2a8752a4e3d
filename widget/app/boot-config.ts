/** What the loader hands the app, and what the app hands back. Types only: the loader stays tiny. */
export interface WidgetBootConfig {
  /** Origin of the Switchboard server that served widget.js. */
  serverUrl: string;
  siteKey: string;
  /** Closes the panel (the launcher lives in the loader). */
  close(): void;
  /** An agent wrote: the loader shows an unread mark while the panel is closed. */
  onAgentMessage(): void;
  /** From `Switchboard.identify(…)` before the app loaded. */
  identity?: { userId: string; name?: string; email?: string; hash?: string } | undefined;
  /** The script tag's `data-lang`, above the browser's languages. */
  lang?: string | undefined;
  /** The script tag's `data-position`, until the site's setting arrives with the session. */
  position?: string | undefined;
}

export interface WidgetHandle {
  /** Moves keyboard focus into the chat (after opening). */
  focus(): void;
  identify(identity: NonNullable<WidgetBootConfig['identity']>): void;
}
