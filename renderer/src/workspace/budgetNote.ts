import { formatCount } from '../data/format.js';
import type { ChannelStore, XMode } from './channelStore.js';

/**
 * The note the workspace shows when the point budget keeps less than the window shows: the channels
 * that dropped samples and whose oldest kept x is inside the visible range (`visibleMin` on). Empty
 * when nothing visible was trimmed.
 */
export function budgetNote(store: ChannelStore, mode: XMode, visibleMin: number): string {
  const short = store.all().filter((channel) => {
    const x = mode === 'time' ? channel.t.view() : channel.index.view();
    return channel.trimmed > 0 && x.length > 0 && x[0]! > visibleMin;
  });
  if (!short.length) return '';
  const names = short.map((c) => c.name).join(', ');
  return `point budget: ${names} keep${short.length === 1 ? 's' : ''} only the newest ${formatCount(store.capacityPerSeries())} samples`;
}
