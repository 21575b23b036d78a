// The content library's API (Lms.Server/Content): library items, uploads (tus), processing
// progress (SignalR /hubs/content), course items, watch progress and quotas.
// Shapes and paths come from the server's OpenAPI document (typed.ts); only the closed sets of values are narrowed here.
// Uploads stay on plain fetch: tus (tus-js-client) and multipart form data are not what openapi-fetch sends.
import { HubConnectionBuilder, LogLevel, type HubConnection } from '@microsoft/signalr';
import { Upload } from 'tus-js-client';
import { request, type Problem } from './client';
import type { Page } from './lms';
import { api, call, type Schemas } from './typed';

export type ContentType = 'video' | 'audio' | 'document' | 'image' | 'link';
export type Visibility = 'private' | 'institution' | 'shared';
export type ContentStatus = 'draft' | 'processing' | 'ready' | 'failed';

export const contentTypes: ContentType[] = ['video', 'audio', 'document', 'image', 'link'];
export const visibilities: Visibility[] = ['private', 'institution', 'shared'];
export const licences = ['cc-by', 'cc-by-sa', 'cc-by-nd', 'cc-by-nc', 'cc-by-nc-sa', 'cc-by-nc-nd', 'cc0', 'all-rights-reserved'] as const;

/** File extensions accepted per type (the server judges the content itself again). */
export const acceptedFiles: Record<Exclude<ContentType, 'link'>, string> = {
  video: '.mp4,.m4v,.mov,.webm,.mkv,.3gp,.avi,.ts,video/*',
  audio: '.mp3,.m4a,.aac,.wav,.ogg,.oga,.opus,.flac,.amr,audio/*',
  document: '.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp',
  image: '.jpg,.jpeg,.png,.webp,.gif',
};

type Narrowed<T extends { type: string; visibility: string; status: string }> =
  Omit<T, 'type' | 'visibility' | 'status'> & { type: ContentType; visibility: Visibility; status: ContentStatus };

