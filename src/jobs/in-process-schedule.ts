// The nightly reconciliation without Redis: a timer in the watching process. Only the daily form of
// the cron (`M H * * *`) is understood here; any other pattern needs Redis (BullMQ's scheduler).

/** The next time a daily cron `M H * * *` fires after `from`, or null for any other pattern. */
export function nextDailyRun(cron: string, from: Date): Date | null {
  const fields = cron.trim().split(/\s+/);
  const [minute, hour, ...rest] = fields;
  if (fields.length !== 5 || !rest.every((f) => f === '*')) {
    return null;
  }
  const m = Number(minute);
  const h = Number(hour);
  if (!Number.isInteger(m) || !Number.isInteger(h) || m < 0 || m > 59 || h < 0 || h > 23) {
    return null;
  }

  const next = new Date(from);
  next.setHours(h, m, 0, 0);
  if (next.getTime() <= from.getTime()) {
    next.setDate(next.getDate() + 1);
  }
  return next;
}

/** Calls `run` at every daily occurrence of `cron` until stopped; null when the cron is not daily. */
export function everyDay(cron: string, run: () => Promise<void>): { stop(): void } | null {
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const arm = (): boolean => {
    if (stopped) {
      return true;
    }
    const next = nextDailyRun(cron, new Date());
    if (!next) {
      return false;
    }
    timer = setTimeout(() => void run().finally(arm), next.getTime() - Date.now());
    return true;
  };
  if (!arm()) {
    return null;
  }
  return {
    stop() {
      stopped = true;
      if (timer) {
        clearTimeout(timer);
      }
    },
  };
}
