/**
 * What every Settings page needs: the site's settings loaded once, a save that sends only what the
 * page changed, and the server's refusal shown next to the field it names (`details.path`).
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { WireError } from '../../shared/protocol';
import type { SiteSettings, SiteSettingsPatch } from '../../shared/schemas';
import { settingsApi, wireErrorOf } from './settings-api';

export type SaveState = { status: 'idle' | 'saving' | 'saved' } | { status: 'refused'; error: WireError };

/** The site's settings, and a `save` that patches them and keeps the answer. */
export function useSiteSettings(siteKey: string) {
  const api = settingsApi(siteKey);
  const [settings, setSettings] = useState<SiteSettings | null>(null);
  const [loadError, setLoadError] = useState<WireError | null>(null);
  const [save, setSave] = useState<SaveState>({ status: 'idle' });
  useEffect(() => {
    api.routing().then(
      (r) => setSettings(r.settings),
      (e) => setLoadError(wireErrorOf(e)),
    );
  }, [siteKey]);
  return {
    settings,
    loadError,
    save,
    /** @returns true when the server took the change */
    async submit(patch: SiteSettingsPatch): Promise<boolean> {
      setSave({ status: 'saving' });
      try {
        setSettings(await api.saveSettings(patch));
        setSave({ status: 'saved' });
        return true;
      } catch (error) {
        setSave({ status: 'refused', error: wireErrorOf(error) });
        return false;
      }
    },
  };
}

/** The refusal when it names `path` or a field under it (`/widget/accentColor` for `/widget/accentColor`). */
export function errorAt(save: SaveState, ...paths: string[]): string | undefined {
  if (save.status !== 'refused') return undefined;
  const path = typeof save.error.details?.path === 'string' ? save.error.details.path : undefined;
  if (!path || !paths.some((p) => path === p || path.startsWith(`${p}/`))) return undefined;
  const problem = save.error.details?.problem;
  return typeof problem === 'string' ? problem : save.error.message;
}

/** A refusal no field on the page claims, shown above the save button. */
export function unclaimedError(save: SaveState, claimed: readonly string[]): string | undefined {
  if (save.status !== 'refused') return undefined;
  return errorAt(save, ...claimed) === undefined ? save.error.message + (typeof save.error.details?.problem === 'string' ? `: ${save.error.details.problem}` : '') : undefined;
}

/** A labelled control with its hint and, when the server refused it, the reason under it. */
export function Field({ id, label, hint, error, children }: { id: string; label: string; hint?: string; error?: string | undefined; children: ComponentChildren }) {
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      <label for={id}>{label}</label>
      {children}
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** `aria-describedby` and `aria-invalid` for the control inside a `Field`. */
export function described(id: string, hint: boolean, error: string | undefined) {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return { id, ...(ids ? { 'aria-describedby': ids } : {}), 'aria-invalid': error ? true : undefined };
}

/** The save button with what happened to the last save. */
export function SaveBar({ save, claimed, label = 'Save' }: { save: SaveState; claimed: readonly string[]; label?: string }) {
  const other = unclaimedError(save, claimed);
  return (
    <div class="save-bar">
      <button type="submit" class="primary" disabled={save.status === 'saving'}>
        {save.status === 'saving' ? 'Saving…' : label}
      </button>
      <span role="status" class="save-status">
        {save.status === 'saved' ? 'Saved.' : save.status === 'refused' ? 'Not saved: see the message above.' : ''}
      </span>
      {other && (
        <p class="field-error" role="alert">
          {other}
        </p>
      )}
    </div>
  );
}

export function PageState({ loadError }: { loadError: WireError | null }) {
  return loadError ? (
    <p class="error" role="alert">
      {loadError.message}
    </p>
  ) : (
    <p class="loading">Loading…</p>
  );
}
