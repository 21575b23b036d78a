import { useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { moocApi, type ForumPost, type ForumThread } from '../../api/moocs';
import { Badge, ErrorMessage, Field, Loading, useTitle } from '../../components/common';
import { Markdown } from '../../components/Markdown';
import { formatDateTime } from '../../format';

function Vote({ count, voted, onVote, label }: { count: number; voted: boolean; onVote: (up: boolean) => Promise<number>; label: string }) {
  const [state, setState] = useState({ count, voted });
  return (
    <button type="button" className={state.voted ? 'btn btn-small btn-primary' : 'btn btn-small'} aria-pressed={state.voted}
            aria-label={label} data-testid="upvote"
            onClick={async () => {
              const up = !state.voted;
              const n = await onVote(up);
              setState({ count: n, voted: up });
            }}>
      ▲ {state.count}
    </button>
  );
}

export function ForumPage() {
  const { t, i18n } = useTranslation();
  const { courseId = '' } = useParams();
  const navigate = useNavigate();
  const [threads, setThreads] = useState<ForumThread[]>([]);
  const [total, setTotal] = useState(0);
  const [sort, setSort] = useState('recent');
  const [q, setQ] = useState('');
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [postError, setPostError] = useState<unknown>(null);
  useTitle(t('moocs.forum.title'));

  const load = async (skip: number) => {
    setLoading(true);
    try {
      const page = await moocApi.threads(courseId, { q: q || undefined, sort, skip, take: 20 });
      setThreads((previous) => (skip === 0 ? page.threads.items : [...previous, ...page.threads.items]));
      setTotal(page.threads.total);
      setError(null);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => {
    void load(0);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [courseId, sort]);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    try {
      const thread = await moocApi.createThread(courseId, title.trim(), body.trim());
      navigate(`/courses/${courseId}/forum/${thread.id}`);
    } catch (e) {
      setPostError(e);
    }
  };

  return (
    <div className="page">
      <p className="breadcrumb"><Link to={`/courses/${courseId}`}>← {t('moocs.forum.backToCourse')}</Link></p>
      <h1>{t('moocs.forum.title')}</h1>
      <form className="toolbar" role="search" onSubmit={(e) => { e.preventDefault(); void load(0); }}>
        <label className="visually-hidden" htmlFor="forum-q">{t('moocs.forum.search')}</label>
        <input id="forum-q" type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder={t('moocs.forum.search')} maxLength={100} />
        <label className="visually-hidden" htmlFor="forum-sort">{t('moocs.forum.sort')}</label>
        <select id="forum-sort" value={sort} onChange={(e) => setSort(e.target.value)}>
          <option value="recent">{t('moocs.forum.recent')}</option>
          <option value="top">{t('moocs.forum.top')}</option>
        </select>
      </form>
      <ErrorMessage error={error} onRetry={() => void load(0)} />
      <ul className="plain-list thread-list" data-testid="thread-list">
        {threads.map((thread) => (
          <li key={thread.id} className="card thread-card" data-testid="thread">
            <p>
              <Link to={`/courses/${courseId}/forum/${thread.id}`}><strong>{thread.title}</strong></Link>
              {thread.answered && <> <Badge tone="published">{t('moocs.forum.answered')}</Badge></>}
              {thread.locked && <> <Badge tone="draft">{t('moocs.forum.locked')}</Badge></>}
              {thread.hidden && <> <Badge tone="draft">{t('moocs.forum.hidden')}</Badge></>}
            </p>
            <p className="muted small">
              {thread.authorName} · {formatDateTime(thread.lastActivityAt, i18n.language)} · {t('moocs.forum.replies', { count: thread.replies })} · ▲ {thread.upvotes}
            </p>
          </li>
        ))}
      </ul>
      {loading && <Loading />}
      {!loading && threads.length === 0 && <p className="muted">{t('moocs.forum.empty')}</p>}
      {!loading && threads.length < total && (
        <div className="load-more"><button type="button" className="btn" onClick={() => void load(threads.length)}>{t('common.loadMore')}</button></div>
      )}
      <form className="card form" onSubmit={create} aria-labelledby="new-thread">
        <h2 id="new-thread">{t('moocs.forum.newThread')}</h2>
        <Field label={t('moocs.forum.threadTitle')}>
          {(p) => <input {...p} value={title} onChange={(e) => setTitle(e.target.value)} required minLength={3} maxLength={200} />}
        </Field>
        <Field label={t('moocs.forum.body')}>
          {(p) => <textarea {...p} rows={4} value={body} onChange={(e) => setBody(e.target.value)} required maxLength={20000} />}
        </Field>
        <ErrorMessage error={postError} />
        <button type="submit" className="btn btn-primary">{t('moocs.forum.post')}</button>
      </form>
    </div>
  );
}

export function ThreadPage() {
  const { t, i18n } = useTranslation();
  const { courseId = '', threadId = '' } = useParams();
  const [thread, setThread] = useState<ForumThread | null>(null);
  const [posts, setPosts] = useState<ForumPost[]>([]);
  const [total, setTotal] = useState(0);
  const [moderator, setModerator] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [reply, setReply] = useState('');
  const [replyError, setReplyError] = useState<unknown>(null);
  useTitle(thread?.title);

  const load = async (skip: number) => {
    try {
      const page = await moocApi.thread(threadId, skip, 50);
      setThread(page.thread);
      setModerator(page.canModerate);
      setPosts((previous) => (skip === 0 ? page.posts.items : [...previous, ...page.posts.items]));
      setTotal(page.posts.total);
      setError(null);
    } catch (e) {
      setError(e);
    }
  };
  useEffect(() => {
    void load(0);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [threadId]);

  if (!thread) return <div className="page">{error ? <ErrorMessage error={error} /> : <Loading />}</div>;

  const send = async (event: FormEvent) => {
    event.preventDefault();
    try {
      await moocApi.reply(threadId, reply.trim());
      setReply('');
      setReplyError(null);
      await load(0);
    } catch (e) {
      setReplyError(e);
    }
  };

  return (
    <div className="page">
      <p className="breadcrumb"><Link to={`/courses/${courseId}/forum`}>← {t('moocs.forum.title')}</Link></p>
      <article className="card" data-testid="thread-view">
        <h1>{thread.title}</h1>
        <p className="muted small">{thread.authorName} · {formatDateTime(thread.createdAt, i18n.language)}</p>
        <Markdown source={thread.body} />
        <div className="actions">
          <Vote count={thread.upvotes} voted={thread.votedByMe} label={t('moocs.forum.upvote')} onVote={(up) => moocApi.voteThread(thread.id, up)} />
          {moderator && (
            <>
              <button type="button" className="btn btn-small" onClick={async () => setThread(await moocApi.moderateThread(thread.id, { locked: !thread.locked }))}>
                {thread.locked ? t('moocs.forum.unlock') : t('moocs.forum.lock')}
              </button>
              <button type="button" className="btn btn-small" onClick={async () => setThread(await moocApi.moderateThread(thread.id, { hidden: !thread.hidden }))}>
                {thread.hidden ? t('moocs.forum.unhide') : t('moocs.forum.hide')}
              </button>
            </>
          )}
        </div>
      </article>
      <ol className="plain-list" data-testid="posts">
        {posts.map((post) => (
          <li key={post.id} className={post.teacherAnswer ? 'card post answer' : 'card post'} data-testid="post">
            {post.teacherAnswer && <Badge tone="published">{t('moocs.forum.teacherAnswer')}</Badge>}
            {post.hidden && <Badge tone="draft">{t('moocs.forum.hidden')}</Badge>}
            <p className="muted small">{post.authorName} · {formatDateTime(post.createdAt, i18n.language)}</p>
            <Markdown source={post.body} />
            <div className="actions">
              <Vote count={post.upvotes} voted={post.votedByMe} label={t('moocs.forum.upvote')} onVote={(up) => moocApi.votePost(post.id, up)} />
              {moderator && (
                <>
                  <button type="button" className="btn btn-small" onClick={async () => { await moocApi.moderatePost(post.id, { answer: !post.teacherAnswer }); await load(0); }}>
                    {post.teacherAnswer ? t('moocs.forum.unmarkAnswer') : t('moocs.forum.markAnswer')}
                  </button>
                  <button type="button" className="btn btn-small" onClick={async () => { await moocApi.moderatePost(post.id, { hidden: !post.hidden }); await load(0); }}>
                    {post.hidden ? t('moocs.forum.unhide') : t('moocs.forum.hide')}
                  </button>
                </>
              )}
            </div>
          </li>
        ))}
      </ol>
      {posts.length < total && <button type="button" className="btn" onClick={() => void load(posts.length)}>{t('common.loadMore')}</button>}
      {thread.locked ? <p className="muted">{t('moocs.forum.lockedNote')}</p> : (
        <form className="card form" onSubmit={send}>
          <Field label={t('moocs.forum.reply')}>
            {(p) => <textarea {...p} rows={3} value={reply} onChange={(e) => setReply(e.target.value)} required maxLength={20000} />}
          </Field>
          <ErrorMessage error={replyError} />
          <button type="submit" className="btn btn-primary">{t('moocs.forum.send')}</button>
        </form>
      )}
    </div>
  );
}
