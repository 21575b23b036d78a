// The lesson as the class experienced it, for the recording in peer-to-peer rooms: what the teacher
// shows (their camera, or their screen with the camera small in a corner) drawn on a canvas, and
// the sound of the room (the teacher's microphone and every student's voice that reaches the
// teacher: a student holding the floor) mixed with WebAudio. The result is one MediaStream that
// LessonRecorder records and uploads in pieces.

export interface ComposerSources {
  /** The teacher's camera and microphone. */
  camera: () => MediaStream | null;
  /** The shared screen, while there is one. */
  screen: () => MediaStream | null;
  /** The sound arriving from the students (silent tracks are harmless). */
  remoteAudio: () => MediaStreamTrack[];
}

const WIDTH = 1280;
const HEIGHT = 720;
const FPS = 15;

/**
 * A timer in a worker: a page's own timers slow to once a second when its tab is hidden (a teacher
 * who switches to the slides they share), a worker's do not, so the recording keeps its frames.
 */
function workerTicker(fps: number, tick: () => void): () => void {
  const source = `setInterval(() => postMessage(0), ${Math.round(1000 / fps)});`;
  try {
    const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    const worker = new Worker(url);
    worker.onmessage = tick;
    return () => { worker.terminate(); URL.revokeObjectURL(url); };
  } catch {
    const timer = window.setInterval(tick, 1000 / fps);
    return () => window.clearInterval(timer);
  }
}

class TrackVideo {
  readonly element = document.createElement('video');
  private trackId: string | null = null;

  constructor() {
    this.element.muted = true;
    this.element.playsInline = true;
  }

  /** Shows this track (or nothing); returns whether there is a picture to draw. */
  show(track: MediaStreamTrack | null | undefined): boolean {
    const live = track && track.readyState === 'live' ? track : null;
    if ((live?.id ?? null) !== this.trackId) {
      this.trackId = live?.id ?? null;
      this.element.srcObject = live ? new MediaStream([live]) : null;
      if (live) this.element.play().catch(() => {});
    }
    return !!live && live.enabled && this.element.videoWidth > 0;
  }

  stop() { this.element.srcObject = null; }
}

/** Draws `video` into the box, keeping its shape (black bars where it does not fill). */
function drawFitted(g: CanvasRenderingContext2D, video: HTMLVideoElement, x: number, y: number, w: number, h: number) {
  const scale = Math.min(w / video.videoWidth, h / video.videoHeight);
  const dw = video.videoWidth * scale;
  const dh = video.videoHeight * scale;
  g.drawImage(video, x + (w - dw) / 2, y + (h - dh) / 2, dw, dh);
}

export class LessonComposer {
  readonly stream: MediaStream;
  private readonly canvas = document.createElement('canvas');
  private readonly g: CanvasRenderingContext2D;
  private readonly camera = new TrackVideo();
  private readonly screen = new TrackVideo();
  private readonly audio: AudioContext;
  private readonly mix: MediaStreamAudioDestinationNode;
  private readonly inputs = new Map<string, { node: MediaStreamAudioSourceNode; sink: HTMLAudioElement | null }>();
  private readonly stopTicker: () => void;

  constructor(private readonly sources: ComposerSources) {
    this.canvas.width = WIDTH;
    this.canvas.height = HEIGHT;
    this.g = this.canvas.getContext('2d')!;
    this.audio = new AudioContext();
    this.mix = this.audio.createMediaStreamDestination();
    this.draw();
    const video = this.canvas.captureStream(FPS).getVideoTracks()[0];
    this.stream = new MediaStream([video, ...this.mix.stream.getAudioTracks()]);
    let frame = 0;
    this.stopTicker = workerTicker(FPS, () => {
      this.draw();
      if (frame++ % FPS === 0) this.connectAudio();
    });
    this.connectAudio();
    void this.audio.resume();
  }

  private draw() {
    const g = this.g;
    g.fillStyle = '#000';
    g.fillRect(0, 0, WIDTH, HEIGHT);
    const camera = this.camera.show(this.sources.camera()?.getVideoTracks()[0]);
    const screen = this.screen.show(this.sources.screen()?.getVideoTracks()[0]);
    if (screen) {
      drawFitted(g, this.screen.element, 0, 0, WIDTH, HEIGHT);
      if (camera) {
        // The teacher's face small in the bottom right corner, over the screen.
        const w = WIDTH / 4;
        const h = (w * this.camera.element.videoHeight) / this.camera.element.videoWidth;
        g.fillStyle = '#000';
        g.fillRect(WIDTH - w - 20, HEIGHT - h - 20, w + 4, h + 4);
        g.drawImage(this.camera.element, WIDTH - w - 18, HEIGHT - h - 18, w, h);
      }
    } else if (camera) {
      drawFitted(g, this.camera.element, 0, 0, WIDTH, HEIGHT);
    }
  }

  /** Every second: the microphone and the students' sound that arrived since, into the mix; ended ones out. */
  private connectAudio() {
    const tracks = [...(this.sources.camera()?.getAudioTracks() ?? []), ...this.sources.remoteAudio()]
      .filter((t) => t.readyState === 'live');
    const wanted = new Set(tracks.map((t) => t.id));
    for (const [id, input] of this.inputs) {
      if (wanted.has(id)) continue;
      input.node.disconnect();
      if (input.sink) input.sink.srcObject = null;
      this.inputs.delete(id);
    }
    const local = new Set(this.sources.camera()?.getAudioTracks().map((t) => t.id) ?? []);
    for (const track of tracks) {
      if (this.inputs.has(track.id)) continue;
      const stream = new MediaStream([track]);
      const node = this.audio.createMediaStreamSource(stream);
      node.connect(this.mix);
      // Chrome sends a remote WebRTC track into WebAudio only while a media element also plays it (muted).
      let sink: HTMLAudioElement | null = null;
      if (!local.has(track.id)) {
        sink = new Audio();
        sink.muted = true;
        sink.srcObject = stream;
        sink.play().catch(() => {});
      }
      this.inputs.set(track.id, { node, sink });
    }
  }

  /** The ids of the sound tracks in the mix now (the microphone, and each student's voice that reaches the teacher). */
  get mixedTracks(): string[] { return [...this.inputs.keys()]; }

  stop() {
    this.stopTicker();
    for (const input of this.inputs.values()) {
      input.node.disconnect();
      if (input.sink) input.sink.srcObject = null;
    }
    this.inputs.clear();
    this.stream.getTracks().forEach((t) => t.stop());
    this.camera.stop();
    this.screen.stop();
    void this.audio.close();
  }
}
