import type { SettingsPageProps } from './sections';

export default function RoutingPage(_props: SettingsPageProps) {
  return <p class="placeholder">Coming next.</p>;
}
