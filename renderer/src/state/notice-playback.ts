// 播放 on the "有新公告" alert. Reading the notice aloud (offline TTS of its title and text) is
// being wired in the host; until it lands, 播放 opens the notice, whose page marks it read. When
// the host can speak it, this is the one place to change: ask the host to play it here (the
// host's speech then shows in the voice bar and 停止播放 goes through voice.stopSpeaking).
import { useNavigation } from './navigation';

export interface NoticePlayback {
  playNotice(messageId: number): void;
}

export function useNoticePlayback(): NoticePlayback {
  const navigation = useNavigation();
  return {
    playNotice(messageId) {
      navigation.openNotice(messageId);
    },
  };
}
