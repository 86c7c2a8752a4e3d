import type { SettingsPageProps } from './sections';

export default function WebhooksPage(_props: SettingsPageProps) {
  return <p class="placeholder">Coming next.</p>;
}
