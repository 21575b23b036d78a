// The app's mark, in its own module: the sign-in page shows it without loading the signed-in shell.
export function AppLogo() {
  return (
    <svg className="logo" viewBox="0 0 64 64" aria-hidden="true" focusable="false">
      <rect width="64" height="64" rx="14" fill="currentColor" />
      <path d="M14 24 32 15l18 9-18 9z" fill="#fff" />
      <path d="M21 29v10c0 4 5 7 11 7s11-3 11-7V29l-11 6z" fill="#fff" opacity=".85" />
    </svg>
  );
}
