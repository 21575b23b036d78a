// Records a lesson in the browser and uploads it in pieces while it runs (POST /api/content/recordings,
// PUT …/pieces/{n}, POST …/finish). Each piece is a self-contained WebM: the MediaRecorder is stopped
// and started again every `pieceSeconds`, so the server can transcode each one as it arrives. The
// classroom page (issue 3) feeds its own stream to this class; the library's record page uses the camera.
import { request } from '../../api/client';

export interface RecordingInfo {
  id: string;
  title: string;
  status: 'recording' | 'finishing' | 'published' | 'failed';
  pieceCount: number | null;
  pieces: { index: number; status: 'processing' | 'ready' | 'failed'; error: string | null }[];
  itemId: string | null;
  courseItemId: string | null;
  error: string | null;
}

export const recordingsApi = {
  start: (title: string, target: { institutionId?: string; courseId?: string; moduleId?: string; sessionId?: string }) =>
    request<RecordingInfo>('/api/content/recordings', { body: { title, ...target } }),
  get: (id: string) => request<RecordingInfo>(`/api/content/recordings/${id}`),
  finish: (id: string, pieceCount: number) =>
    request<RecordingInfo>(`/api/content/recordings/${id}/finish`, { body: { pieceCount } }),
};

export interface RecorderState {
  recordedPieces: number;
  uploadedPieces: number;
  pendingBytes: number;
  failed: string | null;
}

function recorderType(preferred: string[] = []): string {
  for (const type of [...preferred, 'video/webm;codecs=vp8,opus', 'video/webm;codecs=vp9,opus', 'video/webm', 'video/mp4'])
    if (MediaRecorder.isTypeSupported(type)) return type;
  return '';
}

/**
 * A recording another page goes on with: its pieces are numbered from `firstIndex` and sent with `headers` (the tab that records).
 * A broadcast sends its pieces elsewhere (`pieceUrl`) and asks for a codec the server can copy into HLS (`mimeTypes`, in order of preference).
 */
export interface RecorderOptions { firstIndex?: number; headers?: Record<string, string>; pieceUrl?: (index: number) => string; mimeTypes?: string[] }

export class LessonRecorder {
  private recorder: MediaRecorder | null = null;
  private timer: number | null = null;
  private index = 0;
  private stopping = false;
  private uploads: Promise<void> = Promise.resolve();
  private readonly type: string;
  readonly state: RecorderState = { recordedPieces: 0, uploadedPieces: 0, pendingBytes: 0, failed: null };

  constructor(
    private readonly stream: MediaStream,
    private readonly recordingId: string,
    private readonly pieceSeconds = 60,
    private readonly onChange: (state: RecorderState) => void = () => undefined,
    private readonly options: RecorderOptions = {},
  ) {
    this.index = options.firstIndex ?? 0;
    this.type = recorderType(options.mimeTypes);
  }

  start() {
    this.startPiece();
    this.timer = window.setInterval(() => this.recorder?.stop(), this.pieceSeconds * 1000);
  }

  /** Ends the lesson: the last piece is recorded and sent, then the server is told how many there were. */
  async stop(): Promise<RecordingInfo> {
    const count = await this.stopRecording();
    await this.uploaded();
    return recordingsApi.finish(this.recordingId, count);
  }

  /** Stops recording (the last piece is cut at once and queued for sending); returns how many pieces there are (counting from the first index). */
  async stopRecording(): Promise<number> {
    this.stopping = true;
    if (this.timer !== null) window.clearInterval(this.timer);
    await new Promise<void>((resolve) => {
      if (!this.recorder || this.recorder.state === 'inactive') return resolve();
      this.recorder.addEventListener('stop', () => resolve(), { once: true });
      this.recorder.stop();
    });
    return this.index;
  }

  /** When every recorded piece has been sent (throws if the server refused one). */
  async uploaded(): Promise<void> {
    await this.uploads;
    if (this.state.failed) throw new Error(this.state.failed);
  }

  private startPiece() {
    const recorder = new MediaRecorder(this.stream, this.type ? { mimeType: this.type } : undefined);
    const chunks: Blob[] = [];
    const index = this.index++;
    recorder.ondataavailable = (event) => {
      if (event.data.size > 0) chunks.push(event.data);
    };
    recorder.onstop = () => {
      const piece = new Blob(chunks, { type: recorder.mimeType || 'video/webm' });
      this.state.recordedPieces++;
      this.state.pendingBytes += piece.size;
      this.onChange({ ...this.state });
      // Pieces go up one after the other, each retried until it is taken.
      this.uploads = this.uploads.then(() => this.send(index, piece));
      if (!this.stopping) this.startPiece();
    };
    recorder.start();
    this.recorder = recorder;
  }

  private async send(index: number, piece: Blob) {
    for (let attempt = 0; ; attempt++) {
      try {
        const url = this.options.pieceUrl?.(index) ?? `/api/content/recordings/${this.recordingId}/pieces/${index}`;
        const response = await fetch(url, {
          method: 'PUT', body: piece, credentials: 'same-origin', headers: { ...this.options.headers, 'Content-Type': piece.type },
        });
        if (response.ok) break;
        if (response.status >= 400 && response.status < 500) {
          this.state.failed = `HTTP ${response.status}`;
          this.onChange({ ...this.state });
          return;
        }
      } catch {
        // The network dropped: wait and send the same piece again (the server takes it once).
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 1000 * 2 ** attempt)));
    }
    this.state.uploadedPieces++;
    this.state.pendingBytes -= piece.size;
    this.onChange({ ...this.state });
  }
}
