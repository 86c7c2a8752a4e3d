/** What the loader hands the app, and what the app hands back. Types only: the loader stays tiny. */
export interface WidgetBootConfig {
  /** Origin of the Switchboard server that served widget.js. */
  serverUrl: string;
  siteKey: string;
  /** Closes the panel (the launcher lives in the loader). */
  close(): void;
}

export interface WidgetHandle {
  /** Moves keyboard focus into the chat (after opening). */
  focus(): void;
}
