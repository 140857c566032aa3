// The touch flows that start on the home screen and may need a second step: 开门 (which door?),
// 呼叫电梯 (which floor do you live on? which elevator?) and, on the property desk, 呼叫巡逻岗
// (which field device?). The host decides when to ask (a `choose` / `need-floor` outcome); this
// keeps the question on screen, sends the answer, and keeps the outcome until it has been read.
import { readonly, ref, type Ref } from 'vue';
import { useHostActions } from './actions';
import { usePanelStore } from './panel-store';

export interface Choice {
  id: string;
  label: string;
  /** A second line under the label ("设备离线"), or null. */
  note: string | null;
}

export type ChooserKind = 'door' | 'elevator' | 'patrol';

export interface Chooser {
  kind: ChooserKind;
  title: string;
  /** The host's own question ("有3扇门，请问要打开哪一扇？"). */
  message: string;
  choices: Choice[];
}

export interface FlowResult {
  ok: boolean;
  message: string;
}

export interface FloorQuestion {
  suggested: string | null;
  message: string;
}

export interface HomeFlows {
  /** 'door', 'elevator', 'floor' or 'patrol' while that request is out. */
  readonly pending: ReadonlySet<string>;
  readonly chooser: Readonly<Ref<Chooser | null>>;
  readonly floorQuestion: Readonly<Ref<FloorQuestion | null>>;
  readonly result: Readonly<Ref<FlowResult | null>>;
  openDoor(iotId?: string): Promise<void>;
  callElevator(iotId?: string): Promise<void>;
  callPatrol(deviceId?: string): Promise<void>;
  /** The resident picked one of the chooser's choices. */
  choose(id: string): Promise<void>;
  /** The keypad's floor: stored, then the elevator is called again. */
  setFloor(floor: string): Promise<void>;
  cancel(): void;
  closeResult(): void;
}

const offlineNote = (online: boolean): string | null => (online ? null : '设备离线');

export function useHomeFlows(): HomeFlows {
  const actions = useHostActions();
  const store = usePanelStore();
  const chooser = ref<Chooser | null>(null);
  const floorQuestion = ref<FloorQuestion | null>(null);
  const result = ref<FlowResult | null>(null);

  function ask(next: Chooser): void {
    floorQuestion.value = null;
    chooser.value = next;
  }
  function tell(ok: boolean, message: string): void {
    chooser.value = null;
    floorQuestion.value = null;
    result.value = { ok, message };
  }

  async function openDoor(iotId?: string): Promise<void> {
    const out = await actions.run('door', (s) => s.request('doors.open', iotId === undefined ? { via: 'touch' } : { iotId, via: 'touch' }));
    if (!out) return;
    if (out.status === 'choose') {
      ask({ kind: 'door', title: '开哪扇门？', message: out.message, choices: out.choices.map((d) => ({ id: d.iotId, label: d.name, note: offlineNote(d.online) })) });
    } else {
      tell(out.status === 'opened', out.message);
    }
  }

  async function callElevator(iotId?: string): Promise<void> {
    const out = await actions.run('elevator', (s) => s.request('elevator.call', iotId === undefined ? { via: 'touch' } : { iotId, via: 'touch' }));
    if (!out) return;
    switch (out.status) {
      case 'need-floor':
        chooser.value = null;
        floorQuestion.value = { suggested: out.suggested, message: out.message };
        return;
      case 'choose':
        ask({ kind: 'elevator', title: '呼叫哪部电梯？', message: out.message, choices: out.choices.map((e) => ({ id: e.iotId, label: e.name, note: offlineNote(e.online) })) });
        return;
      case 'calling':
        // From here the live elevator panel follows state.elevator.
        chooser.value = null;
        return;
      case 'failed':
        // A car that was called and failed is already on the live panel (the host sends the state
        // before it answers); say it twice and the resident has two things to close.
        if (store.state.value?.elevator?.message === out.message) {
          chooser.value = null;
          return;
        }
        tell(false, out.message);
    }
  }

  async function setFloor(floor: string): Promise<void> {
    const stored = await actions.run('floor', (s) => s.request('elevator.floor.set', { floor }));
    if (!stored) return;
    floorQuestion.value = null;
    await callElevator();
  }

  async function callPatrol(deviceId?: string): Promise<void> {
    const out = await actions.run('patrol', (s) => s.request('isdp.call', deviceId === undefined ? { via: 'touch' } : { deviceId, via: 'touch' }));
    if (!out) return;
    if (!out.ok && out.choices.length > 0) {
      ask({ kind: 'patrol', title: '呼叫哪个岗位？', message: out.message, choices: out.choices.map((d) => ({ id: d.id, label: d.name, note: null })) });
    } else {
      tell(out.ok, out.message);
    }
  }

  async function choose(id: string): Promise<void> {
    const kind = chooser.value?.kind;
    chooser.value = null;
    if (kind === 'door') await openDoor(id);
    else if (kind === 'elevator') await callElevator(id);
    else if (kind === 'patrol') await callPatrol(id);
  }

  return {
    pending: actions.pending,
    chooser: readonly(chooser) as Readonly<Ref<Chooser | null>>,
    floorQuestion: readonly(floorQuestion) as Readonly<Ref<FloorQuestion | null>>,
    result: readonly(result) as Readonly<Ref<FlowResult | null>>,
    openDoor,
    callElevator,
    callPatrol,
    choose,
    setFloor,
    cancel() {
      chooser.value = null;
      floorQuestion.value = null;
    },
    closeResult() {
      result.value = null;
    },
  };
}
