import { useState } from 'react';

/**
 * The recovery codes, shown once: copy, download as text, or print. Each works once; the
 * server keeps only their hashes, so this is the only time they can be seen.
 */
export function RecoveryCodeSheet({
  codes,
  onDone,
  doneLabel = 'Done',
}: {
  codes: string[];
  onDone: () => void;
  doneLabel?: string;
}) {
  const [copied, setCopied] = useState(false);
  const text = `Gatehouse recovery codes\nEach code can be used once.\n\n${codes.join('\n')}\n`;

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  }

  function download() {
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = 'gatehouse-recovery-codes.txt';
    link.click();
    URL.revokeObjectURL(url);
  }

  return (
    <div className="recovery-sheet" data-testid="recovery-code-sheet">
      <h3 className="recovery-sheet__title">Save Your Recovery Codes</h3>
      <p>
        If you lose your phone, each of these codes lets you log in once. Keep them somewhere safe: this is
        the only time they are shown.
      </p>
      <ol className="recovery-sheet__codes" aria-label="Recovery codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <div className="recovery-sheet__actions">
        <button type="button" className="button button--secondary" onClick={() => void copy()}>
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" className="button button--secondary" onClick={download}>
          Download
        </button>
        <button type="button" className="button button--secondary" onClick={() => window.print()}>
          Print
        </button>
      </div>
      <button type="button" className="button button--primary" onClick={onDone}>
        {doneLabel}
      </button>
    </div>
  );
}
