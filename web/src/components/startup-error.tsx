import { AuthLayout } from './auth-layout.js';
import { FormAlert } from './form-alert.js';

/** Shown when even GET /api/auth/session fails (server down, network lost). */
export function StartupError({ message, onRetry }: { message: string; onRetry: () => void }) {
  return (
    <AuthLayout title="We Can't Reach Gatehouse Right Now">
      <div className="form">
        <FormAlert message={message} />
        <button type="button" className="button button--primary button--block" onClick={onRetry}>
          Try Again
        </button>
      </div>
    </AuthLayout>
  );
}
