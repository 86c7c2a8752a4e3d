import type { SettingsPageProps } from './sections';

export default function QueuesPage(_props: SettingsPageProps) {
  return <p class="placeholder">Coming next.</p>;
}
