import type { SettingsPageProps } from './sections';

export default function HoursPage(_props: SettingsPageProps) {
  return <p class="placeholder">Coming next.</p>;
}
