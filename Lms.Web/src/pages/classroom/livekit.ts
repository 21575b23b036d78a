// LiveKit mode (Media:Provider=LiveKit): the browser joins the SFU with livekit-client and a token
// minted by our server, whose grants follow the room's roles (a student publishes only with the floor).
// Loaded only in this mode, so peer-to-peer rooms never download it.
import type { MediaJoin } from '../../api/classroom';

export interface LiveKitHandle {
  setMic(on: boolean): Promise<void>;
  setCamera(on: boolean): Promise<void>;
  setScreen(on: boolean): Promise<void>;
  leave(): Promise<void>;
}

export async function joinLiveKit(join: MediaJoin, teacher: boolean, show: (teacher: MediaStream, screen: MediaStream) => void): Promise<LiveKitHandle> {
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
  await room.connect(join.url!, join.token!);
  if (teacher) await room.localParticipant.enableCameraAndMicrophone();
  return {
    setMic: async (on) => { await room.localParticipant.setMicrophoneEnabled(on); },
    setCamera: async (on) => { await room.localParticipant.setCameraEnabled(on); },
    setScreen: async (on) => { await room.localParticipant.setScreenShareEnabled(on); },
    leave: async () => { await room.disconnect(); },
  };
}
