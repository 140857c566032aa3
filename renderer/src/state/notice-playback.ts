// 播放 on the "有新公告" alert: the host reads the notice aloud (its offline voice, the same as the
// spoken 播放; 停止播放 or the voice bar stops it) and the notice opens so it can be read along.
import { usePanelStore } from './panel-store';
import { useNavigation } from './navigation';

export interface NoticePlayback {
  playNotice(messageId: number): void;
}

export function useNoticePlayback(): NoticePlayback {
  const navigation = useNavigation();
  const store = usePanelStore();
  return {
    playNotice(messageId) {
      navigation.openNotice(messageId);
      store.request('notices.play', { messageId }).catch((error: unknown) => console.warn('the notice could not be spoken', error));
    },
  };
}
