import { useMemo } from 'react';
import { marked } from 'marked';
import DOMPurify from 'dompurify';

// Links in course pages open in a new tab and give the other site no handle on this one.
DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A' && node.getAttribute('href')) {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  }
});

/**
 * Renders a teacher's markdown, sanitised: no scripts, no event handlers, no javascript: links. A line break is
 * kept as typed (a syllabus written a line per week stays a line per week), as in comment boxes people know.
 */
export function renderMarkdown(source: string): string {
  const html = marked.parse(source, { async: false, gfm: true, breaks: true });
  return DOMPurify.sanitize(html, {
    USE_PROFILES: { html: true },
    FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'iframe'],
    ADD_ATTR: ['target'],
  });
}

export function Markdown({ source, testId }: { source: string; testId?: string }) {
  const html = useMemo(() => renderMarkdown(source), [source]);
  return <div className="prose" data-testid={testId} dangerouslySetInnerHTML={{ __html: html }} />;
}
