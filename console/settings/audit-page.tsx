import type { SettingsPageProps } from './sections';

export default function AuditPage(_props: SettingsPageProps) {
  return <p class="placeholder">Coming next.</p>;
}
