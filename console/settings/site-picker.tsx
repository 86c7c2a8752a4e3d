/** Which of the admin's sites a page edits: their own by default, any site they administer on choice. */
import { useEffect, useState } from 'preact/hooks';
import type { SiteView } from '../../shared/schemas';
import { adminApi } from './admin-api';

export function useSitePicker(defaultKey: string) {
  const [sites, setSites] = useState<SiteView[]>([]);
  const [siteKey, setSiteKey] = useState(defaultKey);
  useEffect(() => {
    adminApi.sites().then((r) => setSites(r.sites), () => setSites([]));
  }, []);
  const picker =
    sites.length > 1 ? (
      <div class="field">
        <label for="site-picker">Site</label>
        <select id="site-picker" value={siteKey} onChange={(e) => setSiteKey((e.target as HTMLSelectElement).value)}>
          {sites.map((s) => (
            <option key={s.key} value={s.key}>
              {s.name} ({s.key})
            </option>
          ))}
        </select>
      </div>
    ) : null;
  return { siteKey, picker };
}
