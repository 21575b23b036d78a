// The views of the course's own item kinds (a page, a link): loaded with the first opened item, since they render Markdown.
import { useTranslation } from 'react-i18next';
import type { ItemViewProps } from './itemKindSpec';
import { Markdown } from './Markdown';

export function PageView({ item }: ItemViewProps) {
  return item.body ? <Markdown source={item.body} testId="item-body" /> : null;
}

export function LinkView({ item }: ItemViewProps) {
  const { t } = useTranslation();
  return (
    <>
      {item.body && <Markdown source={item.body} testId="item-body" />}
      {item.url && (
        <p>
          <a className="btn btn-primary" href={item.url} target="_blank" rel="noopener noreferrer" data-testid="item-link">
            {t('course.openLink')} <span aria-hidden="true">↗</span>
            <span className="visually-hidden"> ({t('common.newTab')})</span>
          </a>
          <span className="link-host muted">{hostOf(item.url)}</span>
        </p>
      )}
    </>
  );
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
