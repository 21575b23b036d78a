// The registry of course item kinds: each kind's icon, view and create form. The contract a kind fills is in
// itemKindSpec.ts, which the features' pages import; only this registry imports the pages (no import circle).
import { useTranslation } from 'react-i18next';
import type { Item } from '../api/lms';
import type { ItemKindSpec, ItemViewProps } from './itemKindSpec';
import { Markdown } from './Markdown';
import { AssignmentCreate, AssignmentView } from '../pages/moocs/AssignmentItem';
import { QuizItemCreate, QuizItemView } from '../pages/assessment/QuizItem';
import { liveItemKind } from '../pages/classroom/LiveItem';
import { contentItemKinds } from '../pages/content/contentItemKinds';

export type { ItemCreateProps, ItemKindSpec, ItemViewProps } from './itemKindSpec';

function PageView({ item }: ItemViewProps) {
  return item.body ? <Markdown source={item.body} testId="item-body" /> : null;
}

function LinkView({ item }: ItemViewProps) {
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

export const itemKinds: Record<string, ItemKindSpec> = {
  page: { icon: '¶', View: PageView },
  link: { icon: '↗', View: LinkView },
  assignment: { icon: '✎', View: AssignmentView, Create: AssignmentCreate },
  quiz: { icon: '☑', View: QuizItemView, Create: QuizItemCreate },
  live: liveItemKind,
  ...contentItemKinds,
};

/** A kind nobody registered (an older web app, a newer server) still shows its title and note. */
const fallback: ItemKindSpec = { icon: '•', View: PageView };

export function itemKind(kind: string): ItemKindSpec {
  return itemKinds[kind] ?? fallback;
}

export function ItemIcon({ item }: { item: Pick<Item, 'kind'> }) {
  return <span className={`item-icon item-icon-${item.kind}`} aria-hidden="true">{itemKind(item.kind).icon}</span>;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
