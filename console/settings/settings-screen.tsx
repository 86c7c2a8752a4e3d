/**
 * The Settings area: a side list of sections and the open section's page, loaded on first use.
 * Reached at `#settings` (the first section) or `#settings/<section id>`; only admins see the entry.
 */
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { AgentView } from '../../shared/schemas';
import { canOpenSettings, sectionsFor, type SettingsPageProps } from './sections';

/** `#settings/hours` → `hours`; `#settings` → undefined. */
export function sectionIdOf(hash: string): string | undefined {
  return /^#settings\/([a-z0-9-]+)$/.exec(hash)?.[1];
}

export function SettingsScreen({ agent, hash }: { agent: AgentView; hash: string }) {
  const sections = sectionsFor(agent.role);
  const current = sections.find((s) => s.id === sectionIdOf(hash)) ?? sections[0];
  const [page, setPage] = useState<{ id: string; Page: ComponentType<SettingsPageProps> } | { id: string; failed: true } | null>(null);

  useEffect(() => {
    if (!current) return;
    let live = true;
    current.load().then(
      (m) => live && setPage({ id: current.id, Page: m.default }),
      () => live && setPage({ id: current.id, failed: true }),
    );
    return () => {
      live = false;
    };
  }, [current?.id]);

  // An agent who is not admin may open the sections their role has (Account), never the others.
  if (!current || (!canOpenSettings(agent) && sectionIdOf(hash) !== current.id)) {
    return (
      <main class="settings-main">
        <p class="error" role="alert">
          Settings are for admins of this site.
        </p>
      </main>
    );
  }
  const shown = page?.id === current.id ? page : null;
  return (
    <div class="settings">
      <nav class="settings-nav" aria-label="Settings sections">
        <ul>
          {sections.map((s) => (
            <li key={s.id}>
              <a href={`#settings/${s.id}`} aria-current={s.id === current.id ? 'page' : undefined}>
                {s.title}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main class="settings-main" aria-labelledby="settings-heading">
        <h2 id="settings-heading">{current.title}</h2>
        {shown === null ? (
          <p class="loading">Loading…</p>
        ) : 'failed' in shown ? (
          <p class="error" role="alert">
            This page could not be loaded. Reload to try again.
          </p>
        ) : (
          <shown.Page agent={agent} />
        )}
      </main>
    </div>
  );
}
