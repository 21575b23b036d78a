import { useEffect, useRef } from 'react';
import DOMPurify from 'dompurify';
import renderMathInElement from 'katex/contrib/auto-render';
import 'katex/dist/katex.min.css';
import './assessment.css';

const delimiters = [
  { left: '$$', right: '$$', display: true },
  { left: '\\[', right: '\\]', display: true },
  { left: '\\(', right: '\\)', display: false },
];

/** Question HTML (sanitised on the server, and again here) with its math rendered by KaTeX. */
export function Rich({ html, className, testId, as = 'div' }: { html: string; className?: string; testId?: string; as?: 'div' | 'span' }) {
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    ref.current.innerHTML = DOMPurify.sanitize(html);
    try {
      renderMathInElement(ref.current, { delimiters, throwOnError: false });
    } catch {
      // Bad math stays as text.
    }
  }, [html]);
  const Tag = as;
  return <Tag ref={ref as never} className={className ? `rich ${className}` : 'rich'} data-testid={testId} />;
}

/** Plain text of question HTML, for titles and selects. */
export function plain(html: string): string {
  const div = document.createElement('div');
  div.innerHTML = DOMPurify.sanitize(html);
  return (div.textContent ?? '').trim();
}
