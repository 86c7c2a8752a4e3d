import { useEffect, useState } from 'preact/hooks';

/** "just now", "4 min", "1 h 12 min": how long since `since`, updated every 15 s. */
export function WaitedFor({ since }: { since: number }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(timer);
  }, []);
  const minutes = Math.floor(Math.max(0, now - since) / 60_000);
  const text = minutes < 1 ? 'just now' : minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
  return <time dateTime={new Date(since).toISOString()} title={new Date(since).toLocaleString()}>{text}</time>;
}
