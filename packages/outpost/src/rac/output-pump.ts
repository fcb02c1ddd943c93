/**
 * Target → browser: every chunk the target sends goes to the relay socket, at most `bytesPerSecond`
 * (a runaway target is paused, not buffered) and never faster than the relay drains (the socket is paused
 * while the relay holds more than HIGH_WATER unsent), so the outpost's memory per connection stays bounded.
 */
import { createRateBucket } from './rate-bucket.ts';

/** Unsent bytes on the relay above which the target is paused. */
export const HIGH_WATER = 1024 * 1024;
/** How often a paused pump looks at the relay's queue again. */
const DRAIN_POLL_MS = 20;

/** Where output goes: the relay socket. */
export interface OutputSink {
  send(data: Buffer): void;
  readonly bufferedAmount: number;
}

/** What output comes from: a socket or an SSH channel. */
export interface OutputSource {
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  pause(): unknown;
  resume(): unknown;
}

/** Pumps `source` into `sink`; `counted` hears every byte forwarded, `throttled` each pause for rate. */
export function pumpOutput(
  source: OutputSource,
  sink: OutputSink,
  options: { bytesPerSecond: number; counted(bytes: number): void; throttled(): void },
): { stop(): void } {
  const bucket = createRateBucket(options.bytesPerSecond);
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const resumeWhenDrained = () => {
    timer = undefined;
    if (stopped) return;
    if (sink.bufferedAmount > HIGH_WATER) timer = setTimeout(resumeWhenDrained, DRAIN_POLL_MS);
    else source.resume();
  };
  source.on('data', (chunk: Buffer) => {
    if (stopped) return;
    sink.send(chunk);
    options.counted(chunk.length);
    const wait = bucket.spend(chunk.length);
    if (wait > 0) options.throttled();
    if (wait > 0 || sink.bufferedAmount > HIGH_WATER) {
      source.pause();
      clearTimeout(timer);
      timer = setTimeout(resumeWhenDrained, Math.max(wait, DRAIN_POLL_MS));
    }
  });
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
