/** `Switchboard.setSound(true)`: a short generated beep, no audio file to fetch. */
let context: AudioContext | undefined;

export function beep(): void {
  try {
    context ??= new AudioContext();
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.frequency.value = 880;
    // 0.15 s, fading out, so it never clicks: a nudge, not an alarm.
    gain.gain.setValueAtTime(0.1, context.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, context.currentTime + 0.15);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start();
    oscillator.stop(context.currentTime + 0.15);
  } catch {
    // No Web Audio, or the browser wants a gesture first: silence is fine.
  }
}
