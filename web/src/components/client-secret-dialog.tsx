import { useState } from 'react';
import { ModalDialog } from './modal-dialog.js';

/** An app's client secret, shown once (the server keeps only its hash), with its client id and Copy. */
export function ClientSecretDialog({
  title,
  clientId,
  clientSecret,
  onClose,
}: {
  title: string;
  clientId: string;
  clientSecret: string;
  onClose: () => void;
}) {
  const [copied, setCopied] = useState(false);

  async function copy() {
    try {
      await navigator.clipboard.writeText(clientSecret);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  }

  return (
    <ModalDialog title={title} onClose={onClose} testId="client-secret-dialog">
      <p>
        Enter the client ID and this client secret in the app’s settings now. The secret is shown only once;
        if it is lost, replace it.
      </p>
      <dl className="client-secret">
        <dt>Client ID</dt>
        <dd>
          <code data-testid="client-id">{clientId}</code>
        </dd>
        <dt>Client secret</dt>
        <dd>
          <code data-testid="client-secret" translate="no">
            {clientSecret}
          </code>
        </dd>
      </dl>
      <div className="modal__actions">
        <button type="button" className="button button--secondary" onClick={() => void copy()}>
          {copied ? 'Copied' : 'Copy Secret'}
        </button>
        <button type="button" className="button button--primary" onClick={onClose} autoFocus>
          Done
        </button>
      </div>
    </ModalDialog>
  );
}
