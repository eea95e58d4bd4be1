/** The Gatehouse mark: a shield with an arched gateway. Decorative; the product name is always written beside it. */
export function BrandMark({ size = 32 }: { size?: number }) {
  return (
    <svg
      className="brand-mark"
      width={size}
      height={size}
      viewBox="0 0 32 32"
      aria-hidden="true"
      focusable="false"
    >
      <path fill="currentColor" d="M16 2 4 6.5v8.2c0 7.3 5.1 13.3 12 15.3 6.9-2 12-8 12-15.3V6.5L16 2Z" />
      <path fill="#fff" d="M11 24V15a5 5 0 0 1 10 0v9h-3v-9a2 2 0 0 0-4 0v9h-3Z" />
    </svg>
  );
}