export type ContentSummary = Narrowed<Schemas['ContentSummaryView']>;
export type Rendition = Schemas['RenditionView'];
export type MediaInfo = Omit<Schemas['MediaView'], 'kind'> & { kind: 'video' | 'audio' | 'document' | 'image' };
export type JobInfo = Omit<Schemas['JobView'], 'state'> & { state: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' };
export type SubtitleInfo = Schemas['SubtitleView'];
export type ContentItem = Omit<Narrowed<Schemas['ContentItemView']>, 'media' | 'job'> & { media: MediaInfo | null; job: JobInfo | null };
export type ContentVersion = Schemas['VersionView'];
/** What a person writes about an item (the server's ContentRequest, as the forms fill it in). */
export type ContentFields = Pick<ContentItem,
  'title' | 'description' | 'subject' | 'grade' | 'curriculumCode' | 'language' | 'licence' | 'visibility' | 'tags' | 'url'>;

export interface ContentSearch {
  q?: string;
  type?: string;
  subject?: string;
  grade?: string;
  language?: string;
  licence?: string;
  tag?: string;
  scope?: 'all' | 'mine' | 'shared';
  skip?: number;
  take?: number;
}

export type Quota = Schemas['QuotaView'];
export type WatchState = Schemas['WatchView'];

/** A media job's progress, as the server pushes it on /hubs/content (the hub is not in the OpenAPI document). */
export interface JobEvent {
  jobId: string;
  kind: string;
  itemId: string | null;
  recordingId: string | null;
  state: JobInfo['state'];
  progress: number;
  attempts: number;
  errorCode: string | null;
  errorMessage: string | null;
}

const item = (id: string) => `/api/content/items/${encodeURIComponent(id)}`;
const onItem = (itemId: string) => ({ params: { path: { itemId } } });
const watched = (courseId: string, courseItemId: string) => ({ params: { path: { courseId, courseItemId } } });

export const contentApi = {
  search: (s: ContentSearch) => call(api.GET('/api/content/items', { params: { query: s } })) as Promise<Page<ContentSummary>>,
  create: (institutionId: string, type: ContentType, fields: ContentFields) =>
    call(api.POST('/api/content/items', { body: { institutionId, type, ...fields } })) as Promise<ContentItem>,
  item: (id: string) => call(api.GET('/api/content/items/{itemId}', onItem(id))) as Promise<ContentItem>,
  update: (id: string, fields: ContentFields) =>
    call(api.PUT('/api/content/items/{itemId}', { ...onItem(id), body: { institutionId: null, type: null, ...fields } })) as Promise<ContentItem>,
  remove: (id: string) => call(api.DELETE('/api/content/items/{itemId}', onItem(id))),
  versions: (id: string) => call(api.GET('/api/content/items/{itemId}/versions', onItem(id))),
  removeVersion: (id: string, versionId: string) =>
    call(api.DELETE('/api/content/items/{itemId}/versions/{versionId}', { params: { path: { itemId: id, versionId } } })),
  cancel: (id: string) => call(api.POST('/api/content/items/{itemId}/cancel', onItem(id))),
  // A file goes up as multipart form data, which the typed client does not build: plain `request`.
  addSubtitles: (id: string, file: File, language: string, label: string) => {
    const form = new FormData();
    form.append('file', file, file.name);
    form.append('language', language);
    form.append('label', label);
    return request<SubtitleInfo>(`${item(id)}/subtitles`, { method: 'POST', body: form });
  },
  removeSubtitles: (id: string, subtitleId: string) =>
    call(api.DELETE('/api/content/items/{itemId}/subtitles/{subtitleId}', { params: { path: { itemId: id, subtitleId } } })),
  addToCourse: (courseId: string, moduleId: string, contentId: string, title?: string) =>
    call(api.POST('/api/content/course-items', { body: { courseId, moduleId, contentId, title: title ?? null } })),
  watch: (courseId: string, courseItemId: string) => call(api.GET('/api/content/watch/{courseId}/{courseItemId}', watched(courseId, courseItemId))),
  recordWatch: (courseId: string, courseItemId: string, positionSeconds: number, durationSeconds: number,
    played: { start: number; end: number }[]) =>
    call(api.PUT('/api/content/watch/{courseId}/{courseItemId}', { ...watched(courseId, courseItemId), body: { positionSeconds, durationSeconds, played } })),
  myQuotas: () => call(api.GET('/api/content/quota')),
};

export interface UploadHandle {
  abort: () => Promise<void>;
  done: Promise<void>;
}

/**
 * Uploads a file to an item with tus: in 8 MB pieces, resumed from where it stopped after a
 * dropped connection (retries, and a remembered upload URL if the page is reloaded).
 */
export function uploadFile(itemId: string, file: File, onProgress: (sent: number, total: number) => void): UploadHandle {
  let upload: Upload;
  const done = new Promise<void>((resolve, reject) => {
    upload = new Upload(file, {
      endpoint: '/api/content/uploads',
      chunkSize: 8 * 1024 * 1024,
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000],
      metadata: { itemId, filename: file.name, filetype: file.type },
      // Resumed only for the same file into the same item (the default fingerprint ignores the item).
      fingerprint: async (f: File) => ['lms', itemId, f.name, f.type, f.size, f.lastModified].join('/'),
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      onProgress,
      onSuccess: () => resolve(),
      onError: (error) => reject(error),
      // A refusal (quota, size, type) is final; network trouble is retried.
      onShouldRetry: (error) => {
        const status = error.originalResponse?.getStatus() ?? 0;
        return status === 0 || status === 409 || status === 423 || status >= 500;
      },
    });
    upload.findPreviousUploads().then((previous) => {
      if (previous.length > 0) upload.resumeFromPreviousUpload(previous[0]);
      upload.start();
    }, () => upload.start());
  });
  return { abort: () => upload.abort(), done };
}

/** The server's problem inside a tus error, when there is one (quota, size, type). */
export function uploadProblem(error: unknown): Problem | null {
  const response = (error as { originalResponse?: { getBody(): string } | null })?.originalResponse;
  if (!response) return null;
  try {
    return JSON.parse(response.getBody()) as Problem;
  } catch {
    return null;
  }
}

let hub: Promise<HubConnection> | null = null;

/** One connection to /hubs/content per page, shared; it reconnects by itself. */
export function contentHub(): Promise<HubConnection> {
  hub ??= (async () => {
    const connection = new HubConnectionBuilder()
      .withUrl('/hubs/content')
      .withAutomaticReconnect()
      .configureLogging(LogLevel.Warning)
      .build();
    await connection.start();
    return connection;
  })().catch((error) => {
    hub = null;
    throw error;
  });
  return hub;
}
