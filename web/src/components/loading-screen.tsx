import { BrandMark } from './brand-mark.js';

export function LoadingScreen() {
  return (
    <div className="loading-screen" role="status" aria-live="polite">
      <BrandMark size={40} />
      <span className="spinner spinner--dark" aria-hidden="true" />
      <span className="visually-hidden">Loading Gatehouse…</span>
    </div>
  );
}
