// LiveKit mode (Media:Provider=LiveKit): the browser joins the SFU with livekit-client and a token
// minted by our server, whose grants follow the room's roles (a student publishes only with the floor).
// Loaded only in this mode, so peer-to-peer rooms never download it.
import type { MediaJoin } from '../../api/classroom';
import { ApiError } from '../../api/client';

export interface LiveKitHandle {
  setMic(on: boolean): Promise<void>;
  setCamera(on: boolean): Promise<void>;
  setScreen(on: boolean): Promise<void>;
  leave(): Promise<void>;
}

/**
 * `renew` asks our server for a fresh token. Tokens live minutes (Media:LiveKit:TokenLifetime): a new one is fetched
 * before the current one runs out, so that joining again after LiveKit gives up resuming works; each renewal is checked
 * again by the server (still allowed in the room, publishing only with the floor).
 */
export async function joinLiveKit(join: MediaJoin, teacher: boolean, show: (teacher: MediaStream, screen: MediaStream) => void,
  renew?: () => Promise<MediaJoin>): Promise<LiveKitHandle> {
  const { Room, RoomEvent, Track } = await import('livekit-client');
  const room = new Room({ adaptiveStream: true, dynacast: true });
  const camera = new MediaStream();
  const screen = new MediaStream();
  room.on(RoomEvent.TrackSubscribed, (track) => {
    const target = track.source === Track.Source.ScreenShare ? screen : camera;
    target.addTrack(track.mediaStreamTrack);
    show(camera, screen);
  });
  room.on(RoomEvent.TrackUnsubscribed, (track) => {
    camera.removeTrack(track.mediaStreamTrack);
    screen.removeTrack(track.mediaStreamTrack);
    show(camera, screen);
  });
  let latest = join;
  let left = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const renewLater = (ms: number) => {
    if (!renew || left) return;
    timer = setTimeout(() => {
      renew().then(
        (next) => {
          latest = next;
          renewLater(next.expiresAt ? Math.max(5_000, (new Date(next.expiresAt).getTime() - Date.now()) * 0.8) : 60_000);
        },
        // Refused (removed, the session ended): no more tokens. Offline: try again shortly.
        (e) => { if (!(e instanceof ApiError && e.status >= 400 && e.status < 500)) renewLater(15_000); });
    }, ms);
  };
  room.on(RoomEvent.Disconnected, () => {
    if (left) return;
    // LiveKit could not resume the connection: join again once, with the freshest token.
    void room.connect(latest.url!, latest.token!).catch(() => {});
  });
  await room.connect(join.url!, join.token!);
  if (join.expiresAt) renewLater(Math.max(5_000, (new Date(join.expiresAt).getTime() - Date.now()) * 0.8));
  if (teacher) await room.localParticipant.enableCameraAndMicrophone();
  return {
    setMic: async (on) => { await room.localParticipant.setMicrophoneEnabled(on); },
    setCamera: async (on) => { await room.localParticipant.setCameraEnabled(on); },
    setScreen: async (on) => { await room.localParticipant.setScreenShareEnabled(on); },
    leave: async () => {
      left = true;
      clearTimeout(timer);
      await room.disconnect();
    },
  };
}
