// Math in questions, rendered by KaTeX, which (with its CSS and fonts) is the largest download of the quiz and
// live pages: it loads only when a question's text has a math delimiter.
const delimiters = [
  { left: '$$', right: '$$', display: true },
  { left: '\\[', right: '\\]', display: true },
  { left: '\\(', right: '\\)', display: false },
];

export function hasMath(html: string): boolean {
  return delimiters.some((d) => html.includes(d.left));
}

/** Renders the math in an element already filled with the question's (sanitised) HTML. Bad math stays as text. */
export async function renderMath(element: HTMLElement): Promise<void> {
  const [{ default: renderMathInElement }] = await Promise.all([
    import('katex/contrib/auto-render'),
    import('katex/dist/katex.min.css'),
  ]);
  try {
    renderMathInElement(element, { delimiters, throwOnError: false });
  } catch {
    // Bad math stays as text.
  }
}
