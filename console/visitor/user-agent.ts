/**
 * Browser and system from a User-Agent string, by hand: the few families agents recognise, in the
 * order that matters (Edge and Opera say "Chrome" too, Chrome says "Safari", iOS says "Mac OS X").
 * A full parser (ua-parser-js, ~20 KB) would be most of the console's budget for a one-line answer.
 */
export interface BrowserAndSystem {
  browser: string;
  system: string;
}

const BROWSERS: [RegExp, string][] = [
  [/Edg(?:e|A|iOS)?\/(\d+)/, 'Edge'],
  [/OPR\/(\d+)/, 'Opera'],
  [/SamsungBrowser\/(\d+)/, 'Samsung Internet'],
  [/Firefox\/(\d+)/, 'Firefox'],
  [/FxiOS\/(\d+)/, 'Firefox'],
  [/CriOS\/(\d+)/, 'Chrome'],
  [/HeadlessChrome\/(\d+)/, 'Headless Chrome'],
  [/Chrome\/(\d+)/, 'Chrome'],
  [/Version\/(\d+)[.\d]* (?:Mobile\/\S+ )?Safari\//, 'Safari'],
];

const SYSTEMS: [RegExp, (m: RegExpMatchArray) => string][] = [
  [/Windows NT 10\.0/, () => 'Windows 10/11'],
  [/Windows NT (\d+\.\d+)/, (m) => `Windows NT ${m[1]}`],
  [/Android (\d+(?:\.\d+)?)/, (m) => `Android ${m[1]}`],
  [/(?:iPhone|iPad|iPod).*? OS (\d+)[_\d]*/, (m) => `iOS ${m[1]}`],
  [/CrOS/, () => 'ChromeOS'],
  [/Mac OS X (\d+)[._](\d+)/, (m) => `macOS ${m[1]}.${m[2]}`],
  [/Linux/, () => 'Linux'],
];

export function parseUserAgent(userAgent: string): BrowserAndSystem {
  let browser = 'Unknown browser';
  for (const [pattern, name] of BROWSERS) {
    const m = userAgent.match(pattern);
    if (m) {
      browser = `${name} ${m[1]}`;
      break;
    }
  }
  let system = 'Unknown system';
  for (const [pattern, name] of SYSTEMS) {
    const m = userAgent.match(pattern);
    if (m) {
      system = name(m);
      break;
    }
  }
  if (/Mobi|iPhone|Android.*Mobile/.test(userAgent)) system += ' (phone)';
  return { browser, system };
}
