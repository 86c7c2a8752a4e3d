import type { SettingsPageProps } from './sections';

export default function WidgetPage(_props: SettingsPageProps) {
  return <p class="placeholder">Coming next.</p>;
}
