// Display formats for a Chinese wall panel. The host clock is epoch ms; the panel shows the
// time in its own time zone, which is the community's.

export function secondsUntil(at: number, now: number): number {
  return Math.max(0, Math.ceil((at - now) / 1000));
}

export function formatMinutesSeconds(totalSeconds: number): string {
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  return `${String(minutes).padStart(2, '0')}:${String(seconds).padStart(2, '0')}`;
}

const WEEKDAYS = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'] as const;

export function formatClock(epochMs: number): { time: string; seconds: string; date: string } {
  const d = new Date(epochMs);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return {
    time: `${pad(d.getHours())}:${pad(d.getMinutes())}`,
    seconds: pad(d.getSeconds()),
    date: `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日 ${WEEKDAYS[d.getDay()] ?? ''}`,
  };
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A call's time in the history: "今天 14:03", "昨天 09:12", "11月23日 14:03". */
export function formatWhen(epochMs: number, nowMs: number): string {
  const d = new Date(epochMs);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  const dayStart = (ms: number): number => new Date(ms).setHours(0, 0, 0, 0);
  const days = Math.round((dayStart(nowMs) - dayStart(epochMs)) / 86_400_000);
  if (days === 0) return `今天 ${time}`;
  if (days === 1) return `昨天 ${time}`;
  const year = d.getFullYear() === new Date(nowMs).getFullYear() ? '' : `${d.getFullYear()}年`;
  return `${year}${d.getMonth() + 1}月${d.getDate()}日 ${time}`;
}

/** A call's length for the history: "45秒", "3分05秒". */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return minutes === 0 ? `${seconds}秒` : `${minutes}分${String(seconds).padStart(2, '0')}秒`;
}

/** A floor as residents say it: "12" → "12层", "-1" → "地下1层". */
export function floorLabel(floor: string): string {
  return floor.startsWith('-') ? `地下${floor.slice(1)}层` : `${floor}层`;
}
