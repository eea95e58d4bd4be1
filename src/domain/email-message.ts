/**
 * Notification emails: plain text and HTML from one description, always naming the practice.
 * They report what happened, when, from where — never a password, code or token.
 */
export interface EmailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export interface EmailContent {
  readonly to: string;
  readonly practiceName: string;
  readonly subject: string;
  readonly greeting: string;
  readonly paragraphs: readonly string[];
  /** Label/value lines such as Time, IP address, Browser. */
  readonly facts?: ReadonlyArray<readonly [string, string]>;
  /** A link with its label, e.g. a password reset link. */
  readonly action?: { readonly label: string; readonly url: string };
  readonly closing?: string;
}

export function renderEmail(content: EmailContent): EmailMessage {
  const facts = content.facts ?? [];
  const closing = content.closing ?? 'If this was not you, contact your Practice Administrator right away.';
  const text = [
    content.greeting,
    '',
    ...content.paragraphs.flatMap((paragraph) => [paragraph, '']),
    ...facts.map(([label, value]) => `${label}: ${value}`),
    ...(facts.length ? [''] : []),
    ...(content.action ? [`${content.action.label}: ${content.action.url}`, ''] : []),
    closing,
    '',
    `— ${content.practiceName}, via Gatehouse`,
  ].join('\n');

  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#1f2933;line-height:1.5">
<p>${escapeHtml(content.greeting)}</p>
${content.paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`).join('\n')}
${facts.length ? `<table>${facts.map(([label, value]) => `<tr><th align="left" style="padding-right:12px">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`).join('')}</table>` : ''}
${content.action ? `<p><a href="${escapeHtml(content.action.url)}">${escapeHtml(content.action.label)}</a></p>` : ''}
<p>${escapeHtml(closing)}</p>
<p style="color:#52606d">— ${escapeHtml(content.practiceName)}, via Gatehouse</p>
</body></html>`;
  return { to: content.to, subject: `${content.subject} — ${content.practiceName}`, text, html };
}

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
