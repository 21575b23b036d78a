// The content library's API (Lms.Server/Content): library items, uploads (tus), processing
// progress (SignalR /hubs/content), course items, watch progress and quotas.
import { HubConnectionBuilder, LogLevel, type HubConnection } from '@microsoft/signalr';
import { Upload } from 'tus-js-client';
import { query, request, type Problem } from './client';
import type { Page } from './lms';

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

export interface ContentSummary {
  id: string;
  type: ContentType;
  title: string;
  description: string | null;
  subject: string | null;
  grade: string | null;
  language: string;
  licence: string;
  visibility: Visibility;
  tags: string[];
  status: ContentStatus;
  institutionId: string;
  institutionName: string;
  ownerName: string;
  mine: boolean;
  updatedAt: string;
  durationSeconds: number | null;
  thumbnailUrl: string | null;
  url: string | null;
}

export interface Rendition {
  name: string;
  width: number;
  height: number;
  kbps: number;
}

export interface MediaInfo {
  versionId: string;
  versionNumber: number;
  kind: 'video' | 'audio' | 'document' | 'image';
  hlsUrl: string | null;
  posterUrl: string | null;
  thumbnailsUrl: string | null;
  downloadUrl: string | null;
  previewUrl: string | null;
  sourceUrl: string | null;
  sourceName: string | null;
  durationSeconds: number | null;
  width: number | null;
  height: number | null;
  pages: number | null;
  renditions: Rendition[];
}

export interface JobInfo {
  id: string;
  kind: string;
  state: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  progress: number;
  attempts: number;
  errorCode: string | null;
  errorMessage: string | null;
}

export interface SubtitleInfo {
  id: string;
  language: string;
  label: string;
  url: string;
}

export interface ContentItem extends ContentFields {
  id: string;
  type: ContentType;
  status: ContentStatus;
  institutionId: string;
  institutionName: string;
  ownerId: string;
  ownerName: string;
  canEdit: boolean;
  createdAt: string;
  updatedAt: string;
  media: MediaInfo | null;
  job: JobInfo | null;
  lastFailure: { versionNumber: number; code: string | null; message: string; at: string } | null;
  subtitles: SubtitleInfo[];
  courseUses: number;
}

export interface ContentVersion {
  id: string;
  number: number;
  status: string;
  sourceName: string;
  sourceBytes: number;
  outputBytes: number;
  durationSeconds: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  createdAt: string;
  readyAt: string | null;
  current: boolean;
}

export interface ContentFields {
  title: string;
  description: string | null;
  subject: string | null;
  grade: string | null;
  curriculumCode: string | null;
  language: string;
  licence: string;
  visibility: Visibility;
  tags: string[];
  url: string | null;
}

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

export interface Quota {
  institutionId: string;
  institutionName: string;
  usedBytes: number;
  quotaBytes: number;
  items: number;
  canChange: boolean;
}

export interface WatchState {
  positionSeconds: number;
  durationSeconds: number;
  watchedSeconds: number;
  watchedShare: number;
  seen: boolean;
  tracked: boolean;
}

/** A media job's progress, as the server pushes it. */
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

export const contentApi = {
  search: (s: ContentSearch) => request<Page<ContentSummary>>(`/api/content/items${query({ ...s })}`),
  create: (institutionId: string, type: ContentType, fields: ContentFields) =>
    request<ContentItem>('/api/content/items', { body: { institutionId, type, ...fields } }),
  item: (id: string) => request<ContentItem>(item(id)),
  update: (id: string, fields: ContentFields) => request<ContentItem>(item(id), { method: 'PUT', body: fields }),
  remove: (id: string) => request<void>(item(id), { method: 'DELETE' }),
  versions: (id: string) => request<ContentVersion[]>(`${item(id)}/versions`),
  removeVersion: (id: string, versionId: string) => request<void>(`${item(id)}/versions/${versionId}`, { method: 'DELETE' }),
  cancel: (id: string) => request<void>(`${item(id)}/cancel`, { method: 'POST' }),
  addSubtitles: (id: string, file: File, language: string, label: string) => {
    const form = new FormData();
    form.append('file', file, file.name);
    form.append('language', language);
    form.append('label', label);
    return request<SubtitleInfo>(`${item(id)}/subtitles`, { method: 'POST', body: form });
  },
  removeSubtitles: (id: string, subtitleId: string) => request<void>(`${item(id)}/subtitles/${subtitleId}`, { method: 'DELETE' }),
  addToCourse: (courseId: string, moduleId: string, contentId: string, title?: string) =>
    request<{ id: string; kind: string; title: string; refId: string }>('/api/content/course-items',
      { body: { courseId, moduleId, contentId, title } }),
  watch: (courseId: string, courseItemId: string) => request<WatchState>(`/api/content/watch/${courseId}/${courseItemId}`),
  recordWatch: (courseId: string, courseItemId: string, positionSeconds: number, durationSeconds: number,
    played: { start: number; end: number }[]) =>
    request<WatchState>(`/api/content/watch/${courseId}/${courseItemId}`,
      { method: 'PUT', body: { positionSeconds, durationSeconds, played } }),
  myQuotas: () => request<Quota[]>('/api/content/quota'),
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
