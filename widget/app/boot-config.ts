/** What the loader hands the app, and what the app hands back. Types only: the loader stays tiny. */
export interface WidgetIdentity {
  userId: string;
  name?: string;
  email?: string;
  hash?: string;
}

/** What `Switchboard.on('message', …)` is given. */
export interface AgentMessageInfo {
  text: string;
  agentName?: string;
  /** When the server stored it (ms since the epoch). */
  at: number;
}

export interface WidgetBootConfig {
  /** Origin of the Switchboard server that served widget.js. */
  serverUrl: string;
  siteKey: string;
  /** Closes the panel (the launcher lives in the loader). */
  close(): void;
  /**
   * An agent wrote (live, not history): the loader counts it unread while the panel is closed or the
   * tab hidden. @returns the unread count now, 0 when the visitor is looking at the chat
   */
  onAgentMessage(message: AgentMessageInfo): number;
  /** Whether `Switchboard.setSound(true)` asked for a beep on unread messages. */
  sound(): boolean;
  /** An error the page should hear of (`Switchboard.on('error')`), such as a refused identify. */
  onError?(error: { code: string; message: string }): void;
  /** From `Switchboard.identify(…)` before the app loaded. */
  identity?: WidgetIdentity | undefined;
  /** The script tag's `data-lang`, above the browser's languages. */
  lang?: string | undefined;
  /** The script tag's `data-position`, until the site's setting arrives with the session. */
  position?: string | undefined;
  /** From `Switchboard.setContext(…)` before the app loaded. */
  custom?: Record<string, string | number>;
}

export interface WidgetHandle {
  /** Moves keyboard focus into the chat (after opening). */
  focus(): void;
  identify(identity: WidgetIdentity): void;
  /** The site's facts for agents changed (`Switchboard.setContext`). */
  setContext(custom: Record<string, string | number>): void;
}
