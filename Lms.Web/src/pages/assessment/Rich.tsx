import { useEffect, useRef } from 'react';
import DOMPurify from 'dompurify';
import { hasMath, renderMath } from './math';
import './assessment.css';

/** Question HTML (sanitised on the server, and again here) with its math rendered by KaTeX. */
export function Rich({ html, className, testId, as = 'div' }: { html: string; className?: string; testId?: string; as?: 'div' | 'span' }) {
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const element = ref.current;
    element.innerHTML = DOMPurify.sanitize(html);
    // KaTeX (and its CSS and fonts) downloads only for a question that has math.
    if (hasMath(html)) void renderMath(element);
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
