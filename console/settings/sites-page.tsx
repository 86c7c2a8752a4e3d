/**
 * Settings › Sites: the sites this admin administers; for each its name and allowed origins (one per
 * line, refused with the server's reason), its snippet copied in one click, and its identity secret
 * rotated (after a confirmation) and shown once. A new site's secret is shown once too.
 */
import { useEffect, useState } from 'preact/hooks';
import type { WireError } from '../../shared/protocol';
import type { SiteView } from '../../shared/schemas';
import { adminApi } from './admin-api';
import type { SettingsPageProps } from './sections';
import { wireErrorOf } from './settings-api';

const linesOf = (text: string) => text.split('\n').map((line) => line.trim()).filter(Boolean);
const reasonOf = (error: WireError) => {
  const path = typeof error.details?.path === 'string' ? error.details.path : '';
  const problem = typeof error.details?.problem === 'string' ? error.details.problem : error.message;
  const line = /^\/origins\/(\d+)$/.exec(path);
  return line ? `Origin on line ${Number(line[1]) + 1}: ${problem}` : problem;
};

/** A secret shown once, with a copy button and a way to put it away. */
function OnceSecret({ label, secret, onDone }: { label: string; secret: string; onDone: () => void }) {
  return (
    <div role="status" class="settings-form">
      <p>{label}</p>
      <p class="secret" data-testid="identity-secret">
        {secret}
      </p>
      <div>
        <button type="button" class="secondary" onClick={() => void navigator.clipboard?.writeText(secret)}>
          Copy secret
        </button>{' '}
        <button type="button" class="secondary" onClick={onDone}>
          I have kept it
        </button>
      </div>
    </div>
  );
}

function SiteEditor({ site, onSaved }: { site: SiteView; onSaved: (site: SiteView) => void }) {
  const [name, setName] = useState(site.name);
  const [origins, setOrigins] = useState(site.origins.join('\n'));
  const [error, setError] = useState<WireError | null>(null);
  const [saved, setSaved] = useState(false);
  const [copied, setCopied] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const id = `site-${site.key}`;
  return (
    <section class="settings-form" aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>
        {site.name} <code>{site.key}</code>
      </h3>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setError(null);
          setSaved(false);
          adminApi.updateSite(site.key, { name, origins: linesOf(origins) }).then(
            (updated) => {
              setSaved(true);
              setOrigins(updated.origins.join('\n'));
              onSaved(updated);
            },
            (err) => setError(wireErrorOf(err)),
          );
        }}
      >
        <div class="field">
          <label for={`${id}-name`}>Name</label>
          <input id={`${id}-name`} value={name} required maxLength={100} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        </div>
        <div class="field">
          <label for={`${id}-origins`}>Allowed origins</label>
          <p class="hint" id={`${id}-origins-hint`}>
            One per line, like https://shop.example: the pages that may show the chat. No path, no wildcard.
          </p>
          <textarea
            id={`${id}-origins`}
            rows={3}
            value={origins}
            aria-describedby={`${id}-origins-hint${error ? ` ${id}-error` : ''}`}
            aria-invalid={error ? 'true' : undefined}
            onInput={(e) => setOrigins((e.target as HTMLTextAreaElement).value)}
          />
        </div>
        {error && (
          <p class="error" role="alert" id={`${id}-error`}>
            {reasonOf(error)}
          </p>
        )}
        {saved && <p role="status">Saved.</p>}
        <div>
          <button type="submit" class="primary">
            Save {site.name}
          </button>
        </div>
      </form>
      <div class="field">
        <label for={`${id}-snippet`}>Snippet: paste it before &lt;/body&gt; on every page of the site</label>
        <textarea id={`${id}-snippet`} data-testid="snippet" readOnly rows={2} value={site.snippet} />
        <div>
          <button
            type="button"
            class="secondary"
            onClick={() => {
              void navigator.clipboard?.writeText(site.snippet).then(() => setCopied(true), () => setCopied(false));
            }}
          >
            Copy snippet
          </button>
          {copied && <span role="status"> Copied.</span>}
        </div>
      </div>
      <div>
        <button
          type="button"
          class="secondary"
          onClick={() => {
            if (!confirm(`Rotate the identity secret of ${site.name}? Identities signed with the old one stop being verified until your server uses the new one.`)) return;
            adminApi.rotateSecret(site.key).then((r) => setSecret(r.identitySecret), (err) => setError(wireErrorOf(err)));
          }}
        >
          Rotate identity secret
        </button>
      </div>
      {secret && <OnceSecret label="The new identity secret, shown this once: give it to your site's server, which signs visitor identities with it." secret={secret} onDone={() => setSecret(null)} />}
    </section>
  );
}

export default function SitesPage(_props: SettingsPageProps) {
  const [sites, setSites] = useState<SiteView[] | null>(null);
  const [loadError, setLoadError] = useState<WireError | null>(null);
  const [name, setName] = useState('');
  const [origins, setOrigins] = useState('');
  const [createError, setCreateError] = useState<WireError | null>(null);
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const reload = () => adminApi.sites().then((r) => setSites(r.sites), (e) => setLoadError(wireErrorOf(e)));
  useEffect(() => void reload(), []);

  return (
    <div class="settings-stack">
      {loadError && (
        <p class="error" role="alert">
          {loadError.message}
        </p>
      )}
      {sites === null ? <p class="loading">Loading…</p> : sites.map((site) => <SiteEditor key={site.key} site={site} onSaved={() => void reload()} />)}
      <form
        class="settings-form"
        aria-labelledby="new-site-heading"
        onSubmit={(e) => {
          e.preventDefault();
          setCreateError(null);
          adminApi.createSite(name, linesOf(origins)).then(
            (made) => {
              setCreated({ name: made.name, secret: made.identitySecret });
              setName('');
              setOrigins('');
              return reload();
            },
            (err) => setCreateError(wireErrorOf(err)),
          );
        }}
      >
        <h3 id="new-site-heading">Add a site</h3>
        <div class="field">
          <label for="new-site-name">Name</label>
          <input id="new-site-name" value={name} required maxLength={100} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        </div>
        <div class="field">
          <label for="new-site-origins">Allowed origins</label>
          <p class="hint" id="new-site-origins-hint">
            One per line, like https://shop.example.
          </p>
          <textarea
            id="new-site-origins"
            rows={3}
            value={origins}
            aria-describedby={`new-site-origins-hint${createError ? ' new-site-error' : ''}`}
            aria-invalid={createError ? 'true' : undefined}
            onInput={(e) => setOrigins((e.target as HTMLTextAreaElement).value)}
          />
        </div>
        {createError && (
          <p class="error" role="alert" id="new-site-error">
            {reasonOf(createError)}
          </p>
        )}
        <div>
          <button type="submit" class="primary">
            Add site
          </button>
        </div>
      </form>
      {created && (
        <OnceSecret
          label={`${created.name} is ready. Its identity secret, shown this once (your site's server signs visitor identities with it):`}
          secret={created.secret}
          onDone={() => setCreated(null)}
        />
      )}
    </div>
  );
}
