/** A one-line progress bar on stderr (redrawn on a TTY, a line every few seconds otherwise). */
export interface ProgressInfo {
  done: number;
  total?: number;
  rate: number;
  etaSeconds?: number;
  detail?: string;
}

export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr) {
  const tty = stream.isTTY === true;
  let lastLine = 0;
  const fmtEta = (s?: number) => (s === undefined ? '?' : s >= 3600 ? `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m` : s >= 60 ? `${Math.floor(s / 60)}m${s % 60}s` : `${s}s`);
  return {
    update(p: ProgressInfo) {
      const width = 28;
      const frac = p.total ? Math.min(1, p.done / p.total) : 0;
      const bar = p.total ? '█'.repeat(Math.round(frac * width)).padEnd(width, '░') : '';
      const pct = p.total ? `${(frac * 100).toFixed(1)}%` : '';
      const text = `${label} ${bar} ${p.done}${p.total ? `/${p.total}` : ''} ${pct} ${p.rate.toFixed(1)}/s ETA ${fmtEta(p.etaSeconds)}${p.detail ? `  ${p.detail}` : ''}`;
      if (tty) stream.write(`\r\x1b[2K${text}`);
      else if (Date.now() - lastLine > 5000) {
        stream.write(text + '\n');
        lastLine = Date.now();
      }
    },
    done(message?: string) {
      if (tty) stream.write('\r\x1b[2K');
      if (message) stream.write(message + '\n');
    },
  };
}
